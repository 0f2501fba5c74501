//! The Matroska reader (`vigie_record::mkv::parse_frames`), which reads the
//! server's recordings back for the web page's replay. A recording is a file
//! the server wrote itself, but a torn or tampered one must not crash it.
//!
//! Checks, beyond "no panic, no unbounded allocation":
//! - every frame is a slice of the input (nothing is allocated per frame);
//! - frames read back are written again by `MkvMuxer` to a file that reads
//!   back as the same pictures at the same times (times made monotonic, as
//!   the muxer does).
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use vigie_record::mkv::{parse_frames, MkvMuxer};

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);
    let Ok(frames) = parse_frames(&input) else {
        return;
    };
    let range = input.as_ptr_range();
    for frame in &frames {
        let inside = frame.jpeg.is_empty()
            || (range.contains(&frame.jpeg.as_ptr()) && frame.jpeg.len() <= input.len());
        assert!(inside, "a frame that is not a slice of the input");
    }

    let mut muxer = MkvMuxer::new(16, 16, 0);
    let mut file = muxer.header();
    let mut cluster = Vec::new();
    let mut last = 0;
    let mut expected = Vec::new();
    for frame in &frames {
        muxer.cluster(frame.at_ms, &frame.jpeg, &mut cluster);
        file.extend_from_slice(&cluster);
        last = frame.at_ms.max(last);
        expected.push((last, frame.jpeg.clone()));
    }
    let again = parse_frames(&Bytes::from(file)).expect("our own file");
    let again: Vec<_> = again.into_iter().map(|f| (f.at_ms, f.jpeg)).collect();
    assert_eq!(again, expected);
});
