//! A camera that is not online must not look alive to other tools: its
//! snapshot answers 503 with `Retry-After` and its state, every snapshot
//! says how old it is, an MJPEG stream ends when its camera goes offline
//! and a stream request for an offline camera answers 503. The last part
//! is checked against a real reader, ffmpeg (Debian package `ffmpeg`).

mod common;

use std::process::Stdio;
use std::time::{Duration, SystemTime};

use common::{eventually, http_client, require, start, stream_client, Format, Parts};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use vigie_hub::CameraState;
use vigie_hub::Origin;
use vigie_web::WebConfig;

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_say_how_old_they_are_and_503_once_the_camera_is_gone() {
    let rig = start(WebConfig::default()).await;
    let stop = rig.camera("porte", 160, 120, 15.0, Format::Jpeg);
    rig.wait_frames("porte", 3).await;
    let url = rig.url("/cameras/porte/snapshot.jpg");
    let client = http_client();

    let live = client.get(&url).send().await.unwrap();
    assert_eq!(live.status(), 200);
    assert_eq!(header(&live, "x-vigie-camera-state"), Some("online"));
    let age: u64 = header(&live, "x-vigie-frame-age-ms")
        .unwrap()
        .parse()
        .unwrap();
    assert!(age < 30_000, "a live camera's frame is {age} ms old");
    let modified = httpdate::parse_http_date(header(&live, "last-modified").unwrap()).unwrap();
    let off = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    assert!(off < Duration::from_secs(60), "Last-Modified {off:?} ago");
    assert_eq!(&live.bytes().await.unwrap()[..2], &[0xFF, 0xD8]);

    // The camera stops: its connection closes, it is offline at once.
    stop.cancel();
    eventually("porte offline", || {
        rig.view("porte")
            .is_some_and(|v| v.state == CameraState::Offline)
    })
    .await;
    let gone = client.get(&url).send().await.unwrap();
    assert_eq!(gone.status(), 503);
    let retry: u64 = header(&gone, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(header(&gone, "x-vigie-camera-state"), Some("offline"));
    // Its last picture's age is still told, and grows.
    let old: u64 = header(&gone, "x-vigie-frame-age-ms")
        .unwrap()
        .parse()
        .unwrap();
    assert!(header(&gone, "last-modified").is_some());
    let body = gone.text().await.unwrap();
    assert!(body.contains("offline") && body.contains("porte"), "{body}");
    assert!(body.len() < 200, "a short body: {body}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let later = client
        .get(&url)
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let older: u64 = header(&later, "x-vigie-frame-age-ms")
        .unwrap()
        .parse()
        .unwrap();
    assert!(older >= old, "{older} < {old}");
    let body = later.text().await.unwrap();
    assert!(body.starts_with("camera porte: offline"), "{body}");

    // A stream request for an offline camera: 503 too, not a silent stream.
    let stream = client
        .get(rig.url("/cameras/porte/stream.mjpg"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 503);
    assert!(header(&stream, "retry-after").is_some());
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connected_but_silent_camera_is_stale_not_a_still_room() {
    let rig = start(WebConfig::default()).await;
    // Connected, one frame, then nothing: stale after 2 s (the default).
    let silent = rig
        .registry
        .register(
            "cave",
            Origin::peer("127.0.0.1:9".parse().unwrap(), "native"),
        )
        .unwrap();
    let pattern = vigie_camera::TestPattern::new("cave", 160, 120, 10.0).unwrap();
    silent.publish(
        vigie_core::jpeg::encode_frame(&pattern.render(0, 0), 80).unwrap(),
        false,
    );
    let url = rig.url("/cameras/cave/snapshot.jpg");
    let client = http_client();
    eventually("cave stale", || {
        rig.view("cave")
            .is_some_and(|v| v.state == CameraState::Stale)
    })
    .await;
    let stale = client.get(&url).send().await.unwrap();
    assert_eq!(stale.status(), 503);
    assert!(header(&stale, "retry-after").is_some());
    assert_eq!(header(&stale, "x-vigie-camera-state"), Some("stale"));
    assert!(header(&stale, "x-vigie-frame-age-ms").is_some());
    let body = stale.text().await.unwrap();
    assert!(body.contains("stale"), "{body}");
    drop(silent);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mjpeg_stream_ends_when_its_camera_goes_offline() {
    let rig = start(WebConfig::default()).await;
    let stop = rig.camera("jardin", 160, 120, 15.0, Format::Jpeg);
    rig.wait_frames("jardin", 3).await;
    let mut response = stream_client()
        .get(rig.url("/cameras/jardin/stream.mjpg"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut parts = Parts::default();
    let mut seen = 0;
    while seen < 3 {
        let chunk = tokio::time::timeout(Duration::from_secs(30), response.chunk())
            .await
            .expect("a part within 30 s")
            .unwrap()
            .expect("the stream goes on while the camera is online");
        parts.push(&chunk);
        while parts.next_part().is_some() {
            seen += 1;
        }
    }
    stop.cancel();
    // Read on: the body must end (not stay open and silent).
    let mut chunks = 0usize;
    loop {
        let next = tokio::time::timeout(Duration::from_secs(30), response.chunk())
            .await
            .expect("the stream ends within 30 s of the camera going offline");
        match next.unwrap() {
            Some(_) => chunks += 1,
            None => break,
        }
        assert!(chunks < 10_000, "the stream goes on after the camera left");
    }
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ffmpeg_stops_reading_when_the_camera_goes_offline() {
    if !require("ffmpeg", "ffmpeg") {
        return;
    }
    let rig = start(WebConfig::default()).await;
    let stop = rig.camera("entree", 160, 120, 15.0, Format::Jpeg);
    rig.wait_frames("entree", 3).await;
    let url = rig.url("/cameras/entree/stream.mjpg");
    // No frame limit: ffmpeg reads for as long as the stream lasts.
    let mut child = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-i", &url])
        .args(["-f", "framemd5", "-"])
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut frames = 0;
    while frames < 5 {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("ffmpeg decodes a frame within 30 s")
            .unwrap()
            .expect("ffmpeg goes on while the camera is online");
        if !line.starts_with('#') {
            frames += 1;
        }
    }
    stop.cancel();
    // ffmpeg sees the end of the stream and exits on its own.
    let drain = async {
        while let Ok(Some(line)) = lines.next_line().await {
            if !line.starts_with('#') {
                frames += 1;
            }
        }
        child.wait().await.unwrap()
    };
    let status = tokio::time::timeout(Duration::from_secs(30), drain)
        .await
        .expect("ffmpeg stops within 30 s of the camera going offline");
    assert!(status.success(), "ffmpeg: {status:?}");
    assert!(frames >= 5, "{frames} frames");
    rig.stop().await;
}
