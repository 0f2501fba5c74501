//! Byte ranges on `/recordings/…`: what VLC and a browser send to seek in
//! a file served over HTTP (206 and `Content-Range`, 416 past the end),
//! checked on a real recording; then ffprobe reads the file over HTTP, as
//! a player would, jumping to its end for the index.

mod common;

use common::recording::record_one_event;
use common::{http_client, require, start};
use vigie_web::WebConfig;

async fn recording_url(rig: &common::Rig) -> String {
    let doc: serde_json::Value = http_client()
        .get(rig.url("/api/events"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    doc["events"][0]["file_url"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recordings_answer_byte_ranges() {
    let dir = tempfile::tempdir().unwrap();
    record_one_event(dir.path());
    let rig = start(WebConfig {
        recordings: Some(dir.path().to_path_buf()),
        ..WebConfig::default()
    })
    .await;
    let url = rig.url(&recording_url(&rig).await);
    let client = http_client();

    let whole = client.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let file = whole.bytes().await.unwrap();
    let len = file.len();
    assert!(len > 1000, "{len} bytes");

    for (range, start, end) in [
        ("bytes=0-99".to_owned(), 0, 99),
        ("bytes=100-".to_owned(), 100, len - 1),
        ("bytes=-64".to_owned(), len - 64, len - 1),
        (
            format!("bytes={}-{}", len - 10, len + 500),
            len - 10,
            len - 1,
        ),
    ] {
        let part = client
            .get(&url)
            .header("Range", &range)
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), 206, "{range}");
        assert_eq!(
            part.headers()["content-range"],
            format!("bytes {start}-{end}/{len}").as_str(),
            "{range}"
        );
        assert_eq!(
            part.headers()["content-length"],
            (end - start + 1).to_string().as_str()
        );
        let body = part.bytes().await.unwrap();
        assert_eq!(&body[..], &file[start..=end], "{range}");
    }

    // Past the end: 416, and the size, so the player knows what there is.
    let past = client
        .get(&url)
        .header("Range", format!("bytes={len}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 416);
    assert_eq!(
        past.headers()["content-range"],
        format!("bytes */{len}").as_str()
    );
    // Ranges we do not serve (several at once, nonsense): the whole file.
    for odd in ["bytes=0-1,5-6", "bytes=abc", "pages=1-2"] {
        let r = client.get(&url).header("Range", odd).send().await.unwrap();
        assert_eq!(r.status(), 200, "{odd}");
        assert_eq!(r.bytes().await.unwrap().len(), len, "{odd}");
    }
    // A thumbnail takes ranges too.
    let doc: serde_json::Value = client
        .get(rig.url("/api/events"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    let thumb = rig.url(doc["events"][0]["thumbnail_url"].as_str().unwrap());
    let r = client
        .get(&thumb)
        .header("Range", "bytes=0-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(&r.bytes().await.unwrap()[..], &[0xFF, 0xD8]);

    if require("ffprobe", "ffmpeg") {
        // ffprobe over HTTP seeks (it asks for ranges) and finds the frames.
        let out = tokio::process::Command::new("ffprobe")
            .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
            .args(["-show_entries", "stream=codec_name,nb_read_frames"])
            .args(["-of", "csv=p=0", &url])
            .env_remove("http_proxy")
            .env_remove("HTTP_PROXY")
            .output()
            .await
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.trim().starts_with("mjpeg,"), "{text}");
    }
    rig.stop().await;
}
