//! The server with real sockets on loopback: many cameras, and every kind
//! of bad peer next to healthy ones.

mod common;

use std::time::Duration;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;
use vigie_core::pack;
use vigie_hub::CameraState;
use vigie_net::protocol::{self, ClientMessage, Hello, Refusal, ServerMessage, MAGIC};
use vigie_net::{Error, Protocol, ServerConfig};

fn hello(name: &str) -> Hello {
    Hello {
        version: protocol::VERSION,
        camera: name.into(),
        width: 64,
        height: 48,
        format: vigie_core::PixelFormat::Jpeg,
        fps: 10.0,
        token: None,
    }
}

/// Opens a native connection and says hello by hand.
async fn raw_hello(addr: std::net::SocketAddr, h: Hello) -> (TcpStream, ServerMessage) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut out = MAGIC.to_vec();
    protocol::encode_client(&ClientMessage::Hello(h), &mut out).unwrap();
    s.write_all(&out).await.unwrap();
    let mut len = [0; 4];
    s.read_exact(&mut len).await.unwrap();
    let mut body = vec![0; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut body).await.unwrap();
    (s, protocol::decode_server(&body).unwrap())
}

/// Reads until the server closes the connection (or 30 s pass).
async fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut buf = [0; 1024];
    let read_all = async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return true,
                Ok(_) => continue, // heartbeats
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read_all)
        .await
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_cameras_at_once_native_and_legacy() {
    let server = start_server(quick_config(), 128).await;
    let stop = CancellationToken::new();
    let clients: Vec<_> = (0..64)
        .map(|i| {
            let mut config = client_config(server.addr, 5.0);
            if i % 4 == 0 {
                config.protocol = Protocol::Legacy;
            }
            spawn_camera(config, &format!("cam{i:02}"), stop.clone())
        })
        .collect();
    eventually("64 cameras sending", || {
        let views = server.registry.snapshot();
        views.len() == 64 && views.iter().all(|v| v.stats.frames >= 3)
    })
    .await;
    assert_eq!(server.registry.connected(), 64);
    let legacy = server
        .registry
        .snapshot()
        .iter()
        .filter(|v| v.origin.link() == Protocol::Legacy.label())
        .count();
    assert_eq!(legacy, 16);
    stop.cancel();
    for c in clients {
        let summary = c.await.unwrap().unwrap();
        assert!(summary.frames_sent >= 3);
    }
    eventually("all said goodbye", || server.registry.connected() == 0).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_peer_is_dropped_and_others_never_notice() {
    let server = start_server(quick_config(), 8).await;
    let stop = CancellationToken::new();
    let healthy = spawn_camera(client_config(server.addr, 20.0), "healthy", stop.clone());

    let (mut stalled, answer) = raw_hello(server.addr, hello("stalled")).await;
    assert!(matches!(answer, ServerMessage::Accept(_)));
    // Half a frame: a prefix announcing 1000 bytes, then only 10 of them.
    stalled.write_all(&1000u32.to_be_bytes()).await.unwrap();
    stalled.write_all(&[2; 10]).await.unwrap();

    assert!(
        closed_by_server(&mut stalled).await,
        "the stalled peer was never dropped"
    );
    assert_eq!(
        server.camera("stalled").unwrap().state,
        CameraState::Offline
    );
    let before = server.frames_of("healthy");
    eventually("healthy camera keeps flowing", || {
        server.frames_of("healthy") > before + 5
    })
    .await;
    assert!(server.is_online("healthy"));
    stop.cancel();
    healthy.await.unwrap().unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_hostile_lengths_drop_only_their_peer() {
    let server = start_server(quick_config(), 8).await;
    let stop = CancellationToken::new();
    let healthy = spawn_camera(client_config(server.addr, 20.0), "healthy", stop.clone());
    eventually("healthy connected", || server.frames_of("healthy") > 0).await;

    // A length of u32::MAX, as a legacy client or after the magic.
    let mut hostile = TcpStream::connect(server.addr).await.unwrap();
    hostile.write_all(&[0xFF; 4]).await.unwrap();
    assert!(closed_by_server(&mut hostile).await);

    let (mut native, _) = raw_hello(server.addr, hello("liar")).await;
    native.write_all(&u32::MAX.to_be_bytes()).await.unwrap();
    assert!(closed_by_server(&mut native).await);

    // Plain garbage that parses as a small length, then is not a pickle.
    let mut garbage = TcpStream::connect(server.addr).await.unwrap();
    let mut junk = Vec::new();
    pack::pack(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", &mut junk).unwrap();
    garbage.write_all(&junk).await.unwrap();
    assert!(closed_by_server(&mut garbage).await);

    // A native frame that does not decode.
    let (mut bad_frame, _) = raw_hello(server.addr, hello("bad-frame")).await;
    let mut msg = Vec::new();
    pack::pack(&[0x02, 0xFF, 0xFF, 0xFF], &mut msg).unwrap();
    bad_frame.write_all(&msg).await.unwrap();
    assert!(closed_by_server(&mut bad_frame).await);

    let before = server.frames_of("healthy");
    eventually("healthy camera keeps flowing", || {
        server.frames_of("healthy") > before + 5
    })
    .await;
    stop.cancel();
    healthy.await.unwrap().unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_name_is_refused_with_a_reason() {
    let server = start_server(quick_config(), 8).await;
    let (_first, answer) = raw_hello(server.addr, hello("porte")).await;
    assert!(matches!(answer, ServerMessage::Accept(_)));
    let (_second, answer) = raw_hello(server.addr, hello("porte")).await;
    assert_eq!(
        answer,
        ServerMessage::Refuse(Refusal::NameInUse("porte".into()))
    );

    let mut old = hello("x");
    old.version = 99;
    let (_third, answer) = raw_hello(server.addr, old).await;
    assert!(matches!(
        answer,
        ServerMessage::Refuse(Refusal::VersionMismatch { client: 99, .. })
    ));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_server_refuses_the_next_camera() {
    let server = start_server(quick_config(), 1).await;
    // A hello alone takes no place: only a camera that sent a frame does.
    let (_idle, answer) = raw_hello(server.addr, hello("idle")).await;
    assert!(matches!(answer, ServerMessage::Accept(_)));
    let stop = CancellationToken::new();
    let one = spawn_camera(client_config(server.addr, 20.0), "one", stop.clone());
    eventually("one streams", || server.frames_of("one") > 0).await;
    let (_second, answer) = raw_hello(server.addr, hello("two")).await;
    assert_eq!(
        answer,
        ServerMessage::Refuse(Refusal::ServerFull { max: 1 })
    );
    stop.cancel();
    one.await.unwrap().unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporarily_refused_client_keeps_trying() {
    let server = start_server(quick_config(), 8).await;
    let (_holder, _) = raw_hello(server.addr, hello("taken")).await;
    // NameInUse is temporary: the client keeps trying until stopped.
    let stop = CancellationToken::new();
    let client = spawn_camera(client_config(server.addr, 10.0), "taken", stop.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!client.is_finished(), "a temporary refusal must be retried");
    stop.cancel();
    let summary = client.await.unwrap().unwrap();
    assert_eq!(summary.connections, 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_reconnects_after_a_server_restart() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = start_on(listener, quick_config(), 8);
    let stop = CancellationToken::new();
    let client = spawn_camera(client_config(addr, 20.0), "phoenix", stop.clone());
    eventually("first frames", || server.frames_of("phoenix") > 3).await;
    server.stop().await;

    // Same port, new server: the client finds it again by itself.
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let server = start_on(listener, quick_config(), 8);
    eventually("frames flow again", || server.frames_of("phoenix") > 3).await;
    stop.cancel();
    let summary = client.await.unwrap().unwrap();
    assert!(summary.connections >= 2, "{summary:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dns_failure_is_reported_and_retried() {
    let stop = CancellationToken::new();
    let mut config = client_config("127.0.0.1:1".parse().unwrap(), 10.0);
    config.server = "no-such-host.invalid:8485".into();
    let client = spawn_camera(config, "lost", stop.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!client.is_finished());
    stop.cancel();
    assert_eq!(client.await.unwrap().unwrap().connections, 0);
    // The error itself names the host.
    let e = Error::Resolve {
        host: "no-such-host.invalid:8485".into(),
        source: std::io::Error::other("failure in name resolution"),
    };
    assert!(e.to_string().contains("no-such-host.invalid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_peer_is_dropped_after_the_hello_timeout() {
    let server = start_server(quick_config(), 8).await;
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    assert!(closed_by_server(&mut silent).await);
    // Magic but no hello: the same.
    let mut shy = TcpStream::connect(server.addr).await.unwrap();
    shy.write_all(&MAGIC).await.unwrap();
    assert!(closed_by_server(&mut shy).await);
    assert!(server.registry.snapshot().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pending_pool_drops_its_oldest_connection() {
    let config = ServerConfig {
        max_pending: 2,
        hello_timeout: Duration::from_secs(60),
        ..quick_config()
    };
    let server = start_server(config, 8).await;
    let mut oldest = TcpStream::connect(server.addr).await.unwrap();
    let mut said_hello = TcpStream::connect(server.addr).await.unwrap();
    let mut hello_bytes = MAGIC.to_vec();
    protocol::encode_client(&ClientMessage::Hello(hello("h")), &mut hello_bytes).unwrap();
    said_hello.write_all(&hello_bytes).await.unwrap();
    eventually("the hello is taken", || server.camera("h").is_some()).await;
    let _newcomer = TcpStream::connect(server.addr).await.unwrap();
    // The newcomer pushed out the oldest silent one, not the one that said hello.
    assert!(closed_by_server(&mut oldest).await);
    let mut buf = [0; 64];
    let still_open =
        tokio::time::timeout(Duration::from_millis(300), said_hello.read(&mut buf)).await;
    assert!(
        !matches!(still_open, Ok(Ok(0))),
        "the connection that said hello went before a silent one"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn camera_connections_above_the_limit_are_refused_at_their_first_frame() {
    let config = ServerConfig {
        max_connections: 1,
        ..quick_config()
    };
    let server = start_server(config, 8).await;
    let stop = CancellationToken::new();
    let a = spawn_camera(client_config(server.addr, 20.0), "a", stop.clone());
    eventually("a streams", || server.frames_of("a") > 0).await;
    let (mut b, answer) = raw_hello(server.addr, hello("b")).await;
    assert!(matches!(answer, ServerMessage::Accept(_)));
    let header = vigie_core::FrameHeader {
        camera: "b".into(),
        sequence: 0,
        captured_at_us: 0,
        width: 1,
        height: 1,
        format: vigie_core::PixelFormat::Gray8,
    };
    let frame = vigie_core::Frame::new(header, vec![0]).unwrap();
    let mut msg = Vec::new();
    protocol::encode_client(&ClientMessage::Frame(frame), &mut msg).unwrap();
    b.write_all(&msg).await.unwrap();
    assert!(closed_by_server(&mut b).await);
    assert_eq!(server.frames_of("b"), 0);
    assert_eq!(server.registry.connected(), 1);
    stop.cancel();
    a.await.unwrap().unwrap();
    server.stop().await;
}
