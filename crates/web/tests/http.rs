//! Every endpoint, with a real HTTP client against a real server and
//! synthetic cameras on loopback.

mod common;

use std::time::Duration;

use common::{http_client, jpeg_size, read_parts, start, Format};
use serde_json::Value;
use vigie_web::WebConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers() {
    let rig = start(WebConfig::default()).await;
    let r = http_client().get(rig.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok\n");
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_lists_cameras_with_their_statistics() {
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 64, 48, 20.0, Format::Jpeg);
    rig.camera("garage", 80, 60, 20.0, Format::Raw);
    rig.wait_frames("salon", 10).await;
    rig.wait_frames("garage", 10).await;
    let r = http_client()
        .get(rig.url("/api/cameras"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(doc["connected"], 2);
    assert_eq!(doc["camera_port"], 8485);
    let cams = doc["cameras"].as_array().unwrap();
    let names: Vec<&str> = cams.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["garage", "salon"]);
    let salon = &cams[1];
    assert_eq!(salon["protocol"], "native");
    assert_eq!(salon["state"], "online");
    assert_eq!(salon["format"], "JPEG");
    assert_eq!(
        (salon["width"].as_u64(), salon["height"].as_u64()),
        (Some(64), Some(48))
    );
    assert!(salon["peer"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert!(salon["frames"].as_u64().unwrap() >= 10);
    assert!(salon["fps"].as_f64().unwrap() > 0.0);
    assert!(salon["kbps"].as_f64().unwrap() > 0.0);
    assert!(salon["latency_p50_ms"].as_f64().is_some());
    assert!(salon["latency_p99_ms"].as_f64().is_some());
    assert!(salon["drops"].as_u64().is_some());
    assert!(salon["last_frame_age_s"].as_f64().is_some());
    assert!(salon["state_for_s"].as_f64().is_some());
    assert_eq!(cams[0]["format"], "RGB8");
    assert_eq!(cams[0]["width"], 80);

    // A camera that leaves is shown offline, not forgotten.
    rig.stop_cameras.cancel();
    common::eventually("the cameras to go offline", || {
        rig.registry.connected() == 0
    })
    .await;
    let text = http_client()
        .get(rig.url("/api/cameras"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["connected"], 0);
    assert_eq!(doc["cameras"][1]["state"], "offline");
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_are_the_newest_frame_as_jpeg() {
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 64, 48, 20.0, Format::Jpeg);
    rig.camera("garage", 80, 60, 20.0, Format::Raw);
    rig.wait_frames("salon", 2).await;
    rig.wait_frames("garage", 2).await;
    for (name, size) in [("salon", (64, 48)), ("garage", (80, 60))] {
        let r = http_client()
            .get(rig.url(&format!("/cameras/{name}/snapshot.jpg")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let body = r.bytes().await.unwrap();
        assert_eq!(jpeg_size(&body), size, "{name}");
        vigie_core::jpeg::decode_rgb(&body).expect("a complete JPEG");
    }
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mjpeg_streams_newest_frames_as_multipart() {
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 64, 48, 30.0, Format::Jpeg);
    rig.wait_frames("salon", 1).await;
    let r = common::stream_client()
        .get(rig.url("/cameras/salon/stream.mjpg"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "multipart/x-mixed-replace; boundary=vigieframe"
    );
    drop(r);
    let parts = read_parts(&rig.url("/cameras/salon/stream.mjpg"), 8).await;
    for p in &parts {
        assert_eq!(&p[..2], &[0xFF, 0xD8], "starts with SOI");
        assert_eq!(&p[p.len() - 2..], &[0xFF, 0xD9], "ends with EOI");
        assert_eq!(jpeg_size(p), (64, 48));
    }
    // Live: the pictures change (the test pattern draws the frame number).
    assert!(parts.windows(2).any(|w| w[0] != w[1]));
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raw_camera_is_encoded_once_for_every_viewer() {
    let rig = start(WebConfig::default()).await;
    rig.camera("brut", 160, 120, 20.0, Format::Raw);
    rig.wait_frames("brut", 1).await;
    let url = rig.url("/cameras/brut/stream.mjpg");
    let before = rig.frames_of("brut");
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { read_parts(&url, 15).await })
        })
        .collect();
    for reader in readers {
        for p in reader.await.unwrap() {
            assert_eq!(jpeg_size(&p), (160, 120));
        }
    }
    let after = rig.frames_of("brut");
    let encodes = metric(&rig, "vigie_web_jpeg_encodes_total").await;
    // 60 parts went out; frames that nobody watched were not encoded, and
    // no frame was encoded twice (at most one per frame that arrived).
    assert!(encodes >= 15.0, "{encodes}");
    assert!(
        encodes <= (after - before + 2) as f64,
        "{encodes} encodings for {} frames",
        after - before
    );
    rig.stop().await;
}

/// The value of an unlabelled metric.
async fn metric(rig: &common::Rig, name: &str) -> f64 {
    let text = http_client()
        .get(rig.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{name} ")))
        .unwrap_or_else(|| panic!("{name} in\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_prometheus_text() {
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 64, 48, 20.0, Format::Jpeg);
    rig.wait_frames("salon", 5).await;
    // One viewer, for the viewers gauge.
    let _stream = common::stream_client()
        .get(rig.url("/cameras/salon/stream.mjpg"))
        .send()
        .await
        .unwrap();
    let r = http_client().get(rig.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = r.text().await.unwrap();
    for expected in [
        "# TYPE vigie_cameras_connected gauge",
        "vigie_cameras_connected 1",
        "# TYPE vigie_camera_frames counter",
        "vigie_camera_frames_total{camera=\"salon\"} ",
        "vigie_camera_drops_total{camera=\"salon\"} ",
        "vigie_camera_fps{camera=\"salon\"} ",
        "vigie_camera_kbps{camera=\"salon\"} ",
        "# UNIT vigie_camera_latency_p50_seconds seconds",
        "vigie_camera_latency_p50_seconds{camera=\"salon\"} ",
        "vigie_camera_latency_p99_seconds{camera=\"salon\"} ",
        "vigie_camera_last_frame_age_seconds{camera=\"salon\"} ",
        "vigie_camera_online{camera=\"salon\"} 1",
        "vigie_http_viewers{kind=\"mjpeg\"} 1",
        "vigie_web_jpeg_encodes_total 0",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in\n{text}");
    }
    assert!(text.ends_with("# EOF\n"));
    drop(_stream);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_french_and_self_contained() {
    let rig = start(WebConfig::default()).await;
    let client = http_client();
    let r = client.get(rig.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"<html lang="fr">"#));
    assert!(html.contains("caméras en direct"));
    for (path, kind) in [
        ("/static/app.js", "text/javascript"),
        ("/static/style.css", "text/css"),
    ] {
        let r = client.get(rig.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(kind));
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    }
    let js = client
        .get(rig.url("/static/app.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for words in [
        "en attente de caméras sur le port",
        "HORS LIGNE depuis",
        "FIGÉE depuis",
    ] {
        assert!(js.contains(words), "{words}");
    }
    let r = client.get(rig.url("/nulle/part")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = client.post(rig.url("/api/cameras")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_that_leave_are_no_longer_counted() {
    let rig = start(WebConfig::default()).await;
    let stop = rig.camera("salon", 64, 48, 20.0, Format::Jpeg);
    rig.wait_frames("salon", 1).await;
    let viewers = |text: &str| text.contains("vigie_http_viewers{kind=\"mjpeg\"} 1");
    let stream = common::stream_client()
        .get(rig.url("/cameras/salon/stream.mjpg"))
        .send()
        .await
        .unwrap();
    let metrics = || async {
        let r = http_client().get(rig.url("/metrics")).send().await.unwrap();
        r.text().await.unwrap()
    };
    assert!(viewers(&metrics().await));
    // The camera goes away, so no frame will be written again: the server
    // must still notice that the viewer left.
    stop.cancel();
    common::eventually("the camera to leave", || rig.registry.connected() == 0).await;
    drop(stream);
    let limit = tokio::time::Instant::now() + Duration::from_secs(30);
    while !metrics()
        .await
        .contains("vigie_http_viewers{kind=\"mjpeg\"} 0")
    {
        assert!(
            tokio::time::Instant::now() < limit,
            "the viewer is still counted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    rig.stop().await;
}
