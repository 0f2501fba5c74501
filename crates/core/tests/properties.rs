//! Property tests: instead of a few hand-picked examples, proptest generates
//! hundreds of frames and ways of cutting the byte stream, and shrinks any
//! failure to the smallest input that still fails.

use bytes::Bytes;
use proptest::prelude::*;
use vigie_core::pack::{self, Unpacker, DEFAULT_MAX_MESSAGE};
use vigie_core::{jpeg, serialize, Error, Frame, FrameHeader, PixelFormat};

fn any_format() -> impl Strategy<Value = PixelFormat> {
    prop_oneof![
        Just(PixelFormat::Rgb8),
        Just(PixelFormat::Bgr8),
        Just(PixelFormat::Gray8),
        Just(PixelFormat::Jpeg),
    ]
}

prop_compose! {
    fn any_frame()(
        camera in "[a-zà-ü0-9_-]{1,20}",
        sequence in any::<u64>(),
        captured_at_us in any::<u64>(),
        width in 1u32..40,
        height in 1u32..40,
        format in any_format(),
        seed in any::<u8>(),
        jpeg_tail in proptest::collection::vec(any::<u8>(), 0..200),
    ) -> Frame {
        let payload = match format.raw_len(width, height) {
            Some(len) => (0..len).map(|i| (i as u8).wrapping_mul(seed)).collect(),
            None => [&[0xFF, 0xD8][..], &jpeg_tail].concat(),
        };
        let header = FrameHeader { camera, sequence, captured_at_us, width, height, format };
        Frame::new(header, payload).unwrap()
    }
}

proptest! {
    /// serialize → pack → cut anywhere → unpack → deserialize gives the
    /// very same frames, in order.
    #[test]
    fn frames_survive_any_split(
        frames in proptest::collection::vec(any_frame(), 1..5),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let mut wire = Vec::new();
        for f in &frames {
            pack::pack_with(&mut wire, |out| serialize::encode_into(f, out).map(|_| ())).unwrap();
        }
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(wire.len() + 1)).collect();
        points.push(0);
        points.push(wire.len());
        points.sort_unstable();

        let mut unpacker = Unpacker::new();
        let mut got = Vec::new();
        for piece in points.windows(2) {
            unpacker.feed(&wire[piece[0]..piece[1]]);
            while let Some(msg) = unpacker.next_message().unwrap() {
                got.push(serialize::decode(&msg, DEFAULT_MAX_MESSAGE).unwrap());
            }
        }
        prop_assert_eq!(got, frames);
        prop_assert_eq!(unpacker.buffered(), 0);
    }

    /// Whatever bytes arrive, the decoders answer; they never panic.
    #[test]
    fn arbitrary_bytes_never_panic(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8),
    ) {
        let mut unpacker = Unpacker::with_max(4096);
        for chunk in &chunks {
            unpacker.feed(chunk);
            loop {
                match unpacker.next_message() {
                    Ok(Some(msg)) => { let _ = serialize::decode(&msg, 4096); }
                    Ok(None) => break,
                    Err(Error::MessageTooLarge { .. }) => return Ok(()),
                    Err(e) => prop_assert!(false, "unexpected error {e}"),
                }
            }
            prop_assert!(unpacker.capacity() <= 64 * 1024);
        }
        let all: Vec<u8> = chunks.concat();
        let _ = serialize::decode_slice(&all, 4096);
        let _ = serialize::decode(&Bytes::from(all.clone()), 4096);
        let _ = jpeg::decode_rgb(&all);
        let _ = jpeg::dimensions(&all);
    }

    /// A real JPEG with bytes flipped or cut is an error or a picture, never a panic.
    #[test]
    fn damaged_jpeg_never_panics(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let pixels: Vec<u8> = (0..32 * 24 * 3).map(|i| (i * 7 % 251) as u8).collect();
        let mut data = jpeg::encode(&pixels, 32, 24, PixelFormat::Rgb8, 80).unwrap();
        for (at, value) in flips {
            let i = at.index(data.len());
            data[i] = value;
        }
        data.truncate(cut.index(data.len() + 1));
        if let Ok(img) = jpeg::decode_rgb(&data) {
            prop_assert_eq!(img.pixels.len(), (img.width * img.height * 3) as usize);
        }
    }

    /// Any length prefix above the maximum is refused without growing the buffer.
    #[test]
    fn hostile_lengths_are_refused_before_allocating(len in (DEFAULT_MAX_MESSAGE as u32 + 1)..=u32::MAX) {
        let mut unpacker = Unpacker::new();
        let before = unpacker.capacity();
        unpacker.feed(&len.to_be_bytes());
        let refused = matches!(unpacker.next_message(), Err(Error::MessageTooLarge { .. }));
        prop_assert!(refused);
        prop_assert_eq!(unpacker.capacity(), before);
    }
}
