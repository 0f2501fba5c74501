//! vigie.toml: the example parses, every kind of mistake is reported at
//! its line and column, flags override the file, reloads are described.

use std::path::Path;
use std::time::Duration;

use vigie_config::values::{MotionFps, RecordMode, Threshold};
use vigie_config::{diff, Config, ConfigError, Scope, Settings};

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("vigie.toml"))
}

/// The error's line, column and message, for a file that must be refused.
fn refused(text: &str) -> (usize, usize, String) {
    match parse(text) {
        Err(ConfigError::Invalid {
            line,
            column,
            message,
            path,
        }) => {
            assert_eq!(path, Path::new("vigie.toml"));
            (line, column, message)
        }
        other => panic!("{text:?} was not refused with a location: {other:?}"),
    }
}

#[test]
fn the_example_parses_and_says_what_it_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vigie.example.toml");
    let file = Config::load(&root).expect("vigie.example.toml is valid");
    let s = Settings::merge(&file, &Config::default());
    assert!(s.headless && s.motion);
    assert_eq!(s.record_mode, RecordMode::Motion);
    assert_eq!(s.retention, Some(Duration::from_secs(30 * 86_400)));
    assert_eq!(s.max_disk, Some(50_000_000_000));
    let door = s.camera("door");
    assert_eq!(door.name.as_deref(), Some("Front door"));
    assert_eq!((door.motion_threshold, door.motion_area), (40, 0.01));
    assert_eq!(door.record_mode, RecordMode::Continuous);
    assert_eq!(door.rule.cooldown, Duration::from_secs(120));
    assert_eq!(door.rule.quiet_hours, None, "`off` overrides the defaults");
    let garden = s.camera("garden");
    assert_eq!((garden.motion_threshold, garden.motion_area), (25, 0.05));
    assert!(garden.rule.motion && !garden.rule.offline);
    assert_eq!(
        garden.rule.quiet_hours,
        Some("23:00-07:00".parse().unwrap())
    );
    // A camera without a section follows the defaults.
    let other = s.camera("hall");
    assert_eq!(other.motion_masks.len(), 1);
    assert_ne!(door.motion_masks, other.motion_masks, "per-camera masks");
    let mqtt = s.notify.mqtt.as_ref().unwrap();
    assert_eq!(
        (mqtt.url.host.as_str(), mqtt.url.user.as_deref()),
        ("192.168.1.10", Some("vigie"))
    );
    assert_eq!(s.rules().for_camera("garden"), &garden.rule);
}

#[test]
fn an_empty_file_gives_the_flags_defaults() {
    let s = Settings::merge(&parse("").unwrap(), &Config::default());
    assert_eq!(s.listen.port(), 8485);
    assert_eq!(s.http.unwrap().to_string(), "127.0.0.1:8080");
    assert_eq!((s.motion_fps, s.max_cameras), (5.0, 128));
    assert_eq!(s.defaults.motion_threshold, 25);
    assert_eq!(s.segment, Duration::from_secs(300));
    assert!(s.notify.is_empty() && s.record.is_none() && !s.motion);
}

#[test]
fn an_unknown_key_is_refused_at_its_place() {
    let (line, column, message) = refused("[motion]\nfps = 5\ntreshold = 30\n");
    assert_eq!((line, column), (3, 1));
    assert!(message.contains("treshold"), "{message}");
    let (line, column, _) = refused("[cameras.door]\nname = \"Door\"\n  colour = \"red\"\n");
    assert_eq!((line, column), (3, 3));
    let (line, column, _) = refused("[servr]\nlisten = \"0.0.0.0:1\"\n");
    assert_eq!((line, column), (1, 2));
    let (line, _, message) = refused("[cameras.door.rules]\nwebhook = \"http://h/\"\n");
    assert_eq!(line, 2, "{message}");
}

#[test]
fn a_wrong_type_is_refused_at_its_place() {
    let (line, column, message) = refused("[motion]\nfps = \"fast\"\n");
    assert_eq!((line, column), (2, 7));
    assert!(message.contains("string"), "{message}");
    let (line, column, _) = refused("[server]\nheadless = 1\n");
    assert_eq!((line, column), (2, 12));
    let (line, column, _) = refused("[motion]\nmasks = \"0,0,1,1\"\n");
    assert_eq!((line, column), (2, 9));
    let (line, column, _) = refused("[cameras]\ndoor = 3\n");
    assert_eq!((line, column), (2, 8));
}

