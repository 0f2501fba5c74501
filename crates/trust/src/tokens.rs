//! Camera tokens: how a paired camera proves, every time, that it is itself.
//!
//! # A token per camera
//!
//! At pairing the server makes a **token**: 256 random bits, shown as 43
//! base64url characters. The client keeps it; the server keeps only its
//! SHA-256 hash, bound to the camera's name, in `cameras.json`. Each later
//! connection sends the name and the token inside TLS, and the server
//! checks the hash ([`CameraBook::verify`]).
//!
//! Why a hash? Whoever reads `cameras.json` (a backup, a shared disk) learns
//! which cameras exist, not how to be one of them: a hash cannot be turned
//! back into the token. Why 256 bits? Guessing is then hopeless however
//! fast the attacker, so the token needs no rate limit of its own.
//!
//! # The name belongs to the paired camera
//!
//! The report's server believed any name. Here, once `entrance` is paired,
//! a connection that says `entrance` without its token is refused with
//! [`TokenCheck::NameTaken`], even when the real camera is offline: nobody
//! can take its place while it reconnects. Names are compared after Unicode
//! NFC normalisation ([`normalize_name`]), so `entrée` typed with a single
//! `é` or with `e` + a combining accent is one name, not two.
//!
//! # Revoking
//!
//! A camera given away, or a PC that was stolen, is *revoked*
//! ([`CameraBook::revoke`]). Its entry stays, marked, so it is refused with
//! "token revoked" rather than a puzzling "not paired". Pairing the name
//! again replaces the entry. A running server calls [`CameraBook::reload`]
//! now and then to see revocations made by the command line, and drops the
//! cameras it names.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

use crate::error::{random_bytes, Error};
use crate::state_dir::StateDir;

/// The server's file of paired cameras.
pub const CAMERAS_FILE: &str = "cameras.json";
const LOCK_FILE: &str = "cameras.json.lock";

/// A camera's secret: 256 random bits.
#[derive(Clone, PartialEq, Eq)]
pub struct CameraToken([u8; 32]);

impl CameraToken {
    /// A fresh random token.
    pub fn generate() -> Result<CameraToken, Error> {
        let mut bytes = [0u8; 32];
        random_bytes(&mut bytes)?;
        Ok(CameraToken(bytes))
    }

    /// The token as 43 base64url characters, the form sent and stored.
    pub fn to_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// Reads [`CameraToken::to_base64url`]'s form.
    pub fn parse(text: &str) -> Option<CameraToken> {
        if text.len() != 43 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        Some(CameraToken(bytes.try_into().ok()?))
    }

    /// SHA-256 of the token: what the server keeps.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0).into()
    }
}

/// Never the token itself, so a log line cannot leak it.
impl fmt::Debug for CameraToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CameraToken(…)")
    }
}

impl Serialize for CameraToken {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64url())
    }
}

impl<'de> Deserialize<'de> for CameraToken {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        CameraToken::parse(&text).ok_or_else(|| serde::de::Error::custom("not a camera token"))
    }
}

/// `name` in Unicode NFC form, the form names are stored and compared in.
pub fn normalize_name(name: &str) -> String {
    name.nfc().collect()
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// What the server remembers of one paired camera.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CameraRecord {
    /// SHA-256 of the token, in hex.
    pub token_sha256: String,
    /// When it was paired, in seconds since the Unix epoch.
    pub paired_at: u64,
    /// When it was revoked, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<u64>,
}

/// A line of [`CameraBook::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedCamera {
    /// The camera's name (NFC).
    pub name: String,
    /// Its record.
    pub record: CameraRecord,
}

/// The outcome of checking a camera's name and token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// The token is this camera's.
    Valid,
    /// No camera of this name was paired (or a revoked one, with another token).
    NotPaired,
    /// The camera was paired, then revoked.
    Revoked,
    /// A paired camera owns this name, and this is not its token.
    NameTaken,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CamerasFile {
    version: u32,
    cameras: BTreeMap<String, CameraRecord>,
}

/// The server's paired cameras, kept in `cameras.json`.
#[derive(Debug)]
pub struct CameraBook {
    state: StateDir,
    cameras: BTreeMap<String, CameraRecord>,
}

impl CameraBook {
    /// Loads the book of `state` (empty if there is no file yet).
    pub fn load(state: &StateDir) -> Result<CameraBook, Error> {
        Ok(CameraBook {
            state: state.clone(),
            cameras: read_cameras(state)?,
        })
    }

