//! Chapitre 14 : une propriété de la compression.
//!
//! Ce fichier est un *test* : `tests/exercices.rs` le compile, et proptest
//! essaie la propriété sur 48 tirages de qualité et de taille, puis, si
//! l'un échoue, cherche le plus petit exemple qui échoue encore.

use proptest::prelude::*;
use vigie_camera::TestPattern;
use vigie_core::jpeg;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Pour toute qualité de 1 à 100 et toute taille de mire entre 16×16 et
    /// 128×96, l'image décompressée a la taille de l'originale.
    #[test]
    fn ch14_jpeg_keeps_width_and_height(
        quality in 1u8..=100,
        width in 16u32..=128,
        height in 16u32..=96,
    ) {
        let frame = TestPattern::new("p", width, height, 10.0).unwrap().render(0, 0);
        let file = jpeg::encode_frame(&frame, quality).unwrap();
        let back = jpeg::decode_rgb(file.payload()).unwrap();
        prop_assert_eq!((back.width, back.height), (width, height));
    }
}
