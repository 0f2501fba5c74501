//! `vigie bench` runs end to end and prints JSON with a frame rate. No timed
//! assertions: only that frames went through.

use std::process::Command;

fn bench_json(args: &[&str]) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("bench")
        .args(args)
        .args(["--seconds", "1", "--json"])
        .env("RUST_LOG", "warn")
        .output()
        .expect("the vigie binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "vigie bench {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

fn assert_frames_went_through(runs: &[serde_json::Value], scenario: &str) {
    assert!(!runs.is_empty());
    for run in runs {
        assert_eq!(run["scenario"], scenario, "{run}");
        let fps = run["fps"]
            .as_f64()
            .unwrap_or_else(|| panic!("no fps: {run}"));
        assert!(fps > 0.0, "{run}");
    }
}

#[test]
fn raw_prints_one_json_line_per_size_with_fps() {
    let runs = bench_json(&["raw", "--link", "plain"]);
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_frames_went_through(&runs, "raw");
    assert_eq!(runs[0]["size"], "640x480");
    assert!(runs[0]["socket_fps"].as_f64().unwrap() > 0.0);
}

#[test]
fn e2e_decodes_frames_names_its_codec_and_measures_latency() {
    let runs = bench_json(&["e2e", "--size", "160x120", "--link", "plain"]);
    assert_eq!(runs.len(), 1);
    assert_frames_went_through(&runs, "e2e");
    assert!(runs[0]["decoded"].as_u64().unwrap() > 0, "{}", runs[0]);
    assert!(runs[0]["latency_p50_ms"].is_number(), "{}", runs[0]);
    assert_eq!(runs[0]["encoder"], "libjpeg-turbo-rs", "{}", runs[0]);
    assert_eq!(runs[0]["decoder"], "libjpeg-turbo-rs", "{}", runs[0]);
}

#[test]
fn tls_and_plaintext_are_measured_in_one_run_with_their_ratio() {
    // The default link is `both`: plaintext, then TLS, then the ratio.
    let runs = bench_json(&["e2e", "--size", "160x120"]);
    assert_eq!(runs.len(), 3, "{runs:?}");
    assert_frames_went_through(&runs[..2], "e2e");
    assert_eq!(runs[0]["link"], "plain", "{}", runs[0]);
    assert_eq!(runs[1]["link"], "tls", "{}", runs[1]);
    let suite = runs[1]["cipher_suite"].as_str().unwrap();
    assert!(suite.starts_with("TLS13_"), "{suite}");
    assert_eq!(runs[2]["link"], "tls/plain", "{}", runs[2]);
    let ratio = runs[2]["fps_ratio"].as_f64().unwrap();
    assert!(ratio > 0.0, "{}", runs[2]);

    // Several paired cameras at once, over TLS only.
    let runs = bench_json(&[
        "ingest",
        "--cameras",
        "2",
        "--size",
        "160x120",
        "--link",
        "tls",
    ]);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_frames_went_through(&runs, "ingest");
    assert_eq!(runs[0]["link"], "tls", "{}", runs[0]);
}
