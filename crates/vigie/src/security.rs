//! The command line's side of the secure link: the state directory, the
//! server's fingerprint and pairing code at start, `vigie pair`, the list
//! and revocation of paired cameras, and the client's link.
//!
//! The pieces are in `vigie-trust` and `vigie-net`; this module only turns
//! options into them and prints what a person needs to read: the
//! fingerprint, in its short form, to compare by eye (and with the
//! browser's certificate warning), and the code, on a line that begins with
//! `pairing code:` so a script can find it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context};
use clap::Args;
use vigie_net::client::{Link, TlsLink};
use vigie_net::ServerTrust;
use vigie_trust::pairing::{requests, PairingLimits, SystemClock};
use vigie_trust::{state_dir, CameraBook, PairingCode, StateDir};

/// `--state-dir`, shared by every subcommand that needs it.
#[derive(Debug, Clone, Args)]
pub struct StateArgs {
    /// Where the server keeps its key, certificate and paired cameras, and
    /// the client its pinned servers and tokens. Default: $VIGIE_STATE_DIR,
    /// else $XDG_STATE_HOME/vigie, else ~/.local/state/vigie.
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
}

impl StateArgs {
    /// The state directory, created (0700) if need be.
    pub fn open(&self) -> anyhow::Result<StateDir> {
        let path = state_dir::resolve_from_env(self.state_dir.as_deref())?;
        StateDir::open(&path)
            .with_context(|| format!("cannot use the state directory {}", path.display()))
    }
}

/// How long `vigie pair` waits for the running server's answer.
const PAIR_ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// The server's trust material: its key and certificate (made on the
/// first start), its paired cameras.
pub struct ServerIdentity {
    /// What the camera port and the web page need.
    pub trust: Arc<ServerTrust>,
    /// The state directory, when the key was made on this start.
    made_in: Option<String>,
}

/// Opens (or, the first time, makes) the server's identity.
pub fn open_server(state: &StateArgs) -> anyhow::Result<ServerIdentity> {
    let dir = state.open()?;
    let shown = dir.path().display().to_string();
    let (trust, created) = ServerTrust::open(dir, Arc::new(SystemClock))
        .with_context(|| format!("cannot open the server's identity in {shown}"))?;
    Ok(ServerIdentity {
        trust: Arc::new(trust),
        made_in: created.then_some(shown),
    })
}

/// Prints what a person compares and types: the fingerprint, in its short
/// form and in full (the form a browser's certificate viewer shows), and a
/// first pairing code. (After the addresses: the first line a server
/// prints stays `vigie server listening on …`, which scripts read.)
pub fn announce(identity: &ServerIdentity) -> anyhow::Result<()> {
    if let Some(dir) = &identity.made_in {
        println!("made the server's key and certificate in {dir}");
    }
    let trust = &identity.trust;
    let fingerprint = trust.fingerprint();
    println!("server fingerprint: {}", fingerprint.short());
    println!(
        "  in full (SHA-256, as browsers show it): {}",
        fingerprint.hex()
    );
    let code = trust.issue_code()?;
    println!("pairing code: {code}   (single use, valid 10 minutes; a fresh one: vigie pair)");
    Ok(())
}

/// The warnings of the opt-outs, printed at start.
pub fn warn_opt_outs(insecure: bool, allow_legacy: bool) {
    if insecure {
        eprintln!("warning: --insecure: vigie's plaintext protocol is accepted too; such cameras are neither encrypted nor authenticated");
    }
    if allow_legacy {
        eprintln!("warning: --allow-legacy: the report's Python format is accepted; it can be neither encrypted nor authenticated");
    }
}

/// `vigie pair`: a fresh code from the server running on this state directory.
pub fn pair(state: &StateArgs) -> anyhow::Result<()> {
    let dir = state.open()?;
    let code = requests::request_code(&dir, PAIR_ANSWER_TIMEOUT)?;
    println!("pairing code: {code}   (single use, valid 10 minutes)");
    Ok(())
}

/// `vigie cameras paired`: the cameras this server paired, and their state.
pub fn list_paired(state: &StateArgs) -> anyhow::Result<()> {
    let book = CameraBook::load(&state.open()?)?;
    let cameras = book.list();
    if cameras.is_empty() {
        println!("no paired camera");
    }
    for camera in cameras {
        let status = match camera.record.revoked_at {
            Some(at) => format!("revoked (at {at} s since the epoch)"),
            None => "paired".to_owned(),
        };
        println!("{}  {status}", camera.name);
    }
    Ok(())
}

/// `vigie cameras revoke NAME`: the running server drops it within a second.
pub fn revoke(state: &StateArgs, name: &str) -> anyhow::Result<()> {
    let mut book = CameraBook::load(&state.open()?)?;
    if !book.revoke(name, SystemTime::now())? {
        bail!("no paired camera named {name:?} (see `vigie cameras paired`)");
    }
    println!("camera {name:?} revoked: a running server drops it and refuses its token");
    Ok(())
}

/// The client's link: TLS with the state directory's pins (pairing first
/// with `code`), or plaintext with `insecure`.
pub fn client_link(state: &StateArgs, code: Option<&str>, insecure: bool) -> anyhow::Result<Link> {
    if insecure {
        if code.is_some() {
            return Err(crate::usage(
                "--pair needs the encrypted link: remove --insecure",
            ));
        }
        return Ok(Link::Plaintext);
    }
    let pair = code
        .map(PairingCode::parse)
        .transpose()
        .map_err(|e| crate::usage(format!("--pair: {e}")))?;
    Ok(Link::Tls(TlsLink {
        state: state.open()?,
        pair,
    }))
}

/// The demo's secure link, set up with no step for the user: a server
/// identity and a client state of its own, in a temporary folder removed
/// at the end, and one pairing code per synthetic camera, redeemed in
/// process. Its cameras use TLS and tokens like any other: what the demo
/// shows is what a real setup does.
pub struct DemoTrust {
    folder: PathBuf,
    server: Arc<ServerTrust>,
    clients: StateDir,
}

impl DemoTrust {
    /// A fresh identity for a demo of `cameras` cameras.
    pub fn new(cameras: usize) -> anyhow::Result<DemoTrust> {
        let folder = std::env::temp_dir().join(format!("vigie-demo-{}", std::process::id()));
        // A folder left by a demo that was killed, under a reused pid.
        let _ = std::fs::remove_dir_all(&folder);
        let state = StateDir::open(&folder)
            .with_context(|| format!("cannot make the demo's folder {}", folder.display()))?;
        let limits = PairingLimits {
            max_codes: cameras + 1,
            ..PairingLimits::default()
        };
        let clients = state.subdir("cameras")?;
        let (server, _) = ServerTrust::open_with_limits(state, Arc::new(SystemClock), limits)?;
        Ok(DemoTrust {
            folder,
            server: Arc::new(server),
            clients,
        })
    }

    /// The server's side.
    pub fn server(&self) -> &Arc<ServerTrust> {
        &self.server
    }

    /// The link of one synthetic camera: a code of its own, and its own
    /// client folder (two cameras never write the same pin file).
    pub fn camera_link(&self, index: usize) -> anyhow::Result<Link> {
        Ok(Link::Tls(TlsLink {
            state: self.clients.subdir(&format!("camera-{index}"))?,
            pair: Some(self.server.issue_code()?),
        }))
    }
}

impl Drop for DemoTrust {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}
