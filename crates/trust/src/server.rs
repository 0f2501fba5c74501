//! The server's side in one place, for the connection code to call.
//!
//! A server needs its identity, its pairing codes and its list of cameras,
//! and it needs them from many connection tasks at once. [`ServerTrust`]
//! holds the three (the two books behind mutexes, held for microseconds,
//! never across an `.await`) and offers the three questions a connection
//! asks:
//!
//! - [`ServerTrust::tls_config`]: what to answer a TLS ClientHello with;
//! - [`ServerTrust::pair`]: a camera presents a pairing secret and a name;
//! - [`ServerTrust::authenticate`]: a camera presents its name and token.
//!
//! [`ServerTrust::housekeeping`], called every fraction of a second by the
//! server, answers `vigie pair` and notices revocations made by the
//! command line.
//!
//! The order inside [`ServerTrust::pair`] matters: the code is checked
//! first (so guesses are rate-limited before anything else is learnt), then
//! the name. If the name is taken, the code is given back, so the user can
//! choose another name without a new code.

use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use tracing::{info, warn};

use crate::error::Error;
use crate::identity::{Fingerprint, ServerIdentity};
use crate::pairing::{requests, Clock, PairingBook, PairingCode, PairingLimits, PairingSecret};
use crate::refusal::RefusalReason;
use crate::state_dir::StateDir;
use crate::tokens::{CameraBook, CameraToken, PairedCamera};

/// Why [`ServerTrust::pair`] gave no token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PairFailure {
    /// The camera is refused; send it this reason.
    #[error("{0}")]
    Refused(RefusalReason),
    /// The server could not save the pairing.
    #[error(transparent)]
    Storage(#[from] Error),
}

/// What [`ServerTrust::housekeeping`] did.
#[derive(Debug, Default)]
pub struct Housekeeping {
    /// Codes issued for `vigie pair`.
    pub issued: Vec<PairingCode>,
    /// Cameras revoked since the last call: drop their connections.
    pub revoked: Vec<String>,
}

/// The server's identity, pairing codes and paired cameras.
#[derive(Debug)]
pub struct ServerTrust {
    state: StateDir,
    identity: ServerIdentity,
    tls: Arc<rustls::ServerConfig>,
    pairing: Mutex<PairingBook>,
    cameras: Mutex<CameraBook>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves consistent data here.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ServerTrust {
    /// Opens (or, at first start, creates) the server's trust material in
    /// `state`. The boolean is `true` when the identity was just made.
    pub fn open(state: StateDir, clock: Arc<dyn Clock>) -> Result<(ServerTrust, bool), Error> {
        ServerTrust::open_with_limits(state, clock, PairingLimits::default())
    }

    /// [`ServerTrust::open`] with other pairing limits (tests shorten them).
    pub fn open_with_limits(
        state: StateDir,
        clock: Arc<dyn Clock>,
        limits: PairingLimits,
    ) -> Result<(ServerTrust, bool), Error> {
        let (identity, created) = ServerIdentity::load_or_create(&state)?;
        let tls = Arc::new(crate::tls::server_config(&identity)?);
        let pairing = PairingBook::with_limits(identity.fingerprint(), clock, limits);
        let cameras = CameraBook::load(&state)?;
        Ok((
            ServerTrust {
                state,
                identity,
                tls,
                pairing: Mutex::new(pairing),
                cameras: Mutex::new(cameras),
            },
            created,
        ))
    }

    /// The server's identity.
    pub fn identity(&self) -> &ServerIdentity {
        &self.identity
    }

    /// The server's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.identity.fingerprint()
    }

    /// The TLS configuration of the camera port.
    pub fn tls_config(&self) -> Arc<rustls::ServerConfig> {
        self.tls.clone()
    }

    /// A fresh pairing code (to print as `pairing code: …`).
    pub fn issue_code(&self) -> Result<PairingCode, Error> {
        lock(&self.pairing).issue()
    }

