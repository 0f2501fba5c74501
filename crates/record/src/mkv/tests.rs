use bytes::Bytes;
use proptest::prelude::*;

use super::*;

/// A fake "JPEG": the reader does not decode pictures, so any bytes do.
fn jpeg(i: usize, len: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    v.extend((0..len).map(|j| (i * 31 + j) as u8));
    v
}

fn file_of(frames: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut muxer = MkvMuxer::new(64, 48, 1_795_509_000_000_000);
    let mut out = muxer.header();
    let mut buf = Vec::new();
    for (at, data) in frames {
        muxer.cluster(*at, data, &mut buf);
        out.extend_from_slice(&buf);
    }
    let (offset, bytes) = muxer.duration_patch();
    out[offset as usize..offset as usize + 8].copy_from_slice(&bytes);
    out
}

#[test]
fn frames_round_trip() {
    let frames: Vec<(u64, Vec<u8>)> = (0..5)
        .map(|i| (i as u64 * 40, jpeg(i, 100 + i * 300)))
        .collect();
    let read = parse_frames(&Bytes::from(file_of(&frames))).unwrap();
    assert_eq!(read.len(), 5);
    for (got, (at, data)) in read.iter().zip(&frames) {
        assert_eq!(got.at_ms, *at);
        assert_eq!(&got.jpeg[..], &data[..]);
    }
}

#[test]
fn the_duration_is_patched_in_place() {
    let mut muxer = MkvMuxer::new(64, 48, 0);
    let header = muxer.header();
    let (offset, zero) = muxer.duration_patch();
    assert_eq!(zero, 0f64.to_be_bytes());
    // The 8 bytes at the offset are the Duration element's data.
    assert_eq!(
        &header[offset as usize - 3..offset as usize],
        &[0x44, 0x89, 0x88]
    );
    let mut buf = Vec::new();
    for i in 0..10 {
        muxer.cluster(i * 100, b"\xFF\xD8", &mut buf);
    }
    // Nine intervals of 100 ms, plus the last frame's own 100 ms.
    assert_eq!(muxer.duration_ms(), 1000.0);
    assert_eq!(muxer.duration_patch().0, offset, "the header did not move");
}

#[test]
fn time_never_goes_backwards() {
    let read = parse_frames(&Bytes::from(file_of(&[
        (100, jpeg(0, 10)),
        (50, jpeg(1, 10)),
        (150, jpeg(2, 10)),
    ])))
    .unwrap();
    let times: Vec<u64> = read.iter().map(|f| f.at_ms).collect();
    assert_eq!(times, [100, 100, 150]);
}

#[test]
fn other_files_are_refused_clearly() {
    let err = parse_frames(&Bytes::from_static(b"RIFF\0\0\0\0AVI LIST")).unwrap_err();
    assert!(err.contains("52 49 46 46"), "{err}");
    let mut webm_like = file_of(&[(0, jpeg(0, 10))]);
    let at = webm_like.windows(8).position(|w| w == b"matroska").unwrap();
    webm_like[at..at + 8].copy_from_slice(b"notmkv!!");
    let err = parse_frames(&Bytes::from(webm_like)).unwrap_err();
    assert!(err.contains("notmkv"), "{err}");
}

#[test]
fn an_empty_file_is_an_empty_recording() {
    assert_eq!(parse_frames(&Bytes::new()).unwrap(), []);
}

#[test]
fn a_huge_claimed_size_allocates_nothing() {
    let mut data = file_of(&[(0, jpeg(0, 10))]);
    // A SimpleBlock that claims 2^50 bytes: the reader must stop, not allocate.
    data.extend_from_slice(&[
        0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xA3, 0x01, 0x04, 0, 0, 0, 0, 0, 0,
    ]);
    let read = parse_frames(&Bytes::from(data)).unwrap();
    assert_eq!(read.len(), 1);
}

#[test]
fn every_cut_gives_a_prefix() {
    let frames: Vec<(u64, Vec<u8>)> = (0..4).map(|i| (i as u64 * 33, jpeg(i, 20))).collect();
    let full = file_of(&frames);
    let mut last = 0;
    for cut in 0..=full.len() {
        let read = parse_frames(&Bytes::copy_from_slice(&full[..cut]))
            .unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        assert!(
            read.len() >= last,
            "frames never disappear as the file grows"
        );
        last = read.len();
        for (got, (at, data)) in read.iter().zip(&frames) {
            assert_eq!((got.at_ms, &got.jpeg[..]), (*at, &data[..]), "cut at {cut}");
        }
    }
    assert_eq!(last, frames.len());
}

proptest! {
    #[test]
    fn any_cut_of_any_file_gives_a_prefix(
        sizes in proptest::collection::vec(0usize..400, 1..6),
        cut_fraction in 0.0f64..=1.0,
    ) {
        let frames: Vec<(u64, Vec<u8>)> = sizes
            .iter()
            .enumerate()
            .map(|(i, &len)| (i as u64 * 40, jpeg(i, len)))
            .collect();
        let full = file_of(&frames);
        let cut = (full.len() as f64 * cut_fraction) as usize;
        let read = parse_frames(&Bytes::copy_from_slice(&full[..cut])).unwrap();
        prop_assert!(read.len() <= frames.len());
        for (got, (at, data)) in read.iter().zip(&frames) {
            prop_assert_eq!(got.at_ms, *at);
            prop_assert_eq!(&got.jpeg[..], &data[..]);
        }
    }

    #[test]
    fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut with_header = file_of(&[]);
        with_header.extend_from_slice(&data);
        let _ = parse_frames(&Bytes::from(with_header));
        let _ = parse_frames(&Bytes::from(data));
    }
}
