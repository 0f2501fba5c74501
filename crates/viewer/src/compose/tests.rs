//! Whole-window tests: any input gives opaque pixels and never a panic.
//! The pictures themselves are checked by the PNG snapshots in
//! `tests/compose_snapshots.rs`.

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;

use super::*;

fn gradient(width: u32, height: u32) -> Arc<Picture> {
    let rgb = (0..width * height)
        .flat_map(|i| [(i % 251) as u8, (i % 13) as u8 * 19, 200])
        .collect();
    Arc::new(Picture { width, height, rgb })
}

fn tile(name: &str, state: TileState, picture: Option<Arc<Picture>>) -> Tile {
    Tile {
        name: name.into(),
        state,
        picture,
        fps: 15.0,
        latency: Some(Duration::from_millis(12)),
        last_frame_age: Some(Duration::from_millis(80)),
        ..Tile::default()
    }
}

fn render(width: u32, height: u32, tiles: &[Tile], mode: ViewMode) -> Vec<u8> {
    let mut frame = vec![0u8; width as usize * height as usize * 4];
    let addresses = ["192.168.1.20".to_owned()];
    let scene = Screen {
        tiles,
        mode,
        listen_port: 8485,
        listen_addresses: &addresses,
    };
    compose(&mut frame, width, height, &scene);
    frame
}

fn all_opaque(frame: &[u8]) -> bool {
    frame.chunks_exact(4).all(|p| p[3] == 255)
}

#[test]
fn zero_size_or_wrong_buffer_draws_nothing() {
    let tiles = [tile("a", TileState::Online, Some(gradient(8, 8)))];
    let scene = Screen {
        tiles: &tiles,
        mode: ViewMode::Grid,
        listen_port: 8485,
        listen_addresses: &[],
    };
    for (w, h, len) in [(0, 10, 0), (10, 0, 0), (0, 0, 16), (4, 4, 63), (4, 4, 65)] {
        let mut frame = vec![1u8; len];
        compose(&mut frame, w, h, &scene);
        assert!(frame.iter().all(|&b| b == 1), "{w}×{h} in {len} bytes");
    }
    // Sizes whose byte count overflows must not wrap around to a match.
    compose(&mut [], u32::MAX, u32::MAX, &scene);
}

#[test]
fn every_pixel_is_opaque() {
    let tiles: Vec<Tile> = (0..5)
        .map(|i| {
            tile(
                &format!("cam{i}"),
                TileState::Online,
                Some(gradient(64, 48)),
            )
        })
        .collect();
    assert!(all_opaque(&render(320, 200, &tiles, ViewMode::Grid)));
    assert!(all_opaque(&render(320, 200, &[], ViewMode::Grid)));
}

#[test]
fn solo_out_of_range_is_the_grid() {
    let tiles: Vec<Tile> = (0..3)
        .map(|i| {
            tile(
                &format!("cam{i}"),
                TileState::Online,
                Some(gradient(32, 24)),
            )
        })
        .collect();
    assert_eq!(
        render(300, 200, &tiles, ViewMode::Solo(3)),
        render(300, 200, &tiles, ViewMode::Grid)
    );
    assert_ne!(
        render(300, 200, &tiles, ViewMode::Solo(1)),
        render(300, 200, &tiles, ViewMode::Grid)
    );
}

#[test]
fn composing_is_repeatable_and_a_composer_matches_compose() {
    let tiles = [
        tile("a", TileState::Online, Some(gradient(640, 480))),
        tile("b", TileState::Online, Some(gradient(16, 16))),
    ];
    let scene = Screen {
        tiles: &tiles,
        mode: ViewMode::Grid,
        listen_port: 8485,
        listen_addresses: &[],
    };
    let (w, h) = (400, 300);
    let mut composer = Composer::new();
    let mut first = vec![0u8; w * h * 4];
    let mut second = vec![9u8; w * h * 4];
    composer.compose(&mut first, w as u32, h as u32, &scene);
    composer.compose(&mut second, w as u32, h as u32, &scene);
    assert_eq!(first, second);
    assert_eq!(first, render(w as u32, h as u32, &tiles, ViewMode::Grid));
}

#[test]
fn an_inconsistent_picture_is_no_picture() {
    let broken = Arc::new(Picture {
        width: 640,
        height: 480,
        rgb: vec![255; 100],
    });
    let huge = Arc::new(Picture {
        width: u32::MAX,
        height: u32::MAX,
        rgb: Vec::new(),
    });
    let none = [tile("a", TileState::Online, None)];
    for picture in [broken, huge] {
        let tiles = [tile("a", TileState::Online, Some(picture))];
        assert_eq!(
            render(200, 150, &tiles, ViewMode::Grid),
            render(200, 150, &none, ViewMode::Grid)
        );
    }
    assert!(!Picture::default().is_valid());
}

#[test]
fn a_stale_camera_never_looks_live() {
    let live = [tile("a", TileState::Online, Some(gradient(64, 48)))];
    let stale = [tile(
        "a",
        TileState::Stale {
            for_: Duration::from_secs(3),
        },
        Some(gradient(64, 48)),
    )];
    let live = render(320, 240, &live, ViewMode::Grid);
    let stale = render(320, 240, &stale, ViewMode::Grid);
    // The middle row of the picture differs everywhere it shows.
    let row = 100 * 320 * 4;
    let differ = live[row..row + 320 * 4]
        .chunks(4)
        .zip(stale[row..row + 320 * 4].chunks(4))
        .filter(|(a, b)| a != b)
        .count();
    assert!(differ > 200, "{differ} pixels differ");
}

#[test]
fn odd_and_extreme_values_are_drawn() {
    let tiles = [
        Tile {
            name: String::new(),
            fps: f64::INFINITY,
            latency: Some(Duration::MAX),
            last_frame_age: Some(Duration::MAX),
            source_size: Some((u32::MAX, 0)),
            state: TileState::Offline {
                for_: Duration::MAX,
            },
            picture: Some(gradient(1, 1)),
            motion: true,
            recording: true,
        },
        Tile {
            name: "\u{0}\u{1F4F7}\n\t".repeat(40),
            picture: Some(gradient(1, 4000)),
            ..Tile::default()
        },
    ];
    for (w, h) in [(1, 1), (2, 3), (1280, 720)] {
        assert!(all_opaque(&render(w, h, &tiles, ViewMode::Grid)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_size_any_count_any_mode(
        width in 1u32..500,
        height in 1u32..400,
        count in 0usize..20,
        solo in proptest::option::of(0usize..25),
        pic_w in 1u32..90,
        pic_h in 1u32..90,
        state in 0u8..3,
    ) {
        let picture = gradient(pic_w, pic_h);
        let state = match state {
            0 => TileState::Online,
            1 => TileState::Stale { for_: Duration::from_secs(5) },
            _ => TileState::Offline { for_: Duration::from_secs(4000) },
        };
        let tiles: Vec<Tile> = (0..count)
            .map(|i| {
                let picture = (i % 3 != 0).then(|| picture.clone());
                Tile { motion: i % 2 == 0, recording: i % 4 == 1, ..tile("caméra", state, picture) }
            })
            .collect();
        let mode = solo.map_or(ViewMode::Grid, ViewMode::Solo);
        prop_assert!(all_opaque(&render(width, height, &tiles, mode)));
    }
}
