//! Les vrais programmes de vigie, juges de votre travail.
//!
//! `vigie_binary` cherche le binaire `vigie` : la variable `VIGIE_BIN`, puis
//! `target/release/vigie` et `target/debug/vigie` à la racine du dépôt
//! (construisez-le avec `cargo build --release` à la racine). Absent, le test
//! le dit et s'arrête ; en intégration continue (`CI=true`), c'est un échec.

#![allow(dead_code)] // chaque fichier de test n'utilise pas tout

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Les options du vrai serveur pour ces tests : sans fenêtre, sans page web,
/// et **en clair** : votre client parle le protocole en clair de vigie
/// (`--insecure`) ou le format du rapport (`--allow-legacy`) ; le lien
/// chiffré du chapitre 13 se teste dans `ch13_epingler`.
pub const SERVER_ARGS: &[&str] = &[
    "server",
    "--headless",
    "--http",
    "off",
    "--insecure",
    "--allow-legacy",
];

/// Les options du vrai client pour ces tests : en clair, sans appairage,
/// puisque votre serveur ne parle pas TLS.
pub const CLIENT_ARGS: &[&str] = &["client", "--insecure"];

/// Un dossier d'état neuf pour un processus `vigie` (clé du serveur,
/// caméras appairées) : les tests ne touchent jamais `~/.local/state/vigie`.
pub fn fresh_state_dir() -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("ma-vigie-etat-{}-{n}", std::process::id()))
}

/// Si l'on tourne en intégration continue (`CI=true`) : un test qui ne
/// peut pas juger y échoue au lieu de passer en disant SKIP.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Le binaire `vigie`, ou `None` (et un message) s'il n'est pas construit.
pub fn vigie_binary() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates = std::env::var_os("VIGIE_BIN")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            root.join("target/release/vigie"),
            root.join("target/debug/vigie"),
        ]);
    for candidate in candidates {
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    let message = "pas de binaire vigie : lancez `cargo build --release` à la racine du \
                   dépôt (ou donnez son chemin dans VIGIE_BIN)";
    if in_ci() {
        panic!("{message}");
    }
    eprintln!("{message} ; ce test ne peut pas juger votre code");
    None
}

/// Un port libre sur la boucle locale (le système en choisit un, on le rend).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("un port libre")
}

/// Un vrai `vigie server`, arrêté quand la valeur disparaît ; ses lignes de
/// sortie arrivent dans `lines`.
pub struct RealServer {
    child: Child,
    /// L'adresse où il écoute.
    pub address: SocketAddr,
    /// Ce qu'il affiche, ligne par ligne.
    pub lines: mpsc::Receiver<String>,
}

impl RealServer {
    /// Lance le serveur et attend (10 s au plus) qu'il accepte les connexions.
    pub fn start(binary: &PathBuf) -> RealServer {
        let address: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let mut child = Command::new(binary)
            .args(SERVER_ARGS)
            .args(["--listen", &address.to_string(), "--stats-interval", "0.5"])
            .env("VIGIE_STATE_DIR", fresh_state_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("lancer vigie server");
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let start = Instant::now();
        while TcpStream::connect(address).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "le serveur ne démarre pas"
            );
            thread::sleep(Duration::from_millis(50));
        }
        RealServer {
            child,
            address,
            lines,
        }
    }

    /// Attend (au plus `patience`) une ligne qui contient `needle`.
    pub fn wait_for_line(&self, needle: &str, patience: Duration) -> Option<String> {
        let deadline = Instant::now() + patience;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lance le vrai `vigie client` : `frames` images sous le nom `name`.
pub fn real_client(binary: &PathBuf, server: SocketAddr, name: &str, frames: u64) -> Child {
    Command::new(binary)
        .args(CLIENT_ARGS)
        .args(["--server", &server.to_string(), "--name", name])
        .args(["--frames", &frames.to_string(), "--size", "160x120"])
        .env("VIGIE_STATE_DIR", fresh_state_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lancer vigie client")
}

/// Attend la fin d'un processus, 30 s au plus (puis le tue).
pub fn wait_at_most(child: &mut Child, patience: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < patience {
        if let Ok(Some(status)) = child.try_wait() {
            return status.success();
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    false
}
