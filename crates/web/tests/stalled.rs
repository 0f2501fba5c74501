//! Viewers that stop reading, against a real server on loopback: they are
//! closed after the write deadline, and while they wait for it they cannot
//! keep a new viewer out. A full house of viewers that do read gets a
//! clean 503 instead.

mod common;

use std::time::{Duration, Instant};

use common::raw::{exchange, get, stalled, websocket};
use common::{start, wait_for_async, Format, Rig};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use vigie_web::WebConfig;

/// The live viewers of `kind` (`mjpeg` or `websocket`), from `/metrics`.
async fn viewers(rig: &Rig, kind: &str) -> u64 {
    let (status, text) = exchange(rig.http, &get("/metrics", &rig.http.to_string())).await;
    assert_eq!(status, 200, "{text}");
    let wanted = format!("http_viewers{{kind=\"{kind}\"}}");
    text.lines()
        .find(|l| l.contains(&wanted))
        .and_then(|l| l.split_whitespace().last()?.parse().ok())
        .unwrap_or(0)
}

/// Reads what the server had sent before it closed `stream`: the end comes,
/// after a bounded number of bytes (a server that had kept the stream
/// would go on sending as soon as we read).
async fn drained_bytes(mut stream: TcpStream) -> usize {
    let mut total = 0;
    let mut buf = vec![0; 64 * 1024];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("the server closed the connection: its end comes at once");
        match read {
            Ok(0) | Err(_) => return total,
            Ok(n) => total += n,
        }
        assert!(total < 8 << 20, "the stream goes on: it was not closed");
    }
}

#[tokio::test]
async fn readers_that_stop_reading_are_closed_after_the_write_deadline() {
    let rig = start(WebConfig {
        write_timeout: Duration::from_secs(1),
        ..WebConfig::default()
    })
    .await;
    let _camera = rig.camera("salon", 640, 480, 15.0, Format::Jpeg);
    rig.wait_frames("salon", 2).await;
    let host = rig.http.to_string();
    let mut readers = Vec::new();
    for _ in 0..3 {
        let mjpeg = get("/cameras/salon/stream.mjpg", &host);
        readers.push(stalled(rig.http, &mjpeg).await);
        readers.push(stalled(rig.http, &websocket(&host, None)).await);
    }
    wait_for_async("the six viewers counted", || async {
        let both = (
            viewers(&rig, "mjpeg").await,
            viewers(&rig, "websocket").await,
        );
        (both == (3, 3)).then_some(())
    })
    .await;
    // Their buffers fill within a few frames, then the deadline runs.
    wait_for_async("every stalled viewer closed", || async {
        let both = (
            viewers(&rig, "mjpeg").await,
            viewers(&rig, "websocket").await,
        );
        (both == (0, 0)).then_some(())
    })
    .await;
    for reader in readers {
        drained_bytes(reader).await;
    }
    // A viewer that reads is still served.
    let parts = common::read_parts(&rig.url("/cameras/salon/stream.mjpg"), 3).await;
    assert_eq!(parts.len(), 3);
    rig.stop().await;
}

#[tokio::test]
async fn stalled_readers_give_their_slots_to_new_viewers() {
    let rig = start(WebConfig {
        max_connections: 8,
        // Longer than the test: the slots are freed by eviction alone.
        write_timeout: Duration::from_secs(120),
        ..WebConfig::default()
    })
    .await;
    let _camera = rig.camera("salon", 640, 480, 15.0, Format::Jpeg);
    rig.wait_frames("salon", 2).await;
    let host = rig.http.to_string();
    let mut readers = Vec::new();
    for _ in 0..8 {
        readers.push(stalled(rig.http, &get("/cameras/salon/stream.mjpg", &host)).await);
    }
    // Every slot is taken: wait until the readers have stalled for the
    // time after which they give way, then one request gets its answer.
    tokio::time::sleep(vigie_web::EVICT_AFTER + Duration::from_secs(2)).await;
    let began = Instant::now();
    let answer = wait_for_async("a new viewer served", || async {
        let (status, text) = exchange(rig.http, &get("/api/cameras", &host)).await;
        (status == 200).then_some(text)
    })
    .await;
    println!("a new viewer got 200 after {:?}", began.elapsed());
    assert!(answer.contains("salon"));
    assert!(
        viewers(&rig, "mjpeg").await < 8,
        "a stalled reader was closed"
    );
    drop(readers);
    rig.stop().await;
}

#[tokio::test]
async fn a_full_house_of_live_connections_refuses_newcomers_with_503() {
    let rig = start(WebConfig {
        max_connections: 4,
        ..WebConfig::default()
    })
    .await;
    let host = rig.http.to_string();
    // Connections that wait for nothing to be written are never stalled.
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(rig.http).await.unwrap());
    }
    let (status, text) = exchange(rig.http, &get("/api/cameras", &host)).await;
    assert_eq!(status, 503, "{text}");
    assert!(
        text.to_ascii_lowercase().contains("retry-after: 5"),
        "{text}"
    );
    idle.pop();
    let (status, _) = wait_for_async("a slot given back", || async {
        let answer = exchange(rig.http, &get("/api/cameras", &host)).await;
        (answer.0 == 200).then_some(answer)
    })
    .await;
    assert_eq!(status, 200);
    drop(idle);
    rig.stop().await;
}