    /// Pairs the camera `name` from `peer`, if `secret` is a valid code:
    /// returns its token, to send it once.
    pub fn pair(
        &self,
        secret: &PairingSecret,
        name: &str,
        peer: IpAddr,
    ) -> Result<CameraToken, PairFailure> {
        let mut pairing = lock(&self.pairing);
        if let Err(e) = pairing.redeem(secret, peer) {
            warn!("{peer}: pairing refused: {e}");
            return Err(PairFailure::Refused(e.into()));
        }
        match lock(&self.cameras).pair(name, SystemTime::now()) {
            Ok(token) => {
                info!("{peer}: camera {name:?} paired");
                Ok(token)
            }
            Err(Error::NameTaken(_)) => {
                pairing.give_back(secret);
                warn!("{peer}: pairing refused: the name {name:?} belongs to a paired camera");
                Err(PairFailure::Refused(RefusalReason::NameTaken {
                    name: name.to_owned(),
                }))
            }
            Err(e) => {
                pairing.give_back(secret);
                Err(PairFailure::Storage(e))
            }
        }
    }

    /// Checks a camera's name and token; the refusal to send if they fail.
    pub fn authenticate(
        &self,
        name: &str,
        token: Option<&CameraToken>,
    ) -> Result<(), RefusalReason> {
        let check = lock(&self.cameras).verify(name, token);
        match RefusalReason::from_token_check(&check, name) {
            None => Ok(()),
            Some(reason) => Err(reason),
        }
    }

    /// Every camera paired or revoked.
    pub fn cameras(&self) -> Vec<PairedCamera> {
        lock(&self.cameras).list()
    }