#[test]
fn an_impossible_value_is_refused_at_its_place() {
    let cases = [
        ("[motion]\nfps = 0\n", (2, 7), "more than 0"),
        ("[motion]\nfps = 500\n", (2, 7), "at most 100"),
        ("[motion]\narea = 1.5\n", (2, 8), "fraction"),
        ("[motion]\nthreshold = 0\n", (2, 13), "1 to 255"),
        ("[motion]\nmasks = [\"0,0,1\"]\n", (2, 9), "not a zone"),
        ("[motion]\nmasks = [\"0,0,2,1\"]\n", (2, 9), "fraction"),
        ("[server]\nmax_cameras = 5000\n", (2, 15), "4096"),
        ("[server]\nread_timeout = -1\n", (2, 16), "above 0"),
        (
            "[server]\nlisten = \"nowhere\"\n",
            (2, 10),
            "socket address",
        ),
        ("[http]\nlisten = \"localhost\"\n", (2, 10), "off"),
        ("[record]\ndir = \"/r\"\nmax_disk = 0\n", (3, 12), "above 0"),
        (
            "[record]\ndir = \"/r\"\nmode = \"sometimes\"\n",
            (3, 8),
            "continuous",
        ),
        (
            "[record]\ndir = \"/r\"\nsegment_minutes = 0.001\n",
            (3, 19),
            "one second",
        ),
        ("[record]\nmax_disk = 10\n", (2, 12), "needs `dir`"),
        ("[record]\nmode = \"continuous\"\n", (2, 8), "needs `dir`"),
        ("[notify]\nwebhook = \"ftp://h/\"\n", (2, 11), "http"),
        ("[notify]\nntfy = \"https://ntfy.sh/\"\n", (2, 8), "topic"),
        ("[notify]\nmqtt = \"mqtt://h:99999\"\n", (2, 8), "mqtt URL"),
        ("[notify]\nqueue = 0\n", (2, 9), "1 to 10000"),
        (
            "[notify.rules]\nquiet_hours = \"25:00-07:00\"\n",
            (2, 15),
            "HH:MM",
        ),
        (
            "[notify.rules]\nevents = [\"motion\", \"rain\"]\n",
            (2, 21),
            "offline",
        ),
        ("[notify.rules]\ncooldown = -5\n", (2, 12), "0 or more"),
        ("[cameras.door]\nname = \"\"\n", (2, 8), "1 to 64"),
        ("[cameras.door]\nrecord_mode = \"always\"\n", (2, 15), "off"),
        (
            "[cameras.door.motion]\nthreshold = 300\n",
            (2, 13),
            "1 to 255",
        ),
    ];
    for (text, (line, column), words) in cases {
        let (l, c, message) = refused(text);
        assert_eq!((l, c), (line, column), "{text:?}: {message}");
        assert!(
            message.contains(words),
            "{text:?}: {message:?} should say {words:?}"
        );
    }
}

#[test]
fn the_error_reads_like_a_compiler_s() {
    let e = parse("\n\n[motion]\nfps = 0\n").unwrap_err().to_string();
    assert!(e.starts_with("vigie.toml:4:7: "), "{e}");
    let missing = Config::load(Path::new("/nonexistent/vigie.toml")).unwrap_err();
    assert!(matches!(missing, ConfigError::Read { .. }), "{missing}");
}

#[test]
fn flags_override_the_file() {
    let file =
        parse("[motion]\nfps = 2\nthreshold = 30\n[cameras.door.motion]\narea = 0.2\n").unwrap();
    // The command line gave --motion-fps 8 only.
    let mut flags = Config::default();
    flags.motion.fps = Some(MotionFps::try_from(8.0).unwrap());
    let s = Settings::merge(&file, &flags);
    assert_eq!(s.motion_fps, 8.0, "the flag wins");
    assert_eq!(
        s.defaults.motion_threshold, 30,
        "the file stays where no flag was given"
    );
    assert_eq!(s.camera("door").motion_threshold, 30);
    assert_eq!(s.camera("door").motion_area, 0.2);
    // A flag's threshold reaches the cameras that do not set their own.
    flags.motion.threshold = Some(Threshold::try_from(50).unwrap());
    assert_eq!(
        Settings::merge(&file, &flags)
            .camera("door")
            .motion_threshold,
        50
    );
    // Flags are checked by the same rules.
    assert!(MotionFps::try_from(0.0).is_err());
}

