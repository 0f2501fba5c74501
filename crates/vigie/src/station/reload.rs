//! SIGHUP: read the config file again and apply what can change while the
//! cameras stay connected.
//!
//! Unix daemons reload on SIGHUP (`systemctl reload vigie` sends it, see
//! `dist/vigie.service`). What a reload can reach is what belongs to a
//! camera: its motion mask and thresholds, its recording mode, its name
//! and its notification rules. Each goes to the part that uses it, by a
//! hand-off that part takes when it is ready (the analysis thread between
//! two frames, the recording thread within a fraction of a second), so no
//! camera is dropped and no detector forgets its background. Ports, limits
//! and channels would need the server to start again: a reload logs them,
//! marked "(after a restart)", and leaves them as they are.
//!
//! A file that has become invalid is logged with its line and column, and
//! the settings in use stay: a typo made while the server runs must not
//! stop it.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};
use vigie_config::{diff, Change, Settings};
use vigie_hub::Registry;
use vigie_notify::Notifier;
use vigie_record::surveillance::Handoff;

use super::settings::{CameraPlan, Sources};

/// Everything a reload reaches.
pub struct Reloader {
    sources: Sources,
    current: Settings,
    registry: Registry,
    /// The surveillance threads' hand-off, if they run.
    handoff: Option<Arc<Handoff>>,
    notifier: Option<Notifier>,
}

impl Reloader {
    /// A reloader that starts from `current`, the settings in use.
    pub fn new(
        sources: Sources,
        current: Settings,
        registry: Registry,
        handoff: Option<Arc<Handoff>>,
        notifier: Option<Notifier>,
    ) -> Reloader {
        Reloader {
            sources,
            current,
            registry,
            handoff,
            notifier,
        }
    }

    /// Reads the file again and applies the per-camera settings. Returns
    /// what changed (empty if nothing did, or the file is invalid).
    pub fn reload(&mut self) -> Vec<Change> {
        let new = match self.sources.settings() {
            Ok(new) => new,
            Err(e) => {
                error!("config reload: {e:#}; the settings in use stay");
                return Vec::new();
            }
        };
        let changes = diff(&self.current, &new);
        if changes.is_empty() {
            info!("config reload: nothing changed");
            return changes;
        }
        for change in &changes {
            if change.needs_restart() {
                warn!("config reload: {change}");
            } else {
                info!("config reload: {change}");
            }
        }
        // Server-wide settings are not applied: keep the ones in use (the
        // analysis rate among them), so that the next reload reports them
        // again until a restart.
        let mut applied = new;
        restore_server_wide(&mut applied, &self.current);
        let plan = CameraPlan::from_settings(&applied);
        if let Some(handoff) = &self.handoff {
            handoff.reconfigure(plan.motion);
            handoff.set_record_modes(plan.record_modes);
        }
        self.registry.set_display_names(plan.display_names);
        if let Some(notifier) = &self.notifier {
            notifier.set_rules(plan.rules);
        }
        self.current = applied;
        changes
    }
}

/// `new` with the server-wide settings of `running` (what a reload does
/// not apply), and its per-camera ones.
fn restore_server_wide(new: &mut Settings, running: &Settings) {
    let keep = Settings {
        defaults: new.defaults.clone(),
        cameras: new.cameras.clone(),
        ..running.clone()
    };
    *new = keep;
}

/// Reloads on every SIGHUP until `shutdown`.
pub async fn on_sighup(mut reloader: Reloader, shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => hangups,
            Err(e) => {
                warn!("cannot listen for SIGHUP ({e}): the config file will not be reloaded");
                return;
            }
        };
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                got = hangups.recv() => {
                    if got.is_none() {
                        return;
                    }
                    info!("SIGHUP: reloading the config file");
                    reloader.reload();
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = reloader;
        shutdown.cancelled().await;
    }
}
