//! How long each step of vigie's pipeline takes, and which JPEG crate is
//! fastest. The figures and how to read them are in `docs/PERFORMANCE.md`.
//!
//! Run with:
//!
//! ```text
//! cargo bench -p vigie-core --bench codec
//! cargo bench -p vigie-core --bench codec -- jpeg_decode   # one group only
//! ```
//!
//! vigie's codec is `libjpeg-turbo-rs` (encode through
//! `vigie_core::jpeg::encode_into`, decode through `jpeg::decode_rgb`).
//! Beside it: the crates vigie used before (`jpeg-encoder`, `zune-jpeg`),
//! `image` and `jpeg-decoder`.
//!
//! The `scaled` group measures each scaled decode against the full decode
//! plus resize it replaces, in the same run: the window's tile (640×480
//! shown at 315×236 in a 3×3 grid of 1280×720), and an event's thumbnail
//! (160×120, encoded again). Motion's grey decode is in the `motion` bench.
//!
//! Every benchmark works on the same synthetic scene (see [`scene`]): a
//! flat-colour picture would make every JPEG codec look far faster than it is
//! on a real camera, because flat blocks compress to almost nothing.

use std::hint::black_box;
use std::io::Cursor;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use vigie_core::pack::{pack, Unpacker};
use vigie_core::transform::{mirror_in_place, Resizer};
use vigie_core::{jpeg, serialize, Frame, FrameHeader, PixelFormat};

/// The quality the report used, and vigie's default.
const QUALITY: u8 = jpeg::DEFAULT_QUALITY;

/// The two sizes compared: the report's webcam size, and 720p.
const SIZES: [(u32, u32); 2] = [(640, 480), (1280, 720)];

/// The size of the message in the pack benchmark: a typical 640×480 JPEG.
const PACK_MESSAGE_LEN: usize = 60 * 1024;

/// Brightness noise amplitude of the scene, per pixel.
const GRAIN: i32 = 3;

/// Colour noise amplitude of the scene, per channel.
const CHROMA_NOISE: i32 = 1;

/// A small linear congruential generator (Knuth's MMIX constants): enough
/// to make deterministic "sensor noise" without a dependency.
struct Lcg(u64);

impl Lcg {
    fn next_u8(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 56) as u8
    }

    /// Noise in `-amplitude..amplitude`.
    fn noise(&mut self, amplitude: i32) -> i32 {
        i32::from(self.next_u8()) * 2 * amplitude / 256 - amplitude
    }
}

/// A deterministic RGB picture that looks a little like a camera view: a sky
/// gradient, ground with texture, "buildings" with lit windows (sharp
/// edges), a striped awning (high frequencies), and noise on every pixel.
/// At quality 90 its JPEG is about 64 KB at 640×480, in the range of a real
/// webcam frame.
fn scene(width: u32, height: u32) -> Vec<u8> {
    let (w, h) = (width as i32, height as i32);
    let horizon = h * 3 / 5;
    let mut rng = Lcg(0x5EED_F00D);
    let mut px = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..h {
        for x in 0..w {
            let mut rgb = if y < horizon {
                // Sky: light blue at the horizon, deeper blue at the top.
                let t = y * 255 / horizon;
                [90 + t / 3, 140 + t / 4, 230 - t / 8]
            } else {
                // Ground: brownish green, darker towards the camera, with a
                // coarse texture.
                let t = (y - horizon) * 255 / (h - horizon);
                let texture = ((x / 3 + y / 2) % 7 - 3) * 2;
                [110 - t / 4 + texture, 120 - t / 5 + texture, 70 - t / 6]
            };
            // Three buildings of different heights and colours.
            for (i, base) in [[150, 140, 130], [90, 95, 110], [170, 120, 90]]
                .iter()
                .enumerate()
            {
                let i = i as i32;
                let left = w / 10 + i * w * 3 / 10;
                let right = left + w / 5;
                let top = horizon - h / 5 - i * h / 12 + (i % 2) * h / 8;
                if (left..right).contains(&x) && (top..horizon).contains(&y) {
                    let lit_window =
                        (x - left) % 16 > 4 && (y - top) % 20 > 6 && (x / 16 + y / 20 + i) % 3 != 0;
                    rgb = if lit_window { [250, 230, 150] } else { *base };
                }
            }
            // A striped awning: two-pixel diagonal stripes.
            if (w * 3 / 4..w * 9 / 10).contains(&x) && (horizon..horizon + h / 16).contains(&y) {
                rgb = if (x + y) / 2 % 2 == 0 {
                    [200, 30, 40]
                } else {
                    [240, 240, 240]
                };
            }
            // Sensor noise, roughly as a cheap webcam makes it: mostly in
            // brightness (the same on all channels), a little in colour.
            let grain = rng.noise(GRAIN);
            for c in rgb {
                px.push((c + grain + rng.noise(CHROMA_NOISE)).clamp(0, 255) as u8);
            }
        }
    }
    px
}