    /// Answers `vigie pair` requests and rereads `cameras.json`.
    pub fn housekeeping(&self) -> Result<Housekeeping, Error> {
        let issued = requests::answer_requests(&self.state, &mut lock(&self.pairing))?;
        let revoked = lock(&self.cameras).reload()?;
        Ok(Housekeeping { issued, revoked })
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;
    use std::time::Duration;

    use super::*;
    use crate::pairing::ManualClock;

    const PEER: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn trust() -> (tempfile::TempDir, ServerTrust, ManualClock) {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::default();
        let (trust, created) =
            ServerTrust::open(StateDir::open(tmp.path()).unwrap(), Arc::new(clock.clone()))
                .unwrap();
        assert!(created);
        (tmp, trust, clock)
    }

    #[test]
    fn pair_then_authenticate() {
        let (_tmp, trust, _) = trust();
        let code = trust.issue_code().unwrap();
        assert!(code.matches(&trust.fingerprint()));
        assert_eq!(
            trust.authenticate("salon", None),
            Err(RefusalReason::NotPaired)
        );
        let token = trust.pair(&code.secret(), "salon", PEER).unwrap();
        assert_eq!(trust.authenticate("salon", Some(&token)), Ok(()));
        assert_eq!(
            trust.authenticate("salon", None),
            Err(RefusalReason::NameTaken {
                name: "salon".into()
            })
        );
        assert_eq!(trust.cameras().len(), 1);
    }

    #[test]
    fn wrong_reused_and_expired_codes_are_refused() {
        let (_tmp, trust, clock) = trust();
        let code = trust.issue_code().unwrap();
        let refused = |r: Result<CameraToken, PairFailure>| match r {
            Err(PairFailure::Refused(reason)) => reason,
            other => panic!("{other:?}"),
        };
        let wrong = PairingSecret::parse(if code.secret().to_string() == "ZZZZZZZZ" {
            "00000000"
        } else {
            "ZZZZZZZZ"
        })
        .unwrap();
        assert_eq!(
            refused(trust.pair(&wrong, "a", PEER)),
            RefusalReason::PairingCodeWrongOrExpired
        );
        trust.pair(&code.secret(), "a", PEER).unwrap();
        assert_eq!(
            refused(trust.pair(&code.secret(), "b", PEER)),
            RefusalReason::PairingCodeWrongOrExpired
        );
        let late = trust.issue_code().unwrap();
        clock.advance(Duration::from_secs(601));
        let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9));
        assert_eq!(
            refused(trust.pair(&late.secret(), "c", other)),
            RefusalReason::PairingCodeWrongOrExpired
        );
        // PEER's two failures are ten minutes old: three fresh ones, and it is held back.
        for _ in 0..3 {
            assert_eq!(
                refused(trust.pair(&wrong, "a", PEER)),
                RefusalReason::PairingCodeWrongOrExpired
            );
        }
        assert!(matches!(
            refused(trust.pair(&wrong, "a", PEER)),
            RefusalReason::RateLimited { .. }
        ));
    }

    #[test]
    fn shorter_limits_apply() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::default();
        let limits = PairingLimits {
            validity: Duration::from_secs(2),
            ..PairingLimits::default()
        };
        let (trust, _) = ServerTrust::open_with_limits(
            StateDir::open(tmp.path()).unwrap(),
            Arc::new(clock.clone()),
            limits,
        )
        .unwrap();
        let code = trust.issue_code().unwrap();
        clock.advance(Duration::from_secs(2));
        assert!(matches!(
            trust.pair(&code.secret(), "a", PEER),
            Err(PairFailure::Refused(
                RefusalReason::PairingCodeWrongOrExpired
            ))
        ));
    }

    #[test]
    fn a_taken_name_does_not_spend_the_code() {
        let (_tmp, trust, _) = trust();
        let first = trust.issue_code().unwrap();
        trust.pair(&first.secret(), "porte", PEER).unwrap();
        let code = trust.issue_code().unwrap();
        match trust.pair(&code.secret(), "porte", PEER) {
            Err(PairFailure::Refused(RefusalReason::NameTaken { name })) => {
                assert_eq!(name, "porte")
            }
            other => panic!("{other:?}"),
        }
        trust.pair(&code.secret(), "porte-2", PEER).unwrap();
    }

    #[test]
    fn housekeeping_answers_requests_and_reports_revocations() {
        let (tmp, trust, _) = trust();
        let code = trust.issue_code().unwrap();
        let token = trust.pair(&code.secret(), "jardin", PEER).unwrap();
        let state = StateDir::open(tmp.path()).unwrap();
        CameraBook::load(&state)
            .unwrap()
            .revoke("jardin", SystemTime::now())
            .unwrap();
        let asker =
            std::thread::spawn(move || requests::request_code(&state, Duration::from_secs(30)));
        let mut issued = Vec::new();
        let mut revoked = Vec::new();
        for _ in 0..1500 {
            let done = trust.housekeeping().unwrap();
            issued.extend(done.issued);
            revoked.extend(done.revoked);
            if !issued.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(revoked, vec!["jardin".to_string()]);
        assert_eq!(
            trust.authenticate("jardin", Some(&token)),
            Err(RefusalReason::TokenRevoked)
        );
        let fresh = asker.join().unwrap().unwrap();
        assert_eq!(issued, vec![fresh]);
        trust.pair(&fresh.secret(), "jardin", PEER).unwrap();
    }

    #[test]
    fn a_second_start_keeps_the_identity_and_the_cameras() {
        let (tmp, trust, _) = trust();
        let code = trust.issue_code().unwrap();
        let token = trust.pair(&code.secret(), "x", PEER).unwrap();
        let fp = trust.fingerprint();
        drop(trust);
        let (again, created) = ServerTrust::open(
            StateDir::open(tmp.path()).unwrap(),
            Arc::new(ManualClock::default()),
        )
        .unwrap();
        assert!(!created);
        assert_eq!(again.fingerprint(), fp);
        assert_eq!(again.authenticate("x", Some(&token)), Ok(()));
    }
}
