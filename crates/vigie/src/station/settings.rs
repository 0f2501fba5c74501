//! `vigie server --config vigie.toml`: the file, with the flags over it.
//!
//! The rule is *a flag given on the command line overrides the file*, and a
//! flag left at its default does not. clap knows which is which
//! ([`ArgMatches::value_source`]), so the flags the user typed become a
//! [`Config`] of their own, built with the same checked types as the file
//! (`vigie_config::values`), and [`Settings::merge`] lays it over the file.
//! The result is written back into the [`ServerArgs`], so the rest of the
//! server reads its options in one place, whether they came from a flag
//! or from the file; the per-camera sections, which no flag has, are read
//! from the [`Settings`] themselves ([`CameraPlan`]).

use std::collections::HashMap;
use std::path::Path;

use clap::parser::ValueSource;
use clap::ArgMatches;
use vigie_config::values::{self, format_mask};
use vigie_config::{Config, Settings};
use vigie_record::analysis::{detector_config, MotionProfiles};
use vigie_record::surveillance::CameraModes;

use crate::cli::{HttpAddr, ServerArgs};
use crate::usage;

/// The environment variable of the MQTT password (rather than the URL,
/// which shows in `ps`).
pub const MQTT_PASSWORD_ENV: &str = "VIGIE_MQTT_PASSWORD";

/// The environment variable of an ntfy access token.
pub const NTFY_TOKEN_ENV: &str = "VIGIE_NTFY_TOKEN";

/// The file, and the flags given on the command line, kept for a reload.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `--config`, if given.
    pub file: Option<std::path::PathBuf>,
    /// Only the flags typed on the command line.
    pub command_line: Config,
}

impl Sources {
    /// The settings from the file (read again) and the flags: a usage error
    /// (exit code 2) with the file's line and column if it is wrong.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let file = match &self.file {
            Some(path) => Config::load(path).map_err(|e| usage(e.to_string()))?,
            None => Config::default(),
        };
        let mut settings = Settings::merge(&file, &self.command_line);
        if settings.record.is_none() {
            // These mean nothing without a folder (the file's own keys are
            // checked with their line and column by vigie-config).
            let r = &self.command_line.record;
            let typed = [
                ("record-mode", r.mode.is_some()),
                ("retention-days", r.retention_days.is_some()),
                ("max-disk", r.max_disk.is_some()),
            ];
            if let Some((flag, _)) = typed.iter().find(|(_, given)| *given) {
                return Err(usage(format!(
                    "--{flag} needs a folder to record into: --record DIR, or `dir` in [record] of the config file"
                )));
            }
        }
        with_secrets_from_env(&mut settings);
        Ok(settings)
    }
}

/// The sources of `vigie server`'s settings: `--config` and the flags of
/// `matches` that were typed (a bad value is a usage error naming its flag).
pub fn sources(args: &ServerArgs, matches: &ArgMatches) -> anyhow::Result<Sources> {
    Ok(Sources {
        file: args.config.clone(),
        command_line: command_line(args, matches)?,
    })
}

/// Whether the flag `id` was typed (or came from its environment variable),
/// rather than left at its default.
fn given(matches: &ArgMatches, id: &str) -> bool {
    matches!(
        matches.value_source(id),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    )
}