    /// Pairs a camera named `name` and returns its token, to send it once.
    /// A name held by a paired (not revoked) camera is refused.
    pub fn pair(&mut self, name: &str, now: SystemTime) -> Result<CameraToken, Error> {
        let name = normalize_name(name);
        let token = CameraToken::generate()?;
        let record = CameraRecord {
            token_sha256: hex(&token.hash()),
            paired_at: unix_seconds(now),
            revoked_at: None,
        };
        self.update(|cameras| {
            if cameras.get(&name).is_some_and(|r| r.revoked_at.is_none()) {
                return Err(Error::NameTaken(format!(
                    "the name {name:?} belongs to a paired camera; revoke it first to pair another under this name"
                )));
            }
            cameras.insert(name.clone(), record);
            Ok(())
        })?;
        Ok(token)
    }

    /// Checks that `token` is the one of the camera called `name`.
    pub fn verify(&self, name: &str, token: Option<&CameraToken>) -> TokenCheck {
        let Some(record) = self.cameras.get(&normalize_name(name)) else {
            return TokenCheck::NotPaired;
        };
        let matches = token.is_some_and(|t| {
            bool::from(
                hex(&t.hash())
                    .as_bytes()
                    .ct_eq(record.token_sha256.as_bytes()),
            )
        });
        match (record.revoked_at.is_some(), matches) {
            (false, true) => TokenCheck::Valid,
            (false, false) => TokenCheck::NameTaken,
            (true, true) => TokenCheck::Revoked,
            (true, false) => TokenCheck::NotPaired,
        }
    }

    /// Every camera, paired or revoked, by name.
    pub fn list(&self) -> Vec<PairedCamera> {
        self.cameras
            .iter()
            .map(|(name, record)| PairedCamera {
                name: name.clone(),
                record: record.clone(),
            })
            .collect()
    }

    /// Revokes the camera `name`. `Ok(false)` if no such paired camera.
    pub fn revoke(&mut self, name: &str, now: SystemTime) -> Result<bool, Error> {
        let name = normalize_name(name);
        let mut revoked = false;
        self.update(|cameras| {
            if let Some(record) = cameras.get_mut(&name).filter(|r| r.revoked_at.is_none()) {
                record.revoked_at = Some(unix_seconds(now));
                revoked = true;
            }
            Ok(())
        })?;
        Ok(revoked)
    }

    /// Reads the file again (changes made by another process, such as a
    /// revocation from the command line), and returns the names that were
    /// valid before and are not any more: the cameras to drop.
    pub fn reload(&mut self) -> Result<Vec<String>, Error> {
        let fresh = read_cameras(&self.state)?;
        let lost = self
            .cameras
            .iter()
            .filter(|(_, old)| old.revoked_at.is_none())
            .filter(|(name, old)| {
                fresh.get(*name).is_none_or(|new| {
                    new.revoked_at.is_some() || new.token_sha256 != old.token_sha256
                })
            })
            .map(|(name, _)| name.clone())
            .collect();
        self.cameras = fresh;
        Ok(lost)
    }

    /// Reads the file, applies `change`, writes it back, under a lock, so
    /// that the server pairing and the command line revoking at the same
    /// moment do not undo each other.
    fn update(
        &mut self,
        change: impl FnOnce(&mut BTreeMap<String, CameraRecord>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let _lock = FileLock::take(&self.state)?;
        let mut cameras = read_cameras(&self.state)?;
        change(&mut cameras)?;
        let file = CamerasFile {
            version: 1,
            cameras,
        };
        let json = serde_json::to_vec_pretty(&file).expect("plain data serializes");
        self.state.write(CAMERAS_FILE, &json)?;
        self.cameras = file.cameras;
        Ok(())
    }
}

fn read_cameras(state: &StateDir) -> Result<BTreeMap<String, CameraRecord>, Error> {
    let Some(bytes) = state.read(CAMERAS_FILE)? else {
        return Ok(BTreeMap::new());
    };
    let file: CamerasFile = serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
        path: state.file(CAMERAS_FILE),
        reason: format!("not a camera list ({e})"),
    })?;
    Ok(file.cameras)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `cameras.json.lock`, held while the file is rewritten. A lock older than
/// [`FileLock::STALE`] was left by a process that died, and is broken.
struct FileLock(std::path::PathBuf);

impl FileLock {
    const STALE: Duration = Duration::from_secs(10);
    const WAIT: Duration = Duration::from_secs(3);

    fn take(state: &StateDir) -> Result<FileLock, Error> {
        let path = state.file(LOCK_FILE);
        let start = Instant::now();
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => return Ok(FileLock(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|a| a > FileLock::STALE) {
                        let _ = fs::remove_file(&path);
                    } else if start.elapsed() > FileLock::WAIT {
                        return Err(Error::io(
                            &path,
                            std::io::Error::new(
                                std::io::ErrorKind::WouldBlock,
                                "another vigie process holds this lock",
                            ),
                        ));
                    } else {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[cfg(test)]
#[path = "tokens_tests.rs"]
mod tests;
