//! Huffman tables: from the 16 counts and the symbols of a DHT segment to a
//! decoder.
//!
//! A JPEG Huffman table is *canonical*: it gives only how many codes have
//! each length (1 to 16 bits) and the symbols in code order; the codes
//! follow (the first code of each length is the last one of the length
//! before, plus one, shifted left).
//!
//! Most codes are short, and so are most values: a coefficient of ±1 after
//! a 4-bit code takes 5 bits. So the decoder looks the next [`FAST_BITS`]
//! bits up in a table that gives, for every prefix holding a whole code
//! *and* its value's bits, the value itself and how many bits it took
//! ([`Huffman::fast_value`]): one look-up per coefficient. Longer ones take
//! the slow path: the code by a shorter table or length by length, then the
//! value's bits.

use std::cell::RefCell;
use std::rc::Rc;

use crate::{Error, Result};

/// How many tables [`Huffman::cached`] keeps per thread.
const CACHED_TABLES: usize = 8;

/// Tables built, by their class and their bytes (counts, then symbols).
type Cache = Vec<(Class, Vec<u8>, Rc<Huffman>)>;

thread_local! {
    /// The tables built last on this thread.
    static CACHE: RefCell<Cache> = const { RefCell::new(Vec::new()) };
}

/// Codes (with their values' bits) up to this many bits take one look-up:
/// tables of 2 048 entries, 4 and 12 KB, which stay in the cache.
const FAST_BITS: u32 = 11;

/// What `run` says at the end of a block (no real run is above 15).
pub(super) const END_OF_BLOCK: usize = 0x80;

/// Which coefficients a table codes: the DC difference (its symbol is the
/// value's size in bits) or the AC ones (a run of zeros and a size).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Class {
    /// Differences of the block averages.
    Dc,
    /// The 63 other coefficients.
    Ac,
}

/// A decoding table built from one DHT segment.
#[derive(Clone)]
pub(super) struct Huffman {
    /// For every prefix of [`FAST_BITS`] bits: `value << 16 | run << 8 |
    /// bits used` when the prefix holds a whole code and its value, else 0.
    fast_value: [i32; 1 << FAST_BITS],
    /// For every prefix: `length << 8 | symbol` of the code it starts with,
    /// or 0 if that code is longer than [`FAST_BITS`].
    fast_code: [u16; 1 << FAST_BITS],
    /// For each length `l`, the largest code of that length plus one,
    /// left-aligned in 16 bits (so that a 16-bit peek compares directly);
    /// 0 where no code has that length.
    max_code: [u32; 17],
    /// For each length, what to add to a code of that length to get its
    /// symbol's index in `symbols`.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Huffman {
    /// Builds a table of `class` from `counts[l]`, the number of codes of
    /// length `l + 1`, and `symbols`. A table whose codes do not fit their
    /// lengths (more codes than a length has room for) is an error.
    pub(super) fn new(class: Class, counts: &[u8; 16], symbols: &[u8]) -> Result<Huffman> {
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total != symbols.len() || total > 256 {
            return Err(bad("its counts and its symbols disagree"));
        }
        let mut table = Huffman {
            fast_value: [0; 1 << FAST_BITS],
            fast_code: [0; 1 << FAST_BITS],
            max_code: [0; 17],
            offset: [0; 17],
            symbols: symbols.to_vec(),
        };
        let mut code: u32 = 0;
        let mut index = 0usize;
        for length in 1..=16u32 {
            let count = u32::from(counts[length as usize - 1]);
            // The codes of this length are code .. code + count, and must
            // fit in `length` bits. (The all-ones code is reserved, but
            // libjpeg accepts a table using it, so we do too.)
            if code + count > (1 << length) {
                return Err(bad("it has more codes than its lengths allow"));
            }
            table.offset[length as usize] = index as i32 - code as i32;
            for i in 0..count {
                if length <= FAST_BITS {
                    let first = (code + i) << (FAST_BITS - length);
                    let entry = (length as u16) << 8 | u16::from(symbols[index + i as usize]);
                    for slot in first..first + (1 << (FAST_BITS - length)) {
                        table.fast_code[slot as usize] = entry;
                    }
                }
            }
            index += count as usize;
            code += count;
            if count > 0 {
                table.max_code[length as usize] = code << (16 - length);
            }
            code <<= 1;
        }
        for prefix in 0..1u32 << FAST_BITS {
            table.fast_value[prefix as usize] =
                fast_entry(class, table.fast_code[prefix as usize], prefix);
        }
        Ok(table)
    }

