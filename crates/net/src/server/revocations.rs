//! Revoking a camera while it streams, and answering `vigie pair`.
//!
//! Revocation is done by the command line, in another process: it marks
//! the camera in `cameras.json`. The running server notices on its next
//! look ([`ServerTrust::housekeeping`], a few times a second) and must then
//! drop the camera *now*, not at its next reconnection: a stolen camera
//! that keeps streaming is exactly what revoking is for.
//!
//! Each connection authenticated by a token holds a cancellation token
//! from [`Revocations::watch`], filed under the camera's name; revoking
//! the name cancels it, and the connection tells the client "token
//! revoked" and closes. The map holds one entry per paired name at most.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::{info, warn};
use vigie_trust::tokens::normalize_name;
use vigie_trust::ServerTrust;

use super::Shared;

/// How often the server looks at its state directory.
pub(super) const HOUSEKEEPING_INTERVAL: Duration = Duration::from_millis(250);

/// The connections to drop when a name is revoked.
#[derive(Default)]
pub(super) struct Revocations {
    by_name: Mutex<HashMap<String, CancellationToken>>,
}

impl Revocations {
    /// A token that fires when `name` is revoked.
    pub(super) fn watch(&self, name: &str) -> CancellationToken {
        let mut map = self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(normalize_name(name)).or_default().clone()
    }

    /// Drops every connection of `name`.
    fn revoke(&self, name: &str) {
        let mut map = self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(token) = map.remove(&normalize_name(name)) {
            token.cancel();
        }
    }
}

/// Answers `vigie pair` and applies revocations, forever.
pub(super) async fn housekeeping(trust: Arc<ServerTrust>, shared: &Shared) {
    let mut told_error = false;
    loop {
        tokio::time::sleep(HOUSEKEEPING_INTERVAL).await;
        // File reads and writes: off the runtime's threads.
        let t = trust.clone();
        let done = match tokio::task::spawn_blocking(move || t.housekeeping()).await {
            Ok(done) => done,
            Err(_) => continue,
        };
        match done {
            Ok(done) => {
                told_error = false;
                if !done.issued.is_empty() {
                    info!(
                        "issued {} fresh pairing code(s) for `vigie pair`",
                        done.issued.len()
                    );
                }
                for name in done.revoked {
                    warn!("camera {name:?} was revoked: dropping it, and refusing its token from now on");
                    shared.revocations.revoke(&name);
                }
            }
            Err(e) if !told_error => {
                told_error = true;
                warn!("cannot read the state directory: {e}");
            }
            Err(_) => {}
        }
    }
}