/// The flags given on the command line, as a [`Config`] with only those keys.
fn command_line(args: &ServerArgs, m: &ArgMatches) -> anyhow::Result<Config> {
    // Each value goes through the config's own check, so a flag and a key
    // accept exactly the same values.
    fn check<T, V>(flag: &str, value: V) -> anyhow::Result<T>
    where
        T: TryFrom<V, Error = String>,
    {
        T::try_from(value).map_err(|e| usage(format!("--{flag} {e}")))
    }
    let at = |id: &str| given(m, id);
    let s = &args.surveillance;
    let mut c = Config::default();
    let server = &mut c.server;
    if at("listen") {
        server.listen = Some(args.listen);
    }
    if at("headless") {
        server.headless = Some(args.headless);
    }
    if at("stats_interval") {
        server.stats_interval = Some(check("stats-interval", args.stats_interval)?);
    }
    if at("max_cameras") {
        server.max_cameras = Some(check("max-cameras", args.max_cameras as i64)?);
    }
    if at("max_frame_size") {
        server.max_frame_size = Some(check("max-frame-size", args.max_frame_size as i64)?);
    }
    if at("max_pixels") {
        server.max_pixels = Some(check("max-pixels", args.max_pixels as i64)?);
    }
    if at("hello_timeout") {
        server.hello_timeout = Some(check("hello-timeout", args.hello_timeout)?);
    }
    if at("read_timeout") {
        server.read_timeout = Some(check("read-timeout", args.read_timeout)?);
    }
    if at("stale_after") {
        server.stale_after = Some(check("stale-after", args.stale_after)?);
    }
    if at("offline_after") {
        server.offline_after = Some(check("offline-after", args.offline_after)?);
    }
    let http = &mut c.http;
    if at("http") {
        let text = match args.http.http {
            HttpAddr::Off => "off".to_owned(),
            HttpAddr::At(addr) => addr.to_string(),
        };
        http.listen = Some(check("http", text)?);
    }
    if at("http_user") {
        http.user = args.http.http_user.clone();
    }
    if at("http_allowed_hosts") {
        http.allowed_hosts = Some(args.http.http_allowed_hosts.clone());
    }
    let motion = &mut c.motion;
    if at("motion") {
        motion.enabled = Some(s.motion);
    }
    if at("motion_fps") {
        motion.fps = Some(check("motion-fps", s.motion_fps)?);
    }
    if at("motion_threshold") {
        motion.threshold = Some(check("motion-threshold", i64::from(s.motion_threshold))?);
    }
    if at("motion_area") {
        motion.area = Some(check("motion-area", f64::from(s.motion_area))?);
    }
    if at("motion_masks") {
        let zones = s
            .motion_masks
            .iter()
            .map(|mask| check("motion-mask", format_mask(mask)));
        motion.masks = Some(zones.collect::<anyhow::Result<_>>()?);
    }
    let record = &mut c.record;
    if at("record") {
        record.dir = s.record.clone();
    }
    if at("record_mode") {
        record.mode = Some(match s.record_mode {
            vigie_record::RecordMode::Motion => values::RecordMode::Motion,
            vigie_record::RecordMode::Continuous => values::RecordMode::Continuous,
        });
    }
    if at("pre_roll") {
        record.pre_roll = Some(check("pre-roll", s.pre_roll)?);
    }
    if at("post_roll") {
        record.post_roll = Some(check("post-roll", s.post_roll)?);
    }
    if at("segment_minutes") {
        record.segment_minutes = Some(check("segment-minutes", s.segment_minutes)?);
    }
    if let Some(days) = s.retention_days {
        record.retention_days = Some(check("retention-days", days)?);
    }
    if let Some(gb) = s.max_disk {
        record.max_disk = Some(check("max-disk", gb)?);
    }
    let notify = &mut c.notify;
    let n = &args.notify;
    if let Some(url) = &n.notify_webhook {
        notify.webhook = Some(check("notify-webhook", url.clone())?);
    }
    if let Some(url) = &n.notify_ntfy {
        notify.ntfy = Some(check("notify-ntfy", url.clone())?);
    }
    if let Some(url) = &n.mqtt {
        notify.mqtt = Some(check("mqtt", url.clone())?);
    }
    Ok(c)
}

/// Secrets that live in the environment rather than in a file or a flag.
fn with_secrets_from_env(settings: &mut Settings) {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    if let Some(mqtt) = &mut settings.notify.mqtt {
        mqtt.url = mqtt.url.clone().with_password(var(MQTT_PASSWORD_ENV));
    }
    if let Some(ntfy) = &mut settings.notify.ntfy {
        if ntfy.token.is_none() {
            ntfy.token = var(NTFY_TOKEN_ENV);
        }
    }
}