    /// Like [`Huffman::new`], but a table with the same bytes as one built
    /// recently on this thread is not built again. A camera sends the same
    /// tables in every frame, and building the look-up tables of a frame's
    /// four costs about a tenth of decoding it; comparing a few hundred
    /// bytes costs nothing. At most [`CACHED_TABLES`] are kept (about 100
    /// KB), the oldest dropped first, so a peer that sends new tables in
    /// every frame only makes its own frames slower.
    pub(super) fn cached(class: Class, counts: &[u8; 16], symbols: &[u8]) -> Result<Rc<Huffman>> {
        let key: Vec<u8> = counts.iter().chain(symbols).copied().collect();
        let found = CACHE.with_borrow(|cache| {
            cache
                .iter()
                .find(|(c, bytes, _)| *c == class && *bytes == key)
                .map(|(_, _, table)| table.clone())
        });
        if let Some(table) = found {
            return Ok(table);
        }
        let table = Rc::new(Huffman::new(class, counts, symbols)?);
        CACHE.with_borrow_mut(|cache| {
            if cache.len() == CACHED_TABLES {
                cache.remove(0);
            }
            cache.push((class, key, table.clone()));
        });
        Ok(table)
    }

    /// The coefficient at the start of `peeked` (the next 16 bits), when its
    /// code and its value fit in [`FAST_BITS`]: `(bits used, run, value)`.
    /// For a DC table the run is 0; for an AC table it is [`END_OF_BLOCK`]
    /// at the end of a block, and 15 with a value of 0 for sixteen zeros.
    #[inline(always)]
    pub(super) fn fast_value(&self, peeked: u32) -> Option<(u32, usize, i32)> {
        let entry = self.fast_value[(peeked >> (16 - FAST_BITS)) as usize];
        (entry != 0).then_some((
            (entry & 0xFF) as u32,
            ((entry >> 8) & 0xFF) as usize,
            entry >> 16,
        ))
    }

    /// Decodes one symbol from `peeked`, the next 16 bits. Returns the
    /// code's length and its symbol, or `None` for bits that start no code.
    #[inline]
    pub(super) fn decode(&self, peeked: u32) -> Option<(u32, u8)> {
        let entry = self.fast_code[(peeked >> (16 - FAST_BITS)) as usize];
        if entry != 0 {
            return Some((u32::from(entry >> 8), entry as u8));
        }
        self.decode_long(peeked)
    }

    #[cold]
    fn decode_long(&self, peeked: u32) -> Option<(u32, u8)> {
        for length in FAST_BITS + 1..=16 {
            if peeked < self.max_code[length as usize] {
                let code = (peeked >> (16 - length)) as i32;
                let index = code + self.offset[length as usize];
                return Some((length, *self.symbols.get(usize::try_from(index).ok()?)?));
            }
        }
        None
    }
}

/// The one-look-up entry for `prefix`, whose code is `code` (`length << 8 |
/// symbol`, 0 if longer than the prefix), or 0 if the value does not fit.
fn fast_entry(class: Class, code: u16, prefix: u32) -> i32 {
    if code == 0 {
        return 0;
    }
    let (length, symbol) = (u32::from(code >> 8), code as u8);
    let (run, size) = match class {
        Class::Dc if symbol > 11 => return 0, // too large: the slow path says so
        Class::Dc => (0, u32::from(symbol)),
        // Size 0: sixteen zeros (run 15), else the end of the block (as
        // libjpeg reads every run but 15).
        Class::Ac if symbol & 15 == 0 => {
            let run = if symbol >> 4 == 15 { 15 } else { END_OF_BLOCK };
            return (run << 8 | length as usize) as i32;
        }
        Class::Ac => (usize::from(symbol >> 4), u32::from(symbol & 15)),
    };
    if length + size > FAST_BITS {
        return 0;
    }
    let value = match size {
        0 => 0,
        _ => extend(
            (prefix >> (FAST_BITS - length - size)) & ((1 << size) - 1),
            size,
        ),
    };
    value << 16 | (run << 8) as i32 | (length + size) as i32
}

/// A value of `size` bits (1 to 15) as JPEG codes it: the top half of the
/// range is itself, the bottom half stands for the negative numbers (with
/// 2 bits: 00, 01, 10, 11 are -3, -2, 2, 3). Without a branch, because the
/// sign of a coefficient is a coin toss the processor cannot predict.
#[inline(always)]
pub(super) fn extend(bits: u32, size: u32) -> i32 {
    let value = bits as i32;
    // All ones if the top bit is clear (a negative value), else zero.
    let negative = ((value >> (size - 1)) & 1) - 1;
    value + (negative & (1 - (1 << size)))
}

