//! A page that shows some cameras asks for those only: over its WebSocket
//! (`{"select": [...]}`, `{"select": null}` for all again) or from the
//! start (`/ws?cameras=a,b`). Frames of the others stop; the state
//! document still lists every camera.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{start, Format};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use vigie_web::WebConfig;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const NAMES: [&str; 3] = ["cour", "garage", "salon"];

/// Reads until `frames` frames came, answering each like the page does;
/// returns how many came from each camera, and the cameras of the last
/// state document.
async fn count(ws: &mut Socket, frames: usize) -> (HashMap<String, usize>, usize) {
    let mut counts = HashMap::new();
    let mut listed = 0;
    let mut total = 0;
    while total < frames {
        let message = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .expect("a message within 30 s")
            .expect("the socket stays open")
            .unwrap();
        match message {
            Message::Binary(data) => {
                let len = data[1] as usize;
                let name = std::str::from_utf8(&data[2..2 + len]).unwrap().to_owned();
                ws.send(Message::text(name.clone())).await.unwrap();
                *counts.entry(name).or_default() += 1;
                total += 1;
            }
            Message::Text(text) => {
                let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                listed = doc["cameras"].as_array().unwrap().len();
            }
            _ => {}
        }
    }
    (counts, listed)
}

async fn rig_with_cameras() -> common::Rig {
    let rig = start(WebConfig::default()).await;
    for name in NAMES {
        rig.camera(name, 64, 48, 15.0, Format::Jpeg);
    }
    for name in NAMES {
        rig.wait_frames(name, 2).await;
    }
    rig
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_select_message_narrows_the_feed_and_null_widens_it() {
    let rig = rig_with_cameras().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", rig.http))
        .await
        .unwrap();
    let (all, _) = count(&mut ws, 30).await;
    assert_eq!(all.len(), 3, "every camera at first: {all:?}");

    ws.send(Message::text(r#"{"select": ["garage"]}"#))
        .await
        .unwrap();
    // Frames already sent before the message may still arrive: skip a few.
    count(&mut ws, 6).await;
    let (solo, listed) = count(&mut ws, 30).await;
    assert_eq!(solo.keys().collect::<Vec<_>>(), ["garage"], "{solo:?}");
    // The captions still know every camera.
    let (_, listed) = if listed == 0 {
        count(&mut ws, 20).await
    } else {
        (solo, listed)
    };
    assert_eq!(listed, 3);

    ws.send(Message::text(r#"{"select": null}"#)).await.unwrap();
    let (back, _) = count(&mut ws, 40).await;
    assert_eq!(back.len(), 3, "all again: {back:?}");
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_selects_from_the_start_and_odd_selections_are_harmless() {
    let rig = rig_with_cameras().await;
    let url = format!("ws://{}/ws?cameras=cour,salon,nobody", rig.http);
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let (two, _) = count(&mut ws, 30).await;
    let mut names: Vec<_> = two.keys().cloned().collect();
    names.sort();
    assert_eq!(names, ["cour", "salon"]);
    // Not a selection (bad JSON, a camera's name that looks like JSON):
    // taken as an answer, harmless.
    for odd in [r#"{"select": 5}"#, r#"{"select""#] {
        ws.send(Message::text(odd)).await.unwrap();
    }
    let (after, _) = count(&mut ws, 10).await;
    assert!(
        after.keys().all(|n| n == "cour" || n == "salon"),
        "{after:?}"
    );
    // A huge list is cut to what a server can hold; then one camera.
    let huge = format!(r#"{{"select": [{}]}}"#, vec![r#""x""#; 5000].join(","));
    ws.send(Message::text(huge)).await.unwrap();
    ws.send(Message::text(r#"{"select": ["garage"]}"#))
        .await
        .unwrap();
    count(&mut ws, 6).await;
    let (solo, _) = count(&mut ws, 10).await;
    assert_eq!(solo.keys().collect::<Vec<_>>(), ["garage"], "{solo:?}");
    rig.stop().await;
}
