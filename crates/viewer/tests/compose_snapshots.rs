//! What the viewer's window shows, as PNG snapshots: composing is a pure
//! function, so each situation a user can meet is one picture under
//! `tests/snapshots/`, reviewed like code (`cargo insta review` shows the
//! old and the new side by side when a change moves a pixel).
//!
//! The pictures are test-pattern frames with fixed sequence numbers and
//! capture times, and every duration is given, so nothing here depends on
//! the clock.

use std::sync::Arc;
use std::time::Duration;

use vigie_camera::TestPattern;
use vigie_core::png;
use vigie_viewer::compose::{compose, Picture, Screen, Tile, TileState, ViewMode};

// 2026-11-24 08:30:00.250 UTC
const MORNING_US: u64 = 1_795_509_000_250_000;
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;

fn picture(name: &str, width: u32, height: u32, sequence: u64) -> Arc<Picture> {
    let frame = TestPattern::new(name, width, height, 15.0)
        .unwrap()
        .render(sequence, MORNING_US + sequence * 66_666);
    Arc::new(Picture {
        width,
        height,
        rgb: frame.payload().to_vec(),
    })
}

/// A live camera of `width × height`, its figures derived from its index so
/// that every tile reads differently.
fn camera(i: u64, name: &str, width: u32, height: u32) -> Tile {
    Tile {
        name: name.to_owned(),
        state: TileState::Online,
        picture: Some(picture(name, width, height, 40 * i + 7)),
        source_size: Some((width, height)),
        fps: 15.0 - i as f64 * 0.4,
        latency: Some(Duration::from_millis(8 + 3 * i)),
        last_frame_age: Some(Duration::from_millis(30 + 20 * i)),
        ..Tile::default()
    }
}

fn render(
    width: u32,
    height: u32,
    tiles: &[Tile],
    mode: ViewMode,
    addresses: &[String],
) -> Vec<u8> {
    let mut frame = vec![0u8; width as usize * height as usize * 4];
    let scene = Screen {
        tiles,
        mode,
        listen_port: 8485,
        listen_addresses: addresses,
    };
    compose(&mut frame, width, height, &scene);
    png::encode(&frame, width, height, 4).unwrap()
}

fn grid(tiles: &[Tile]) -> Vec<u8> {
    render(WIDTH, HEIGHT, tiles, ViewMode::Grid, &[])
}

const NAMES: [&str; 9] = [
    "entrée", "jardin", "garage", "salon", "cuisine", "couloir", "bureau", "cave", "portail",
];
const SIZES: [(u32, u32); 9] = [
    (640, 480),
    (320, 240),
    (1280, 720),
    (480, 640),
    (640, 360),
    (800, 600),
    (352, 288),
    (640, 480),
    (1920, 1080),
];

fn cameras(n: usize) -> Vec<Tile> {
    (0..n)
        .map(|i| camera(i as u64, NAMES[i], SIZES[i].0, SIZES[i].1))
        .collect()
}

#[test]
fn grid_of_1() {
    insta::assert_binary_snapshot!("grid_1.png", grid(&cameras(1)));
}

#[test]
fn grid_of_4() {
    insta::assert_binary_snapshot!("grid_4.png", grid(&cameras(4)));
}

#[test]
fn grid_of_9_with_motion_and_recording() {
    let mut tiles = cameras(9);
    tiles[4].motion = true;
    tiles[4].recording = true;
    tiles[8].recording = true;
    insta::assert_binary_snapshot!("grid_9.png", grid(&tiles));
}

#[test]
fn solo() {
    let tiles = cameras(4);
    let png = render(WIDTH, HEIGHT, &tiles, ViewMode::Solo(2), &[]);
    insta::assert_binary_snapshot!("solo.png", png);
}

/// Live, stale, offline and not started yet, side by side: the three that
/// are not live must each say so on the tile.
#[test]
fn grid_with_stale_offline_and_waiting() {
    let mut tiles = cameras(4);
    tiles[1].state = TileState::Stale {
        for_: Duration::from_secs(3),
    };
    tiles[1].fps = 0.0;
    tiles[1].last_frame_age = Some(Duration::from_millis(3400));
    tiles[2].state = TileState::Offline {
        for_: Duration::from_secs(125),
    };
    tiles[2].fps = 0.0;
    tiles[2].last_frame_age = Some(Duration::from_secs(135));
    tiles[3].picture = None;
    tiles[3].fps = 0.0;
    tiles[3].latency = None;
    tiles[3].last_frame_age = None;
    insta::assert_binary_snapshot!("grid_states.png", grid(&tiles));
}

/// A small window: captions drop their last fields instead of overflowing.
#[test]
fn small_window() {
    let mut tiles = cameras(4);
    tiles[3].state = TileState::Offline {
        for_: Duration::from_secs(12),
    };
    tiles[3].fps = 0.0;
    tiles[3].last_frame_age = Some(Duration::from_millis(12_400));
    let png = render(480, 300, &tiles, ViewMode::Grid, &[]);
    insta::assert_binary_snapshot!("small_window.png", png);
}

#[test]
fn empty_server() {
    let addresses = ["192.168.1.20".to_owned(), "10.0.0.5".to_owned()];
    let png = render(WIDTH, HEIGHT, &[], ViewMode::Grid, &addresses);
    insta::assert_binary_snapshot!("empty.png", png);
}
