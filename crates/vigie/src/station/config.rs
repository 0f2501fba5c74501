//! From the command line to the station's configuration: every value the
//! parser cannot check alone (ranges that depend on each other, a password
//! without a user) is checked here, before anything starts, and is a usage
//! error (exit code 2).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use vigie_core::motion::MotionConfig;
use vigie_record::analysis::detector_config;
use vigie_record::surveillance::SurveillanceConfig;
use vigie_record::RecordConfig;
use vigie_trust::ServerTrust;

use super::bind::IfBusy;
use crate::cli::{HttpAddr, HttpArgs, SurveillanceArgs};
use crate::usage;

/// Motion detection and recording, from `--record`, `--motion`… options.
pub fn surveillance_config(args: &SurveillanceArgs) -> anyhow::Result<SurveillanceConfig> {
    let seconds = |name: &str, s: f64| {
        if s.is_finite() && s >= 0.0 {
            Ok(Duration::from_secs_f64(s))
        } else {
            Err(usage(format!(
                "--{name} {s}: must be a number of seconds, 0 or more"
            )))
        }
    };
    if !(args.motion_fps.is_finite() && args.motion_fps > 0.0 && args.motion_fps <= 100.0) {
        return Err(usage(format!(
            "--motion-fps {}: must be more than 0 and at most 100",
            args.motion_fps
        )));
    }
    if !(args.motion_area > 0.0 && args.motion_area <= 1.0) {
        return Err(usage(format!(
            "--motion-area {}: must be a fraction above 0 and at most 1",
            args.motion_area
        )));
    }
    let record = match &args.record {
        None if args.retention_days.is_some() || args.max_disk.is_some() => {
            let flag = if args.retention_days.is_some() {
                "retention-days"
            } else {
                "max-disk"
            };
            return Err(usage(format!(
                "--{flag} needs a folder to record into: --record DIR"
            )));
        }
        None => None,
        Some(dir) => {
            let mut config = RecordConfig::new(dir.clone(), args.record_mode);
            config.pre_roll = seconds("pre-roll", args.pre_roll)?;
            config.post_roll = seconds("post-roll", args.post_roll)?;
            config.segment = match args.segment_seconds {
                // Hidden, for tests: segments shorter than a second.
                Some(s) if s > 0.0 => seconds("segment-seconds", s)?,
                Some(s) => return Err(usage(format!("--segment-seconds {s}: must be above 0"))),
                None => seconds("segment-minutes", args.segment_minutes * 60.0)?,
            };
            if args.segment_seconds.is_none() && config.segment < Duration::from_secs(1) {
                return Err(usage("--segment-minutes: at least one second, please"));
            }
            config.max_age = match args.retention_days {
                Some(d) => Some(seconds("retention-days", d * 86_400.0)?),
                None => None,
            };
            config.max_bytes = match args.max_disk {
                Some(gb) if gb.is_finite() && gb > 0.0 => Some((gb * 1e9) as u64),
                Some(gb) => return Err(usage(format!("--max-disk {gb}: must be above 0"))),
                None => None,
            };
            Some(config)
        }
    };
    // The detector counts in analysed frames: its times are rescaled to
    // the analysis rate.
    let motion = (args.motion || record.is_some()).then(|| {
        let base = MotionConfig {
            threshold: args.motion_threshold,
            min_area: args.motion_area,
            masks: args.motion_masks.clone(),
            ..MotionConfig::default()
        };
        detector_config(base, args.motion_fps)
    });
    Ok(SurveillanceConfig {
        motion,
        motion_fps: args.motion_fps,
        record,
    })
}

/// Where and how the web side is to run.
pub struct WebPlan {
    /// Its address (`--http`).
    pub addr: SocketAddr,
    /// What to do if that port is taken.
    pub if_busy: IfBusy,
    /// Everything else; its camera port is filled in by the station once
    /// the camera port is bound.
    pub config: vigie_web::WebConfig,
}

impl WebPlan {
    /// The web side asked for by `--http…`, serving the recordings of
    /// `recordings`; `None` for `--http off`. A password without a user
    /// (and the like) is a usage error.
    ///
    /// On loopback the page is plain HTTP: only this machine reaches it.
    /// Beyond loopback it is HTTPS with the server's own certificate
    /// (`trust`), and it needs a password: the same network that could
    /// read the cameras' link could read the page, and the password with
    /// it. `--http-insecure` opts out of both, knowingly.
    pub fn from_args(
        args: &HttpArgs,
        recordings: Option<&Path>,
        if_busy: IfBusy,
        trust: &ServerTrust,
    ) -> anyhow::Result<Option<WebPlan>> {
        let HttpAddr::At(addr) = args.http else {
            return Ok(None);
        };
        let mut config = vigie_web::WebConfig {
            user: args.http_user.clone(),
            password: args.http_password.clone(),
            recordings: recordings.map(Path::to_path_buf),
            allowed_hosts: args.http_allowed_hosts.clone(),
            ..vigie_web::WebConfig::default()
        };
        config
            .credentials()
            .map_err(|e| usage(format!("--http-user/--http-password: {e}")))?;
        if !addr.ip().is_loopback() && !args.http_insecure {
            if !config.auth_enabled() {
                return Err(usage(format!(
                    "the web page would listen on {addr}, beyond this machine, without a password: \
                     give one (--http-password, or the {} environment variable), \
                     or listen on 127.0.0.1, or accept an open page in plaintext with --http-insecure",
                    vigie_web::PASSWORD_ENV
                )));
            }
            let mut tls = (*trust.tls_config()).clone();
            tls.alpn_protocols = vec![b"http/1.1".to_vec()];
            config.tls = Some(Arc::new(tls));
            config.fingerprint = Some(trust.fingerprint().hex());
        }
        Ok(Some(WebPlan {
            addr,
            if_busy,
            config,
        }))
    }
}
