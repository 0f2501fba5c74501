//! The `vigie` binary, run as a user would run it.

use std::process::Command;

fn vigie(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
        .output()
        .expect("the vigie binary runs")
}

#[test]
fn help_lists_every_subcommand() {
    let out = vigie(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["server", "client", "demo", "cameras"] {
        assert!(text.contains(sub), "--help does not mention {sub}:\n{text}");
    }
}

#[test]
#[cfg(not(feature = "webcam"))]
fn cameras_without_the_feature_explains_how_to_enable_it() {
    let out = vigie(&["cameras"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("--features webcam"), "{text}");
    assert!(text.contains("libclang-dev"), "{text}");
}

#[test]
fn a_bad_option_is_a_usage_error() {
    let out = vigie(&["client", "--server", "127.0.0.1:8485", "--format", "png"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("png"));
}

#[test]
fn a_port_in_use_is_one_clear_line_and_exit_code_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = vigie(&["server", "--headless", "--listen", &addr]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("vigie server:"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("already in use"), "{err}");
    assert!(lines[0].contains("pick another with --listen"), "{err}");
}

#[test]
fn an_address_this_machine_lacks_is_exit_code_2() {
    // 198.51.100.77 is in TEST-NET-2, documentation only: not an address of
    // this machine. Nothing is sent to it.
    let out = vigie(&["server", "--headless", "--listen", "198.51.100.77:8485"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such address"));
    let out = vigie(&["server", "--listen", "not-an-address"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_client_with_a_bad_size_or_source_is_exit_code_2() {
    let out = vigie(&["client", "--server", "127.0.0.1:1", "--size", "big"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("WIDTHxHEIGHT"));
    let out = vigie(&["client", "--server", "127.0.0.1:1", "--size", "8x8"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("16 to 3840"));
}

#[test]
fn the_demo_runs_and_prints_its_cameras() {
    let out = vigie(&[
        "demo",
        "--headless",
        "--cameras",
        "2",
        "--seconds",
        "3",
        "--stats-interval",
        "1",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // The summary table lists both cameras with the frames they delivered.
    for name in ["entrée", "jardin"] {
        let row = text
            .lines()
            .rev()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{text}"));
        let frames: u64 = row.split_whitespace().nth(3).unwrap().parse().unwrap();
        assert!(frames > 0, "{row}");
    }
}

#[test]
fn a_server_without_display_suggests_headless_and_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["server", "--listen", "127.0.0.1:0"])
        .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--headless"), "{err}");
}

#[test]
fn bad_web_options_are_exit_code_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args([
            "server",
            "--headless",
            "--listen",
            "127.0.0.1:0",
            "--http-user",
            "bob",
        ])
        .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
        .env_remove("VIGIE_HTTP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--http-user"));
    let out = vigie(&["server", "--headless", "--http", "everywhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("off"));
}

#[test]
fn a_busy_web_port_is_one_clear_line_and_exit_code_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let web = taken.local_addr().unwrap().to_string();
    let out = vigie(&[
        "server",
        "--headless",
        "--listen",
        "127.0.0.1:0",
        "--http",
        &web,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("web page") && err.contains("already in use"),
        "{err}"
    );
    // The web port is chosen with --http, not --listen (the cameras' port).
    assert!(err.contains("pick another with --http"), "{err}");
    assert!(!err.contains("--listen"), "{err}");
}

#[test]
fn a_busy_camera_port_names_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = vigie(&["server", "--headless", "--listen", &addr, "--http", "off"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pick another with --listen"), "{err}");
}

#[test]
fn the_demo_on_a_busy_web_port_names_http_and_takes_a_free_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let web = taken.local_addr().unwrap().to_string();
    let out = vigie(&[
        "demo",
        "--headless",
        "--cameras",
        "1",
        "--seconds",
        "1",
        "--listen",
        "127.0.0.1:0",
        "--http",
        &web,
    ]);
    let (stdout, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{err}");
    let warning = err
        .lines()
        .find(|l| l.contains("already in use"))
        .unwrap_or_else(|| panic!("no warning about the busy port:\n{err}"));
    assert!(warning.contains("pick another with --http"), "{warning}");
    assert!(!warning.contains("--listen"), "{warning}");
    // It went on with a free port, and says which.
    let page = stdout
        .lines()
        .find(|l| l.contains("web page on http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no web page line:\n{stdout}"));
    assert!(!page.contains(&web), "{page}");
}

#[test]
fn bad_motion_and_recording_options_are_exit_code_2() {
    for (args, says) in [
        (&["--motion-fps", "0"][..], "--motion-fps"),
        (&["--motion-area", "2"][..], "--motion-area"),
        (&["--motion-mask", "0,0,2,1"][..], "not a fraction"),
        (&["--record", "/tmp/x", "--max-disk", "0"][..], "--max-disk"),
        (&["--record-mode", "continuous"][..], "--record"),
    ] {
        let out = vigie(&[&["server", "--headless", "--listen", "127.0.0.1:0"], args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
