//! Why a camera is turned away, in one line that both sides can print.
//!
//! A refusal that says only "error" sends the user hunting; one that says
//! what happened *and what to do* ends the hunt. Each [`RefusalReason`] is
//! sent by the server inside the (encrypted) link and printed by the client
//! as it is, so the two sides always tell the same story.
//!
//! The reasons say no more than the user needs. "Pairing code wrong or
//! expired" is one reason, not two, on the wire: the server's log says which
//! ([`crate::PairingError`]), but an attacker guessing codes learns nothing
//! from the difference.

use serde::{Deserialize, Serialize};

use crate::pairing::PairingError;
use crate::tokens::TokenCheck;

/// Why the server refuses a camera, as sent to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[non_exhaustive]
pub enum RefusalReason {
    /// The camera has no token for this server.
    #[error("not paired: this camera has no token for this server; pair it with `vigie client --server HOST --pair CODE` (the server prints the code)")]
    NotPaired,
    /// The pairing code is not (or no longer) valid.
    #[error("pairing code wrong or expired: codes are single-use and valid 10 minutes; get a fresh one with `vigie pair` on the server")]
    PairingCodeWrongOrExpired,
    /// The camera was paired, then revoked.
    #[error(
        "token revoked: this camera was removed from the server; pair it again with a fresh code"
    )]
    TokenRevoked,
    /// Too many wrong pairing codes lately.
    #[error("too many wrong pairing codes: pairing is paused, try again in {retry_after_s} s")]
    RateLimited {
        /// Seconds before an attempt can be made again.
        retry_after_s: u64,
    },
    /// Another, paired, camera owns this name.
    #[error("the name {name:?} belongs to a paired camera: choose another name, or revoke that camera on the server first (`vigie cameras revoke`)")]
    NameTaken {
        /// The name asked for.
        name: String,
    },
}

impl From<PairingError> for RefusalReason {
    fn from(e: PairingError) -> RefusalReason {
        match e {
            PairingError::Wrong | PairingError::Expired | PairingError::Reused => {
                RefusalReason::PairingCodeWrongOrExpired
            }
            PairingError::RateLimited { retry_after } => RefusalReason::RateLimited {
                // Round up: "try again in 0 s" would be a lie.
                retry_after_s: retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0),
            },
        }
    }
}

impl RefusalReason {
    /// The refusal for a failed token check, or `None` if the check passed.
    pub fn from_token_check(check: &TokenCheck, name: &str) -> Option<RefusalReason> {
        match check {
            TokenCheck::Valid => None,
            TokenCheck::NotPaired => Some(RefusalReason::NotPaired),
            TokenCheck::Revoked => Some(RefusalReason::TokenRevoked),
            TokenCheck::NameTaken => Some(RefusalReason::NameTaken {
                name: name.to_owned(),
            }),
        }
    }

    /// Whether trying again later, unchanged, can help.
    pub fn is_temporary(&self) -> bool {
        matches!(self, RefusalReason::RateLimited { .. })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn every_reason_is_one_line_that_says_what_to_do() {
        let all = [
            RefusalReason::NotPaired,
            RefusalReason::PairingCodeWrongOrExpired,
            RefusalReason::TokenRevoked,
            RefusalReason::RateLimited { retry_after_s: 42 },
            RefusalReason::NameTaken {
                name: "entrée".into(),
            },
        ];
        let starts = [
            "not paired",
            "pairing code wrong or expired",
            "token revoked",
            "too many wrong pairing codes",
            "the name \"entrée\" belongs to a paired camera",
        ];
        for (reason, start) in all.iter().zip(starts) {
            let line = reason.to_string();
            assert!(line.starts_with(start), "{line}");
            assert!(!line.contains('\n'), "{line}");
            let json = serde_json::to_string(reason).unwrap();
            assert_eq!(
                &serde_json::from_str::<RefusalReason>(&json).unwrap(),
                reason
            );
        }
        assert!(all[3].to_string().contains("42 s"));
    }

    #[test]
    fn pairing_errors_map_to_one_wire_reason_and_round_up_the_wait() {
        for e in [
            PairingError::Wrong,
            PairingError::Expired,
            PairingError::Reused,
        ] {
            assert_eq!(
                RefusalReason::from(e),
                RefusalReason::PairingCodeWrongOrExpired
            );
        }
        let limited = RefusalReason::from(PairingError::RateLimited {
            retry_after: Duration::from_millis(1500),
        });
        assert_eq!(limited, RefusalReason::RateLimited { retry_after_s: 2 });
        assert!(limited.is_temporary());
        assert!(!RefusalReason::NotPaired.is_temporary());
    }

    #[test]
    fn token_checks_map_to_reasons() {
        assert_eq!(
            RefusalReason::from_token_check(&TokenCheck::Valid, "a"),
            None
        );
        assert_eq!(
            RefusalReason::from_token_check(&TokenCheck::NotPaired, "a"),
            Some(RefusalReason::NotPaired)
        );
        assert_eq!(
            RefusalReason::from_token_check(&TokenCheck::Revoked, "a"),
            Some(RefusalReason::TokenRevoked)
        );
        assert_eq!(
            RefusalReason::from_token_check(&TokenCheck::NameTaken, "a"),
            Some(RefusalReason::NameTaken { name: "a".into() })
        );
    }
}