/// Writes the server-wide `settings` into `args`, where the server reads
/// its options. (The flags given are in `settings` already, with the same
/// values, so this only changes what the file set.)
pub fn apply(settings: &Settings, args: &mut ServerArgs) {
    let st = settings;
    args.listen = st.listen;
    args.headless = st.headless;
    args.stats_interval = st.stats_interval.as_secs_f64();
    args.max_cameras = st.max_cameras;
    args.max_frame_size = st.max_frame_size as usize;
    args.max_pixels = st.max_pixels;
    args.hello_timeout = st.hello_timeout.as_secs_f64();
    args.read_timeout = st.read_timeout.as_secs_f64();
    args.stale_after = st.stale_after.as_secs_f64();
    args.offline_after = st.offline_after.as_secs_f64();
    args.http.http = st.http.map_or(HttpAddr::Off, HttpAddr::At);
    args.http.http_user = st.http_user.clone();
    args.http.http_allowed_hosts = st.http_allowed_hosts.clone();
    let s = &mut args.surveillance;
    // A notification channel is there to hear of motion: it turns detection
    // on, as recording does.
    s.motion = st.motion || !st.notify.is_empty();
    s.motion_fps = st.motion_fps;
    s.motion_threshold = st.defaults.motion_threshold;
    s.motion_area = st.defaults.motion_area;
    s.motion_masks = st.defaults.motion_masks.clone();
    s.record = st.record.clone();
    // `off` as the default records only the cameras whose section says how
    // (see `CameraPlan::record_others`); the mode of the others is unused.
    s.record_mode = record_mode(st.record_mode).unwrap_or(vigie_record::RecordMode::Motion);
    s.pre_roll = st.pre_roll.as_secs_f64();
    s.post_roll = st.post_roll.as_secs_f64();
    if s.segment_seconds.is_none() {
        s.segment_minutes = st.segment.as_secs_f64() / 60.0;
    }
    s.retention_days = st.retention.map(|d| d.as_secs_f64() / 86_400.0);
    s.max_disk = st.max_disk.map(|bytes| bytes as f64 / 1e9);
}

/// The recorder's mode for a config mode; `None` for `off`.
fn record_mode(mode: values::RecordMode) -> Option<vigie_record::RecordMode> {
    match mode {
        values::RecordMode::Motion => Some(vigie_record::RecordMode::Motion),
        values::RecordMode::Continuous => Some(vigie_record::RecordMode::Continuous),
        values::RecordMode::Off => None,
    }
}

/// What the config file says per camera, in the shapes the station's
/// parts take: the detectors' settings, the recording modes, the names to
/// show and the notification rules. Built at start and at each reload.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraPlan {
    /// Detector settings of every camera (rescaled to the analysis rate).
    pub motion: MotionProfiles,
    /// Cameras recorded in another mode than the server's, or not at all.
    pub record_modes: CameraModes,
    /// Whether the cameras without a mode of their own are recorded (not
    /// when `[record] mode = "off"`).
    pub record_others: bool,
    /// Names to show, by camera name.
    pub display_names: HashMap<String, String>,
    /// When to notify, per camera.
    pub rules: vigie_notify::Rules,
}

impl CameraPlan {
    /// The per-camera parts of `settings`.
    pub fn from_settings(settings: &Settings) -> CameraPlan {
        let fps = settings.motion_fps;
        let default = detector_config(settings.defaults.motion_config(), fps);
        let mut motion = MotionProfiles::new(default);
        let mut record_modes = CameraModes::new();
        let mut display_names = HashMap::new();
        for (name, camera) in &settings.cameras {
            let config = detector_config(camera.motion_config(), fps);
            if config != motion.default {
                motion.cameras.insert(name.clone(), config);
            }
            if camera.record_mode != settings.defaults.record_mode {
                record_modes.insert(name.clone(), record_mode(camera.record_mode));
            }
            if let Some(shown) = &camera.name {
                display_names.insert(name.clone(), shown.clone());
            }
        }
        CameraPlan {
            motion,
            record_modes,
            display_names,
            record_others: settings.defaults.record_mode != values::RecordMode::Off,
            rules: settings.rules(),
        }
    }
}

impl Default for CameraPlan {
    /// No config file: every camera with the server's settings.
    fn default() -> CameraPlan {
        CameraPlan::from_settings(&Settings::from_config(&Config::default()))
    }
}