fn bad(why: &str) -> Error {
    Error::JpegDecode(format!("corrupt JPEG: a Huffman table is invalid: {why}"))
}

#[cfg(test)]
// Bits are grouped as code, then value: `0b100_01` is code 100, value 01.
#[allow(clippy::unusual_byte_groupings)]
mod tests {
    use super::*;

    /// Codes by hand: lengths 2, 2, 3, 3 give 00, 01, 100, 101.
    #[test]
    fn decodes_canonical_codes() {
        let mut counts = [0u8; 16];
        counts[1] = 2;
        counts[2] = 2;
        let t = Huffman::new(Class::Ac, &counts, &[10, 20, 30, 40]).unwrap();
        let at = |bits: u32, len: u32| bits << (16 - len);
        assert_eq!(t.decode(at(0b00, 2)), Some((2, 10)));
        assert_eq!(t.decode(at(0b01, 2)), Some((2, 20)));
        assert_eq!(t.decode(at(0b100, 3)), Some((3, 30)));
        assert_eq!(t.decode(at(0b101, 3)), Some((3, 40)));
        assert_eq!(t.decode(at(0b11, 2)), None, "no code starts with 11");
    }

    /// A code longer than the fast table's 9 bits: one code of each length
    /// 1 to 12 gives 0, 10, 110, … and the 12-bit 1111 1111 1110.
    #[test]
    fn decodes_long_codes() {
        let mut counts = [0u8; 16];
        counts[..12].fill(1);
        let symbols: Vec<u8> = (1..=12).collect();
        let t = Huffman::new(Class::Ac, &counts, &symbols).unwrap();
        assert_eq!(t.decode(0), Some((1, 1)));
        assert_eq!(t.decode(0b1111_1111_1110 << 4), Some((12, 12)));
        assert_eq!(t.decode(0b1111_1111_1111 << 4), None);
    }

    #[test]
    fn extends_values_as_the_standard_says() {
        assert_eq!([0, 1].map(|b| extend(b, 1)), [-1, 1]);
        assert_eq!([0, 1, 2, 3].map(|b| extend(b, 2)), [-3, -2, 2, 3]);
        assert_eq!(extend(0, 11), -2047);
        assert_eq!(extend(2047, 11), 2047);
    }

    /// The one-look-up path gives what the code, then the bits, give.
    #[test]
    fn the_fast_path_agrees_with_the_slow_one() {
        let mut counts = [0u8; 16];
        counts[1] = 2; // 00: end of block, 01: run 0 size 1
        counts[2] = 3; // 100: run 1 size 2, 101: run 0 size 9, 110: 16 zeros
        let t = Huffman::new(Class::Ac, &counts, &[0x00, 0x01, 0x12, 0x09, 0xF0]).unwrap();
        let at = |bits: u32, len: u32| bits << (16 - len);
        assert_eq!(t.fast_value(at(0b00, 2)), Some((2, END_OF_BLOCK, 0)));
        assert_eq!(t.fast_value(at(0b01_1, 3)), Some((3, 0, 1)));
        assert_eq!(t.fast_value(at(0b01_0, 3)), Some((3, 0, -1)));
        assert_eq!(t.fast_value(at(0b100_01, 5)), Some((5, 1, -2)));
        assert_eq!(t.fast_value(at(0b110, 3)), Some((3, 15, 0)));
        assert_eq!(
            t.fast_value(at(0b101_111111111, 12)),
            None,
            "12 bits: the slow path"
        );
        assert_eq!(t.decode(at(0b101, 3)), Some((3, 0x09)));
        // A DC table's symbol is the size itself; size 0 is a difference of 0.
        let dc = Huffman::new(Class::Dc, &counts, &[0, 1, 2, 3, 4]).unwrap();
        assert_eq!(dc.fast_value(at(0b00, 2)), Some((2, 0, 0)));
        assert_eq!(dc.fast_value(at(0b110_0000, 7)), Some((7, 0, -15)));
    }

    #[test]
    fn refuses_tables_that_cannot_exist() {
        let mut counts = [0u8; 16];
        counts[0] = 3; // three 1-bit codes
        assert!(Huffman::new(Class::Ac, &counts, &[1, 2, 3]).is_err());
        counts[0] = 1;
        assert!(
            Huffman::new(Class::Ac, &counts, &[1, 2]).is_err(),
            "counts say 1, 2 given"
        );
    }
}