fn size_name(width: u32, height: u32) -> String {
    format!("{width}x{height}")
}

fn header(width: u32, height: u32, format: PixelFormat) -> FrameHeader {
    FrameHeader {
        camera: "bench".into(),
        sequence: 42,
        captured_at_us: 1_700_000_000_000_000,
        width,
        height,
        format,
    }
}

fn encode_with_jpeg_encoder(rgb: &[u8], width: u32, height: u32, out: &mut Vec<u8>) {
    let mut encoder = jpeg_encoder::Encoder::new(out, QUALITY);
    // 4:2:0 as the others (jpeg-encoder keeps full colour from q90 up).
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder
        .encode(
            rgb,
            width as u16,
            height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("jpeg-encoder encodes the scene");
}

fn decode_with_zune(file: &[u8]) -> Vec<u8> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGB)
        .set_strict_mode(true);
    zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(file), options)
        .decode()
        .expect("zune-jpeg decodes the scene")
}

fn encode_with_image(rgb: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode(rgb, width, height, image::ExtendedColorType::Rgb8)
        .expect("image encodes the scene");
    out
}

fn jpeg_encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("jpeg_encode");
    for (width, height) in SIZES {
        let rgb = scene(width, height);
        let size = size_name(width, height);

        // vigie's encoder, as a sender calls it, into one buffer.
        let mut out = Vec::with_capacity(256 * 1024);
        // Not timed: how big each encoder's file is, so that a faster
        // encoder is not simply one that compresses less.
        jpeg::encode_into(&rgb, width, height, PixelFormat::Rgb8, QUALITY, &mut out).unwrap();
        eprintln!(
            "jpeg_encode/{size}: quality {QUALITY}, {} {} bytes",
            jpeg::ENCODER_LIBRARY,
            out.len()
        );
        group.bench_function(BenchmarkId::new(&size, jpeg::ENCODER_LIBRARY), |b| {
            b.iter(|| {
                out.clear();
                jpeg::encode_into(
                    black_box(&rgb),
                    width,
                    height,
                    PixelFormat::Rgb8,
                    QUALITY,
                    &mut out,
                )
                .unwrap()
            })
        });
        let mut out = Vec::with_capacity(256 * 1024);
        encode_with_jpeg_encoder(&rgb, width, height, &mut out);
        eprintln!(
            "jpeg_encode/{size}: quality {QUALITY}, jpeg-encoder {} bytes",
            out.len()
        );
        group.bench_function(BenchmarkId::new(&size, "jpeg-encoder"), |b| {
            b.iter(|| {
                out.clear();
                encode_with_jpeg_encoder(black_box(&rgb), width, height, &mut out)
            })
        });
        let theirs = encode_with_image(&rgb, width, height);
        eprintln!(
            "jpeg_encode/{size}: quality {QUALITY}, image {} bytes",
            theirs.len()
        );
        group.bench_function(BenchmarkId::new(&size, "image"), |b| {
            b.iter(|| encode_with_image(black_box(&rgb), width, height))
        });
    }
    group.finish();
}

