//! ffprobe and ffmpeg (Debian package `ffmpeg`) read the MJPEG stream as
//! is: the proof that VLC, Home Assistant and friends, which use the same
//! libraries or the same format, can too. Without ffmpeg the tests say
//! SKIP and pass, so that `cargo test` needs only the Rust toolchain (in
//! CI, with `CI=true`, they fail instead: see `vigie_testkit`).

mod common;

use std::time::Duration;

use common::{require, start, Format};
use tokio::process::Command;
use vigie_web::WebConfig;

async fn run(program: &str, args: &[&str]) -> std::process::Output {
    // ffmpeg honours http_proxy even for loopback: go straight there.
    let child = Command::new(program)
        .args(args)
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(60), child)
        .await
        .unwrap_or_else(|_| panic!("{program} did not finish in 60 s"))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ffprobe_sees_the_size_and_ffmpeg_decodes_frames() {
    if !require("ffmpeg", "ffmpeg") || !require("ffprobe", "ffmpeg") {
        return;
    }
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 320, 240, 25.0, Format::Jpeg);
    rig.camera("brut", 176, 144, 25.0, Format::Raw);
    rig.wait_frames("salon", 1).await;
    rig.wait_frames("brut", 1).await;

    for (name, (w, h)) in [("salon", (320, 240)), ("brut", (176, 144))] {
        let url = rig.url(&format!("/cameras/{name}/stream.mjpg"));
        let probe = run(
            "ffprobe",
            &[
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=codec_name,width,height",
                "-of",
                "csv=p=0",
                &url,
            ],
        )
        .await;
        let out = String::from_utf8_lossy(&probe.stdout);
        assert!(probe.status.success(), "ffprobe {url}: {probe:?}");
        assert_eq!(out.trim(), format!("mjpeg,{w},{h}"));

        // Both ffmpeg demuxers: the raw JPEG scanner and the multipart one.
        for demuxer in ["mjpeg", "mpjpeg"] {
            let decode = run(
                "ffmpeg",
                &[
                    "-hide_banner",
                    "-nostdin",
                    "-loglevel",
                    "error",
                    "-f",
                    demuxer,
                    "-i",
                    &url,
                    "-frames:v",
                    "10",
                    "-f",
                    "framemd5",
                    "-",
                ],
            )
            .await;
            assert!(
                decode.status.success(),
                "ffmpeg -f {demuxer} {url}: {decode:?}"
            );
            let text = String::from_utf8_lossy(&decode.stdout);
            let frames: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
            assert_eq!(frames.len(), 10, "{text}");
            assert!(
                text.contains(&format!("#dimensions 0: {w}x{h}")),
                "{demuxer}: {text}"
            );
        }
    }
    rig.stop().await;
}
