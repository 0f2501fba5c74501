//! The client's memory: which certificate each server had, and our token.
//!
//! This is SSH's `known_hosts`, for vigie. After pairing, the client keeps,
//! per server (`host:port`, as given to `--server`):
//!
//! - the server's **pinned fingerprint**, the only certificate it will
//!   accept from that server from now on;
//! - the **token** of each camera paired there (one PC may run several).
//!
//! They go to `servers.json` in the client's own state directory, mode
//! `0600`: the token is as good as the camera's password.
//!
//! Pairing again with a server whose fingerprint changed (it was
//! reinstalled) replaces its entry: the old tokens belonged to the old
//! server and mean nothing to the new one.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::identity::Fingerprint;
use crate::state_dir::StateDir;
use crate::tokens::{normalize_name, unix_seconds, CameraToken};

/// The client's file of pinned servers.
pub const PINS_FILE: &str = "servers.json";

/// What the client remembers of one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerPin {
    /// The fingerprint of its certificate at pairing.
    pub fingerprint: Fingerprint,
    /// The token of each camera paired with it, by (NFC) name.
    pub cameras: BTreeMap<String, PairedToken>,
}

/// One camera's token for one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairedToken {
    /// The token.
    pub token: CameraToken,
    /// When it was paired, in seconds since the Unix epoch.
    pub paired_at: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct PinsFile {
    version: u32,
    servers: BTreeMap<String, ServerPin>,
}

/// The client's pins, kept in `servers.json`.
#[derive(Debug)]
pub struct PinStore {
    state: StateDir,
    servers: BTreeMap<String, ServerPin>,
}

/// The key a server is filed under: `host:port` with the host in lower case.
pub fn server_key(host_port: &str) -> String {
    host_port.trim().to_lowercase()
}

impl PinStore {
    /// Loads the pins of `state` (none if there is no file yet).
    pub fn load(state: &StateDir) -> Result<PinStore, Error> {
        let servers = match state.read(PINS_FILE)? {
            None => BTreeMap::new(),
            Some(bytes) => {
                let file: PinsFile =
                    serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
                        path: state.file(PINS_FILE),
                        reason: format!("not a list of servers ({e})"),
                    })?;
                file.servers
            }
        };
        Ok(PinStore {
            state: state.clone(),
            servers,
        })
    }

    /// What is pinned for `server` (`host:port`), if it was paired.
    pub fn get(&self, server: &str) -> Option<&ServerPin> {
        self.servers.get(&server_key(server))
    }

    /// The pinned fingerprint of `server`.
    pub fn fingerprint(&self, server: &str) -> Option<Fingerprint> {
        self.get(server).map(|pin| pin.fingerprint)
    }

    /// The token of `camera` on `server`.
    pub fn token(&self, server: &str, camera: &str) -> Option<&CameraToken> {
        self.get(server)?
            .cameras
            .get(&normalize_name(camera))
            .map(|p| &p.token)
    }

    /// Records a pairing and saves the file. A different fingerprint than
    /// the one pinned replaces the server's whole entry.
    pub fn record_pairing(
        &mut self,
        server: &str,
        fingerprint: Fingerprint,
        camera: &str,
        token: CameraToken,
        now: SystemTime,
    ) -> Result<(), Error> {
        let key = server_key(server);
        let entry = self.servers.entry(key).or_insert_with(|| ServerPin {
            fingerprint,
            cameras: BTreeMap::new(),
        });
        if entry.fingerprint != fingerprint {
            *entry = ServerPin {
                fingerprint,
                cameras: BTreeMap::new(),
            };
        }
        entry.cameras.insert(
            normalize_name(camera),
            PairedToken {
                token,
                paired_at: unix_seconds(now),
            },
        );
        self.save()
    }

    /// Forgets `server`; `Ok(false)` if it was not there.
    pub fn forget(&mut self, server: &str) -> Result<bool, Error> {
        let removed = self.servers.remove(&server_key(server)).is_some();
        if removed {
            self.save()?;
        }
        Ok(removed)
    }

    /// Every server pinned, by key.
    pub fn servers(&self) -> impl Iterator<Item = (&str, &ServerPin)> {
        self.servers.iter().map(|(k, v)| (k.as_str(), v))
    }

    fn save(&self) -> Result<(), Error> {
        let file = PinsFile {
            version: 1,
            servers: self.servers.clone(),
        };
        let json = serde_json::to_vec_pretty(&file).expect("plain data serializes");
        self.state.write(PINS_FILE, &json)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn store() -> (tempfile::TempDir, StateDir, PinStore) {
        let tmp = tempfile::tempdir().unwrap();
        let state = StateDir::open(tmp.path()).unwrap();
        let store = PinStore::load(&state).unwrap();
        (tmp, state, store)
    }

    #[test]
    fn a_pairing_is_remembered_across_runs() {
        let (_tmp, state, mut pins) = store();
        assert_eq!(pins.fingerprint("Maison:8485"), None);
        let fp = Fingerprint::from_bytes([1; 32]);
        let token = CameraToken::generate().unwrap();
        let when = UNIX_EPOCH + Duration::from_secs(99);
        pins.record_pairing("Maison:8485", fp, "salon", token.clone(), when)
            .unwrap();
        let again = PinStore::load(&state).unwrap();
        assert_eq!(again.fingerprint("maison:8485"), Some(fp));
        assert_eq!(again.token("maison:8485", "salon"), Some(&token));
        assert_eq!(again.token("maison:8485", "cuisine"), None);
        assert_eq!(again.token("other:8485", "salon"), None);
        assert_eq!(
            again.get("maison:8485").unwrap().cameras["salon"].paired_at,
            99
        );
        assert_eq!(again.servers().count(), 1);
    }

    #[test]
    fn several_cameras_share_a_pin_and_a_new_server_replaces_them() {
        let (_tmp, _state, mut pins) = store();
        let old = Fingerprint::from_bytes([1; 32]);
        let now = SystemTime::now();
        pins.record_pairing("h:1", old, "a", CameraToken::generate().unwrap(), now)
            .unwrap();
        pins.record_pairing("h:1", old, "b", CameraToken::generate().unwrap(), now)
            .unwrap();
        assert_eq!(pins.get("h:1").unwrap().cameras.len(), 2);
        let new = Fingerprint::from_bytes([2; 32]);
        pins.record_pairing("h:1", new, "a", CameraToken::generate().unwrap(), now)
            .unwrap();
        assert_eq!(pins.fingerprint("h:1"), Some(new));
        assert_eq!(
            pins.token("h:1", "b"),
            None,
            "tokens of the old server are gone"
        );
        assert!(pins.forget("h:1").unwrap());
        assert!(!pins.forget("h:1").unwrap());
    }

    #[test]
    fn a_damaged_file_is_a_clear_error() {
        let (_tmp, state, _) = store();
        state
            .write(
                PINS_FILE,
                br#"{"version":1,"servers":{"h:1":{"fingerprint":"zz","cameras":{}}}}"#,
            )
            .unwrap();
        let err = PinStore::load(&state).unwrap_err();
        assert!(
            err.to_string()
                .contains("servers.json: not a list of servers"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let (_tmp, state, mut pins) = store();
        let fp = Fingerprint::from_bytes([1; 32]);
        pins.record_pairing(
            "h:1",
            fp,
            "a",
            CameraToken::generate().unwrap(),
            SystemTime::now(),
        )
        .unwrap();
        let mode = std::fs::metadata(state.file(PINS_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