/// `vigie server --check`: the settings that result, printed, or the
/// file's first mistake (exit code 2).
pub fn print_check(path: &Path, settings: &Settings) {
    println!("{}: valid; the settings that result:", path.display());
    print!("{settings}");
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches};

    use super::*;
    use crate::cli::{Cli, Command};

    /// `vigie server ARGS…`: the options, and which were typed.
    fn server(args: &[&str]) -> (ServerArgs, ArgMatches) {
        let line = [&["vigie", "server"][..], args].concat();
        let matches = Cli::command().try_get_matches_from(line).unwrap();
        let Command::Server(parsed) = Cli::from_arg_matches(&matches).unwrap().command else {
            unreachable!()
        };
        (
            parsed,
            matches.subcommand_matches("server").unwrap().clone(),
        )
    }

    fn file(text: &str) -> Config {
        Config::parse(text, Path::new("vigie.toml")).unwrap()
    }

    #[test]
    fn a_typed_flag_overrides_the_file_and_a_default_does_not() {
        let (mut args, typed) = server(&["--motion-threshold", "30", "--headless"]);
        let flags = command_line(&args, &typed).unwrap();
        let text = "[server]\nlisten = \"127.0.0.1:9000\"\n[motion]\nthreshold = 40\nfps = 4.0\n";
        let settings = Settings::merge(&file(text), &flags);
        apply(&settings, &mut args);
        assert_eq!(args.surveillance.motion_threshold, 30, "the flag wins");
        assert_eq!(
            args.surveillance.motion_fps, 4.0,
            "the file, where no flag was typed"
        );
        assert_eq!(args.listen.to_string(), "127.0.0.1:9000");
        assert!(args.headless);
        assert!(!args.surveillance.motion, "no detection asked for");
        // A notification channel turns detection on.
        let (mut args, typed) = server(&["--notify-ntfy", "https://ntfy.sh/garden"]);
        let settings = Settings::merge(&Config::default(), &command_line(&args, &typed).unwrap());
        apply(&settings, &mut args);
        assert!(args.surveillance.motion);
        // Untouched by either: the flags' defaults.
        assert_eq!(args.read_timeout, 10.0);
        assert_eq!(
            args.http.http,
            HttpAddr::At("127.0.0.1:8080".parse().unwrap())
        );
    }

    #[test]
    fn a_flag_is_checked_by_the_file_s_rules_and_named_in_the_error() {
        let (args, typed) = server(&["--motion-area", "2"]);
        let error = command_line(&args, &typed).unwrap_err().to_string();
        assert!(
            error.starts_with("--motion-area 2: must be a fraction"),
            "{error}"
        );
        let (args, typed) = server(&["--mqtt", "http://broker"]);
        let error = command_line(&args, &typed).unwrap_err().to_string();
        assert!(error.starts_with("--mqtt "), "{error}");
    }

    #[test]
    fn recording_options_need_a_folder_from_the_flag_or_the_file() {
        let sources = |args: &[&str], text: &str| {
            let (args, typed) = server(args);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("vigie.toml");
            std::fs::write(&path, text).unwrap();
            let sources = Sources {
                file: Some(path),
                command_line: command_line(&args, &typed).unwrap(),
            };
            sources.settings().map_err(|e| e.to_string())
        };
        let error = sources(&["--record-mode", "continuous"], "").unwrap_err();
        assert!(error.starts_with("--record-mode needs a folder"), "{error}");
        let error = sources(&["--max-disk", "1"], "").unwrap_err();
        assert!(error.starts_with("--max-disk needs a folder"), "{error}");
        // The folder from the file, the mode from the flag: the flag wins.
        let settings = sources(
            &["--record-mode", "continuous"],
            "[record]\ndir = \"/tmp/r\"\n",
        );
        let settings = settings.unwrap();
        assert_eq!(settings.record_mode, values::RecordMode::Continuous);
        assert!(sources(&["--record", "/tmp/r", "--record-mode", "continuous"], "").is_ok());
    }

    #[test]
    fn camera_sections_become_the_plan_of_each_part() {
        let text = "[record]\ndir = \"/tmp/r\"\n\
                    [cameras.door]\nname = \"Front door\"\nrecord_mode = \"off\"\n\
                    [cameras.door.motion]\nthreshold = 40\n\
                    [cameras.hall]\nname = \"Hall\"\n";
        let settings = Settings::from_config(&file(text));
        let plan = CameraPlan::from_settings(&settings);
        assert_eq!(plan.motion.for_camera("door").threshold, 40);
        assert_eq!(plan.motion.for_camera("hall").threshold, 25);
        assert!(
            !plan.motion.cameras.contains_key("hall"),
            "same as the default"
        );
        assert_eq!(plan.record_modes.get("door"), Some(&None), "not recorded");
        assert!(!plan.record_modes.contains_key("hall"));
        assert!(plan.record_others);
        assert_eq!(plan.display_names["door"], "Front door");
        // The detector's times follow the analysis rate, as for the flags.
        let default = detector_config(vigie_core::motion::MotionConfig::default(), 5.0);
        assert_eq!(plan.motion.default.end_frames, default.end_frames);
    }
}