#[test]
fn a_reload_lists_what_changed_per_camera() {
    let before =
        parse("[cameras.door.motion]\nthreshold = 25\n[cameras.yard]\nname = \"Yard\"\n").unwrap();
    let after = parse(
        "[server]\nmax_cameras = 8\n[motion]\narea = 0.02\n\
         [cameras.door.motion]\nthreshold = 40\n[cameras.shed]\nrecord_mode = \"off\"\n",
    )
    .unwrap();
    let (old, new) = (
        Settings::from_config(&before),
        Settings::from_config(&after),
    );
    let changes = diff(&old, &new);
    let said: Vec<String> = changes.iter().map(ToString::to_string).collect();
    let has = |s: &str| said.iter().any(|c| c == s);
    assert!(
        has("server: server.max_cameras 128 -> 8 (after a restart)"),
        "{said:#?}"
    );
    assert!(has("defaults: motion.area 0.01 -> 0.02"), "{said:#?}");
    assert!(
        has("camera \"door\": motion.threshold 25 -> 40"),
        "{said:#?}"
    );
    assert!(
        has("camera \"door\": motion.area 0.01 -> 0.02"),
        "{said:#?}"
    );
    assert!(has("camera \"yard\": name Yard -> -"), "{said:#?}");
    assert!(
        has("camera \"shed\": record_mode motion -> off"),
        "{said:#?}"
    );
    assert!(changes
        .iter()
        .filter(|c| c.needs_restart())
        .all(|c| c.scope == Scope::Server));
    assert!(diff(&new, &new).is_empty());
}

#[test]
fn check_prints_every_setting_and_no_secret() {
    let file = parse(
        "[notify]\nmqtt = \"mqtt://u:hunter2@b\"\nntfy = \"https://n/t\"\nntfy_token = \"tk_secret\"\n\
         [cameras.door]\nname = \"Front door\"\n",
    )
    .unwrap();
    let text = Settings::from_config(&file).to_string();
    for line in [
        "server.listen = 0.0.0.0:8485",
        "notify.mqtt = mqtt://u:***@b:1883",
        "[camera \"door\"]",
        "name = Front door",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert!(
        !text.contains("hunter2") && !text.contains("tk_secret"),
        "{text}"
    );
}

#[test]
fn a_camera_s_own_mask_leaves_motion_out_for_it_and_not_for_another() {
    use vigie_core::motion::{MotionDetector, MotionEvent};
    // The door masks the top 30 % of its picture; other cameras the top 8 %.
    let file = parse(
        "[motion]\nmasks = [\"0,0,1,0.08\"]\n[cameras.door.motion]\nmasks = [\"0,0,1,0.3\"]\n",
    )
    .unwrap();
    let s = Settings::from_config(&file);
    let (w, h) = (160usize, 120usize);
    let still = vec![100u8; w * h];
    // Something bright crosses rows 14 to 33 (12 % to 28 % of the height).
    let crossing = |x0: usize| {
        let mut f = still.clone();
        for y in 14..34 {
            for x in x0..x0 + 40 {
                f[y * w + x] = 230;
            }
        }
        f
    };
    let started = |camera: &str| {
        let mut detector = MotionDetector::new(s.camera(camera).motion_config());
        let mut events = 0;
        for _ in 0..10 {
            detector.update_grey(&still, w, h);
        }
        for i in 0..10 {
            let update = detector.update_grey(&crossing(10 + i * 8), w, h);
            events += usize::from(update.event == Some(MotionEvent::Started));
        }
        events
    };
    assert_eq!(started("door"), 0, "inside the door's own mask");
    assert_eq!(started("hall"), 1, "outside the default mask");
}
