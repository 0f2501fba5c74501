//! The page's feed: one WebSocket carrying every camera.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{jpeg_size, start, Format};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use vigie_web::WebConfig;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next(ws: &mut Socket) -> Message {
    tokio::time::timeout(Duration::from_secs(30), ws.next())
        .await
        .expect("a message within 30 s")
        .expect("the socket stays open")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_socket_carries_every_camera_and_the_state() {
    let rig = start(WebConfig::default()).await;
    let names = ["cour", "entree", "garage", "salon"];
    for (i, name) in names.iter().enumerate() {
        let format = if i % 2 == 0 {
            Format::Jpeg
        } else {
            Format::Raw
        };
        rig.camera(name, 64 + 16 * i as u32, 48, 15.0, format);
    }
    for name in names {
        rig.wait_frames(name, 1).await;
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", rig.http))
        .await
        .unwrap();
    let mut state_seen = false;
    let mut pictures = HashSet::new();
    let mut frames = 0;
    while !(state_seen && pictures.len() == names.len() && frames >= 12) {
        match next(&mut ws).await {
            Message::Text(text) => {
                let doc: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(doc["type"], "state");
                assert_eq!(doc["cameras"].as_array().unwrap().len(), 4);
                assert_eq!(doc["cameras"][0]["name"], "cour");
                state_seen = true;
            }
            Message::Binary(data) => {
                assert_eq!(data[0], 1, "a frame message");
                let len = data[1] as usize;
                let name = std::str::from_utf8(&data[2..2 + len]).unwrap().to_owned();
                let i = names
                    .iter()
                    .position(|n| *n == name)
                    .expect("a known camera");
                assert_eq!(jpeg_size(&data[2 + len..]), (64 + 16 * i as u32, 48));
                // Say it was drawn, so that the next one comes.
                ws.send(Message::text(name.clone())).await.unwrap();
                pictures.insert(name);
                frames += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let viewers = common::http_client()
        .get(rig.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(viewers.contains("vigie_http_viewers{kind=\"websocket\"} 1"));
    ws.close(None).await.unwrap();
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_does_not_answer_gets_no_backlog() {
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 64, 48, 30.0, Format::Jpeg);
    rig.wait_frames("salon", 1).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", rig.http))
        .await
        .unwrap();
    // Never acknowledge: one picture, then only state messages until the
    // acknowledgement times out (3 s), whatever the camera sends meanwhile.
    let mut pictures = 0;
    let until = tokio::time::Instant::now() + Duration::from_millis(2000);
    while tokio::time::Instant::now() < until {
        let Ok(Some(message)) = tokio::time::timeout_at(until, ws.next()).await else {
            break;
        };
        if message.unwrap().is_binary() {
            pictures += 1;
        }
    }
    assert_eq!(pictures, 1);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_server_says_which_port_cameras_use() {
    let rig = start(WebConfig {
        listen_port_for_display: 9999,
        ..WebConfig::default()
    })
    .await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", rig.http))
        .await
        .unwrap();
    let Message::Text(text) = next(&mut ws).await else {
        panic!("the state comes first");
    };
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["cameras"], serde_json::json!([]));
    assert_eq!(doc["camera_port"], 9999);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_sites_cannot_open_the_feed() {
    let rig = start(WebConfig::default()).await;
    let mut request = format!("ws://{}/ws", rig.http)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(request).await.unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");
    // The page's own origin is fine.
    let mut request = format!("ws://{}/ws", rig.http)
        .into_client_request()
        .unwrap();
    let origin = format!("http://{}", rig.http);
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    tokio_tungstenite::connect_async(request).await.unwrap();
    rig.stop().await;
}
