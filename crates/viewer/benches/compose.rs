//! How long one redraw takes: 1, 4 and 9 test-pattern cameras of 640×480
//! composed into 1280×720 and 1920×1080 windows. At 9 cameras × 15 fps the
//! window redraws up to 135 times a second in the worst case, so a compose
//! must stay well under 7 ms for the viewer to keep up on one core.
//!
//! `cargo bench -p vigie-viewer --bench compose`

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use vigie_camera::TestPattern;
use vigie_viewer::compose::{compose, Composer, Picture, Screen, Tile, TileState, ViewMode};

fn tiles(n: usize) -> Vec<Tile> {
    (0..n)
        .map(|i| {
            let name = format!("camera-{i}");
            let frame = TestPattern::new(&name, 640, 480, 15.0)
                .unwrap()
                .render(i as u64, 1_795_509_000_250_000);
            let picture = Picture {
                width: 640,
                height: 480,
                rgb: frame.payload().to_vec(),
            };
            Tile {
                name,
                state: TileState::Online,
                picture: Some(Arc::new(picture)),
                source_size: Some((640, 480)),
                fps: 15.0,
                latency: Some(Duration::from_millis(12)),
                last_frame_age: Some(Duration::from_millis(40)),
                ..Tile::default()
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("compose");
    for (w, h) in [(1280u32, 720u32), (1920, 1080)] {
        let mut frame = vec![0u8; w as usize * h as usize * 4];
        for n in [1, 4, 9] {
            let tiles = tiles(n);
            let scene = Screen {
                tiles: &tiles,
                mode: ViewMode::Grid,
                listen_port: 8485,
                listen_addresses: &[],
            };
            let mut composer = Composer::new();
            group.bench_function(format!("{n} tiles {w}x{h}"), |b| {
                b.iter(|| composer.compose(black_box(&mut frame), w, h, black_box(&scene)))
            });
            if n == 9 {
                // The free function, which allocates its buffers each call.
                group.bench_function(format!("{n} tiles {w}x{h}, no reuse"), |b| {
                    b.iter(|| compose(black_box(&mut frame), w, h, black_box(&scene)))
                });
            }
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
