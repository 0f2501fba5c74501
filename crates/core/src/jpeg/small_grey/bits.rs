//! Reading the entropy-coded data bit by bit.
//!
//! After the scan header, a JPEG is one long string of bits: Huffman codes
//! and the extra bits of each value, packed with no gaps. Two rules of the
//! format shape this reader:
//!
//! - **Byte stuffing.** `0xFF` starts a marker, so a data byte `0xFF` is
//!   written `0xFF 0x00`. The reader drops the `0x00`.
//! - **Markers end the data.** Any other byte after `0xFF` is a marker
//!   (a restart marker, or the end of the image). The reader stops there and
//!   feeds zeros, as libjpeg does, so that a look ahead past the end is
//!   harmless; but it counts them, and a decoder that *uses* a zero it
//!   invented has read past the data: the file is truncated
//!   ([`BitReader::overran`]).
//!
//! The bits wait in a 64-bit buffer, the oldest in the highest bit. Refilled
//! to at least 57 bits, it holds any one code (at most 16 bits) with its
//! extra bits (at most 11), so a block is decoded with one refill per
//! value, and usually with a refill that reads eight bytes at once.

/// A bit reader over one entropy-coded segment (up to the next marker).
pub(super) struct BitReader<'a> {
    data: &'a [u8],
    /// The next byte to read from `data`.
    pos: usize,
    /// The bits read but not used, the oldest in bit 63; the rest are 0.
    buffer: u64,
    /// How many bits of `buffer` are valid.
    count: u32,
    /// How many of the valid bits, at the low end, are zeros the reader
    /// invented past a marker or the end of the file.
    invented: u32,
    /// The reader met a marker (or the end of the file) at `pos`.
    at_marker: bool,
}

/// The eight-byte word `x` holds a `0xFF` byte.
fn has_ff(x: u64) -> bool {
    let inverted = !x;
    // The classic "has a zero byte" test, on the inverted word.
    (inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080) != 0
}

impl<'a> BitReader<'a> {
    /// A reader of the bits of `data` from its start.
    pub(super) fn new(data: &'a [u8]) -> Self {
        BitReader {
            data,
            pos: 0,
            buffer: 0,
            count: 0,
            invented: 0,
            at_marker: false,
        }
    }

    /// Fills the buffer to at least 57 bits.
    #[inline]
    pub(super) fn refill(&mut self) {
        if self.count > 56 {
            return;
        }
        // Fast path: eight bytes without a 0xFF, as most data is.
        if !self.at_marker {
            if let Some(word) = self.data.get(self.pos..self.pos + 8) {
                let word = u64::from_be_bytes(word.try_into().expect("eight bytes"));
                if !has_ff(word) {
                    let bytes = (64 - self.count) / 8;
                    let whole = word & (u64::MAX << (64 - 8 * bytes));
                    self.buffer |= whole >> self.count;
                    self.count += 8 * bytes;
                    self.pos += bytes as usize;
                    return;
                }
            }
        }
        while self.count <= 56 {
            let byte = self.next_byte();
            self.buffer |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    /// The next data byte, with stuffing removed; 0 (counted as invented)
    /// at a marker or at the end of the file.
    fn next_byte(&mut self) -> u8 {
        if !self.at_marker {
            match self.data.get(self.pos) {
                Some(&0xFF) => {
                    if self.data.get(self.pos + 1) == Some(&0x00) {
                        self.pos += 2;
                        return 0xFF;
                    }
                    self.at_marker = true;
                }
                Some(&byte) => {
                    self.pos += 1;
                    return byte;
                }
                None => self.at_marker = true,
            }
        }
        self.invented += 8;
        0
    }

    /// Fills the buffer if it holds fewer than `n` bits (at most 57).
    #[inline(always)]
    pub(super) fn refill_for(&mut self, n: u32) {
        if self.count < n {
            self.refill();
        }
    }

    /// The next `n` bits (1 to 32) without using them. Call [`Self::refill`]
    /// first.
    #[inline]
    pub(super) fn peek(&self, n: u32) -> u32 {
        (self.buffer >> (64 - n)) as u32
    }

    /// Uses `n` bits (at most what the buffer holds).
    #[inline]
    pub(super) fn consume(&mut self, n: u32) {
        self.buffer <<= n;
        self.count -= n;
    }

    /// Reads `n` bits (0 to 16) as a number.
    #[inline]
    pub(super) fn take(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        let bits = self.peek(n);
        self.consume(n);
        bits
    }

    /// Some of the bits used so far were invented: the data ended (at a
    /// marker or at the end of the file) before the decoder was done.
    pub(super) fn overran(&self) -> bool {
        self.count < self.invented
    }

    /// Moves to the marker that ends this segment: the bits left in the
    /// buffer are the padding of its last byte (or bytes the encoder should
    /// not have written, which libjpeg also skips). Returns the marker's
    /// code and the data after it, or `None` at the end of the file.
    pub(super) fn finish(mut self) -> Option<(u8, &'a [u8])> {
        let data = self.data;
        let mut pos = self.pos;
        loop {
            // Skip to a 0xFF that starts a marker, past stuffed 0xFF 0x00.
            while *data.get(pos)? != 0xFF {
                pos += 1;
            }
            while *data.get(pos)? == 0xFF {
                pos += 1;
            }
            let code = data[pos];
            pos += 1;
            if code != 0x00 {
                self.pos = pos;
                return Some((code, &data[pos..]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bits_in_order_and_drops_stuffing() {
        let mut r = BitReader::new(&[0b1010_0000, 0xFF, 0x00, 0x0F]);
        r.refill();
        assert_eq!(r.take(3), 0b101);
        assert_eq!(r.take(5), 0);
        assert_eq!(r.take(8), 0xFF);
        assert_eq!(r.take(8), 0x0F);
        assert!(!r.overran());
        r.refill();
        assert_eq!(r.take(1), 0);
        assert!(r.overran(), "a bit past the end is an invented one");
    }

    #[test]
    fn the_fast_refill_reads_what_the_slow_one_does() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37)).collect();
        let mut r = BitReader::new(&data);
        let mut bits = Vec::new();
        for n in (1..=16).cycle().take(30) {
            r.refill();
            bits.push((n, r.take(n)));
        }
        let mut expected = Vec::new();
        let mut acc = 0u64;
        let mut have = 0u32;
        let mut bytes = data.iter();
        for &(n, _) in &bits {
            while have < n {
                acc = (acc << 8) | u64::from(*bytes.next().unwrap());
                have += 8;
            }
            expected.push((n, ((acc >> (have - n)) & ((1 << n) - 1)) as u32));
            have -= n;
        }
        assert_eq!(bits, expected);
    }

    #[test]
    fn stops_at_a_marker_and_finds_it() {
        let data = [0xAB, 0xFF, 0xD3, 0x12];
        let mut r = BitReader::new(&data);
        r.refill();
        assert_eq!(r.take(8), 0xAB);
        assert!(!r.overran());
        let (code, rest) = r.finish().unwrap();
        assert_eq!((code, rest), (0xD3, &[0x12][..]));
    }
}
