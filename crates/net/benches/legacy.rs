//! How long vigie's safe pickle reader takes to read one legacy frame: a
//! 640×480 JPEG of about 60 KB, pickled the way the report's client did
//! (protocol 0) and the way a current Python does by default (protocol 5).
//!
//! ```text
//! cargo bench -p vigie-net --bench legacy
//! ```
//!
//! Protocol 0 is text (each byte a latin-1 character, some escaped), so it
//! must be unescaped into a new buffer; protocol 5 carries the bytes as they
//! are, and `decode_bytes` hands out a slice of the message without copying.

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vigie_core::{jpeg, PixelFormat};
use vigie_net::legacy::{self, LegacyImage};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;

/// A deterministic picture with enough texture (a gradient plus noise from a
/// small LCG) to make a JPEG of about 60 KB at quality 90.
fn picture() -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut px = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let noise = ((state >> 59) as u32) as i32 - 16; // -16..16
            let base = [x * 255 / WIDTH, y * 255 / HEIGHT, (x + y) % 256];
            for c in base {
                px.push((c as i32 + noise).clamp(0, 255) as u8);
            }
        }
    }
    px
}

/// Replaces the picture inside the numpy 2 protocol 5 fixture (a writable
/// 1-D array, written as `BYTEARRAY8` inside one `FRAME`) with `data`: the
/// bytes Python writes for `pickle.dumps(array, 5)` of a JPEG under 64 KiB.
fn protocol5(data: &[u8]) -> Vec<u8> {
    let fixture = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/legacy/np2.4.6-p5-jpeg.pkl"
    ))
    .expect("fixtures/legacy/np2.4.6-p5-jpeg.pkl");
    // Offsets from `python -m pickletools`: FRAME at 2, BYTEARRAY8 at 50
    // (683 bytes of JPEG from 59), BININT2 with the shape at 797.
    const ARRAY: usize = 50;
    const OLD_LEN: usize = 683;
    assert_eq!(fixture[2], 0x95, "FRAME");
    assert_eq!(fixture[ARRAY], 0x96, "BYTEARRAY8");
    let tail = &fixture[ARRAY + 9 + OLD_LEN..];
    assert_eq!(tail[55], b'M', "BININT2");
    let shape = u16::try_from(data.len()).expect("a JPEG under 64 KiB");
    let mut out = fixture[..ARRAY].to_vec();
    out.push(0x96);
    out.extend_from_slice(&(data.len() as u64).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(tail);
    let shape_at = out.len() - tail.len() + 56;
    out[shape_at..shape_at + 2].copy_from_slice(&shape.to_le_bytes());
    let frame_len = (out.len() - 11) as u64;
    out[3..11].copy_from_slice(&frame_len.to_le_bytes());
    out
}

fn bench_decode(c: &mut Criterion) {
    let mut jpeg = jpeg::encode(&picture(), WIDTH, HEIGHT, PixelFormat::Rgb8, 90).unwrap();
    // Cut to 60 000 bytes: under 64 KiB, so that protocol 5 keeps it in one
    // frame. The pickle reader does not look inside the JPEG.
    jpeg.truncate(60_000);
    let mut p0 = Vec::new();
    legacy::encode_jpeg(&jpeg, &mut p0);
    let p5 = protocol5(&jpeg);
    let inputs = [
        ("protocol0", Bytes::from(p0)),
        ("protocol5", Bytes::from(p5)),
    ];
    let mut group = c.benchmark_group("legacy_decode");
    for (name, input) in &inputs {
        match legacy::decode_bytes(input).expect("the pickle decodes") {
            LegacyImage::Jpeg(data) => assert_eq!(&data[..], &jpeg[..], "{name}"),
            other => panic!("{name}: {other:?}"),
        }
        eprintln!(
            "{name}: {} bytes of pickle for {} bytes of JPEG",
            input.len(),
            jpeg.len()
        );
        group.throughput(Throughput::Bytes(jpeg.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| legacy::decode_bytes(black_box(input)).unwrap())
        });
    }
    group.finish();
    // The real fixtures (tiny: 16×12 JPEG), for the fixed cost per message.
    let mut group = c.benchmark_group("legacy_decode_fixture");
    for p in 0..=5 {
        let path = format!(
            "{}/../../fixtures/legacy/np2.4.6-p{p}-jpeg.pkl",
            env!("CARGO_MANIFEST_DIR")
        );
        let input = Bytes::from(std::fs::read(&path).expect("a legacy fixture"));
        group.bench_function(format!("np2-protocol{p}"), |b| {
            b.iter(|| legacy::decode_bytes(black_box(&input)).unwrap())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench_decode
}
criterion_main!(benches);
