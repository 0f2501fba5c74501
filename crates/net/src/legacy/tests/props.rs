//! Property tests: no input makes the decoder panic, and what vigie
//! encodes always decodes to what was encoded.

use proptest::prelude::*;

use super::*;

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(&data);
        let _ = decode_bytes(&Bytes::from(data));
    }

    #[test]
    fn truncated_valid_pickles_are_refused(which in 0..3usize, cut in any::<prop::sample::Index>()) {
        let pickle = &valid_pickles()[which];
        let cut = cut.index(pickle.len());
        prop_assert!(decode(&pickle[..cut]).is_err());
    }

    #[test]
    fn mutated_valid_pickles_never_panic(
        which in 0..3usize,
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut pickle = valid_pickles()[which].clone();
        let at = at.index(pickle.len());
        pickle[at] = byte;
        let _ = decode(&pickle);
    }

    #[test]
    fn jpeg_round_trips(data in proptest::collection::vec(any::<u8>(), 1..2048)) {
        let mut out = Vec::new();
        encode_jpeg(&data, &mut out);
        prop_assert_eq!(decode(&out).unwrap(), LegacyImage::Jpeg(Bytes::from(data)));
    }

    #[test]
    fn bgr_round_trips(width in 1u32..20, height in 1u32..20, seed in any::<u8>()) {
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i as u8).wrapping_mul(seed)).collect();
        let mut out = Vec::new();
        encode_bgr(&pixels, width, height, &mut out).unwrap();
        let expected = LegacyImage::Bgr { width, height, pixels: Bytes::from(pixels) };
        prop_assert_eq!(decode(&out).unwrap(), expected);
    }
}
