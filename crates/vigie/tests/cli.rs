//! The `vigie` binary, run as a user would run it.

use std::process::Command;

fn vigie(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
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