fn jpeg_decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("jpeg_decode");
    for (width, height) in SIZES {
        let rgb = scene(width, height);
        // vigie's own encoder's file.
        let file = jpeg::encode(&rgb, width, height, PixelFormat::Rgb8, QUALITY).unwrap();
        let size = size_name(width, height);

        // Not timed: all the decoders must read the same picture.
        let expected_len = rgb.len();
        assert_eq!(jpeg::decode_rgb(&file).unwrap().pixels.len(), expected_len);
        assert_eq!(decode_with_zune(&file).len(), expected_len);
        let by_image = image::load_from_memory_with_format(&file, image::ImageFormat::Jpeg)
            .unwrap()
            .into_rgb8();
        assert_eq!(by_image.dimensions(), (width, height));
        let by_jpeg_decoder = jpeg_decoder::Decoder::new(Cursor::new(&file))
            .decode()
            .unwrap();
        assert_eq!(by_jpeg_decoder.len(), expected_len);

        group.bench_function(BenchmarkId::new(&size, "libjpeg-turbo-rs"), |b| {
            b.iter(|| jpeg::decode_rgb(black_box(&file)).unwrap())
        });
        // What a consumer that decodes every frame does: one buffer, reused.
        let mut pixels = Vec::new();
        group.bench_function(
            BenchmarkId::new(&size, "libjpeg-turbo-rs-reused-buffer"),
            |b| b.iter(|| jpeg::decode_rgb_into(black_box(&file), &mut pixels).unwrap()),
        );
        group.bench_function(BenchmarkId::new(&size, "zune-jpeg"), |b| {
            b.iter(|| decode_with_zune(black_box(&file)))
        });
        group.bench_function(BenchmarkId::new(&size, "image"), |b| {
            b.iter(|| {
                image::load_from_memory_with_format(black_box(&file), image::ImageFormat::Jpeg)
                    .unwrap()
            })
        });
        group.bench_function(BenchmarkId::new(&size, "jpeg-decoder"), |b| {
            b.iter(|| {
                jpeg_decoder::Decoder::new(Cursor::new(black_box(&file)))
                    .decode()
                    .unwrap()
            })
        });
    }
    group.finish();
}

/// Each scaled decode against the full decode plus resize it replaces.
fn scaled(c: &mut Criterion) {
    let (width, height) = (640, 480);
    let rgb = scene(width, height);
    let file = jpeg::encode(&rgb, width, height, PixelFormat::Rgb8, QUALITY).unwrap();
    let mut group = c.benchmark_group("scaled");
    let mut resizer = Resizer::new();

    // The window: a 640×480 camera in a 3×3 grid of 1280×720 is drawn at
    // about 315×236. Before: a full decode, scaled down to that. Now: a
    // half-size decode (320×240), scaled down to that.
    let (tile_w, tile_h) = (315, 236);
    group.bench_function("window_tile/640x480-full-decode-then-resize", |b| {
        b.iter(|| {
            let full = jpeg::decode_rgb(black_box(&file)).unwrap();
            let rgb = &full.pixels;
            resizer
                .resize(rgb, width, height, PixelFormat::Rgb8, tile_w, tile_h)
                .unwrap()
        })
    });
    group.bench_function("window_tile/640x480-half-decode-then-resize", |b| {
        b.iter(|| {
            let half = jpeg::decode_rgb_at_least(black_box(&file), tile_w, tile_h).unwrap();
            assert_eq!((half.width, half.height), (320, 240));
            let rgb = &half.pixels;
            resizer
                .resize(
                    rgb,
                    half.width,
                    half.height,
                    PixelFormat::Rgb8,
                    tile_w,
                    tile_h,
                )
                .unwrap()
        })
    });

    // An event's thumbnail, 160×120. Before: a full decode, a resize and an
    // encode. Now: a quarter-size decode and an encode.
    group.bench_function("thumbnail/640x480-full-decode-resize-encode", |b| {
        b.iter(|| {
            let full = jpeg::decode_rgb(black_box(&file)).unwrap();
            let small = resizer
                .resize(&full.pixels, width, height, PixelFormat::Rgb8, 160, 120)
                .unwrap();
            jpeg::encode(&small, 160, 120, PixelFormat::Rgb8, QUALITY).unwrap()
        })
    });
    group.bench_function("thumbnail/640x480-quarter-decode-encode", |b| {
        b.iter(|| jpeg::thumbnail(black_box(&file), jpeg::THUMBNAIL_WIDTH).unwrap())
    });
    group.finish();
}

