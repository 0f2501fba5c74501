//! Chapitre 14 : un test de propriétés. Au lieu de quelques exemples choisis
//! à la main, proptest fabrique des centaines de listes de messages et de
//! façons de couper le flux, et réduit tout échec au plus petit cas qui
//! échoue encore.

// ANCHOR: propriete
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use vigie_core::pack::{self, Unpacker};

proptest! {
    /// Quels que soient les messages, et où que le réseau coupe le flux,
    /// l'Unpacker rend exactement les messages envoyés, dans l'ordre.
    #[test]
    fn messages_survive_any_cut(
        messages in vec(vec(any::<u8>(), 0..300), 1..6),
        cuts in vec(any::<Index>(), 0..10),
    ) {
        let mut wire = Vec::new();
        for m in &messages {
            pack::pack(m, &mut wire).unwrap();
        }
        // Les points de coupe, triés, du début à la fin du flux.
        let mut points: Vec<usize> =
            cuts.iter().map(|i| i.index(wire.len() + 1)).collect();
        points.extend([0, wire.len()]);
        points.sort_unstable();

        let mut unpacker = Unpacker::new();
        let mut received = Vec::new();
        for piece in points.windows(2) {
            unpacker.feed(&wire[piece[0]..piece[1]]);
            while let Some(m) = unpacker.next_message().unwrap() {
                received.push(m.to_vec());
            }
        }
        prop_assert_eq!(received, messages);
        prop_assert_eq!(unpacker.buffered(), 0);
    }
}
// ANCHOR_END: propriete