fn serialize_frames(c: &mut Criterion) {
    let (width, height) = (640, 480);
    let rgb = scene(width, height);
    let file = jpeg::encode(&rgb, width, height, PixelFormat::Rgb8, QUALITY).unwrap();
    let frames = [
        (
            "jpeg",
            Frame::new(header(width, height, PixelFormat::Jpeg), file).unwrap(),
        ),
        (
            "rgb",
            Frame::new(header(width, height, PixelFormat::Rgb8), rgb).unwrap(),
        ),
    ];

    let mut group = c.benchmark_group("serialize");
    for (kind, frame) in &frames {
        let name = format!("640x480-{kind}");
        let encoded = Bytes::from(serialize::encode(frame).unwrap());
        group.throughput(Throughput::Bytes(encoded.len() as u64));

        // The sender's way: one buffer, reused for every frame.
        let mut out = Vec::with_capacity(encoded.len());
        group.bench_function(BenchmarkId::new("encode_into", &name), |b| {
            b.iter(|| {
                out.clear();
                serialize::encode_into(black_box(frame), &mut out).unwrap()
            })
        });
        // The receiver's way: the payload shares the received bytes.
        group.bench_function(BenchmarkId::new("decode", &name), |b| {
            b.iter(|| serialize::decode(black_box(&encoded), encoded.len()).unwrap())
        });
    }
    group.finish();
}

fn pack_round_trip(c: &mut Criterion) {
    let mut rng = Lcg(7);
    let message: Vec<u8> = (0..PACK_MESSAGE_LEN).map(|_| rng.next_u8()).collect();
    let mut wire = Vec::with_capacity(PACK_MESSAGE_LEN + 4);
    let mut unpacker = Unpacker::new();

    let mut group = c.benchmark_group("pack");
    group.throughput(Throughput::Bytes(PACK_MESSAGE_LEN as u64));
    group.bench_function("round_trip/60KB", |b| {
        b.iter(|| {
            wire.clear();
            pack(black_box(&message), &mut wire).unwrap();
            unpacker.feed(&wire);
            let back = unpacker.next_message().unwrap().unwrap();
            assert_eq!(back.len(), PACK_MESSAGE_LEN);
            back
        })
    });
    group.finish();
}

fn transform(c: &mut Criterion) {
    let (width, height) = (640, 480);
    let rgb = scene(width, height);
    let mut group = c.benchmark_group("transform");

    let mut resizer = Resizer::new();
    group.bench_function("resize/640x480-to-320x240-rgb", |b| {
        b.iter(|| {
            resizer
                .resize(black_box(&rgb), width, height, PixelFormat::Rgb8, 320, 240)
                .unwrap()
        })
    });

    let mut pixels = rgb.clone();
    group.bench_function("mirror_in_place/640x480-rgb", |b| {
        b.iter(|| mirror_in_place(black_box(&mut pixels), width, 3))
    });
    group.finish();
}

fn config() -> Criterion {
    // The build machine has two cores and is shared: short runs, few
    // samples. Compare ratios measured in one run, not figures across runs.
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = jpeg_encode, jpeg_decode, scaled, serialize_frames, pack_round_trip, transform
}
criterion_main!(benches);
