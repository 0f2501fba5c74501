//! The markers before the picture: what [`super`] needs to know, and
//! whether it can decode the file at all.
//!
//! A JPEG file is a list of segments, each a marker (`0xFF` and a code)
//! and, for most, a two-byte length and a body. Before the entropy-coded
//! data come the tables (DQT: quantisation, DHT: Huffman, DRI: the restart
//! interval), the frame header (SOF: size and components) and the scan
//! header (SOS: which components, with which tables), in an order the
//! encoder chooses.
//!
//! This reader answers `Ok(None)`, "not for me", for every kind of file the
//! small decoder leaves to the general one: progressive, lossless or
//! arithmetic-coded files, 12-bit samples, CMYK, RGB stored as such, a luma
//! plane smaller than a colour plane, scans of one component out of
//! three. It answers an error only for a file no decoder could read.

use std::rc::Rc;

use libjpeg_turbo_rs::common::tables as standard;

use super::huffman::{Class, Huffman};
use crate::jpeg::{MAX_DECODE_PIXELS, MAX_DECODE_SIDE};
use crate::{Error, Result};

/// One component of the frame, with the tables the scan gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Component {
    /// Blocks across and down in one MCU (the sampling factors).
    pub(super) h: usize,
    pub(super) v: usize,
    /// Its quantisation table, DC and AC Huffman tables (0 to 3).
    pub(super) quant: usize,
    pub(super) dc: usize,
    pub(super) ac: usize,
}

/// What the decoder needs: the frame, the tables and where the data starts.
pub(super) struct Header<'a> {
    pub(super) width: u32,
    pub(super) height: u32,
    /// In scan order; the first is the luma (Y) plane.
    pub(super) components: Vec<Component>,
    /// The luma plane's quantisation table, in zigzag order.
    pub(super) luma_quant: [u16; 64],
    pub(super) dc: [Option<Rc<Huffman>>; 4],
    pub(super) ac: [Option<Rc<Huffman>>; 4],
    /// MCUs between restart markers (0: none).
    pub(super) restart_interval: usize,
    /// The entropy-coded data, to the end of the file.
    pub(super) data: &'a [u8],
}

/// A component as the frame header gives it, before the scan.
struct FrameComponent {
    id: u8,
    h: u8,
    v: u8,
    quant: u8,
}

/// Reads the markers up to the first scan.
pub(super) fn read(file: &[u8]) -> Result<Option<Header<'_>>> {
    if !file.starts_with(&[0xFF, 0xD8]) {
        return Err(corrupt("it does not start with SOI"));
    }
    let mut pos = 2;
    let mut frame: Option<(u32, u32, Vec<FrameComponent>)> = None;
    let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
    let mut dc: [Option<Rc<Huffman>>; 4] = Default::default();
    let mut ac: [Option<Rc<Huffman>>; 4] = Default::default();
    let mut restart_interval = 0;
    loop {
        // Stray bytes before a marker are skipped (some webcams write
        // them), then any number of 0xFF fill bytes.
        while file.get(pos).is_some_and(|&b| b != 0xFF) {
            pos += 1;
        }
        while file.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&code) = file.get(pos) else {
            return Err(corrupt("it ends before its first scan"));
        };
        pos += 1;
        match code {
            0x01 | 0xD0..=0xD7 => continue, // no length, no body
            0xD9 => return Err(corrupt("it ends (EOI) before its first scan")),
            0xD8 => return Ok(None), // a second SOI: leave it to libjpeg's rules
            _ => {}
        }
        let length = match file.get(pos..pos + 2) {
            Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
            _ => return Err(corrupt("a segment is cut short")),
        };
        let Some(body) = file.get(pos + 2..pos + length).filter(|_| length >= 2) else {
            return Err(corrupt("a segment is longer than the file"));
        };
        pos += length;
        match code {
            // Baseline and extended sequential, Huffman-coded.
            0xC0 | 0xC1 => {
                if frame.is_some() {
                    return Ok(None);
                }
                match read_frame(body)? {
                    Some(f) => frame = Some(f),
                    None => return Ok(None),
                }
            }
            // Progressive, lossless, hierarchical, arithmetic (and DAC).
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCF => return Ok(None),
            0xC4 => read_huffman(body, &mut dc, &mut ac)?,
            0xDB => read_quant(body, &mut quant)?,
            0xDD => {
                let &[hi, lo] = body else {
                    return Err(corrupt("its DRI segment has the wrong length"));
                };
                restart_interval = usize::from(u16::from_be_bytes([hi, lo]));
            }
            // Adobe's APP14 may say the planes are RGB or CMYK, not YCbCr.
            0xEE if body.starts_with(b"Adobe") => return Ok(None),
            0xDA => {
                let Some((width, height, components)) = frame else {
                    return Err(corrupt("its scan comes before its frame header"));
                };
                let Some(scan) = read_scan(body, &components)? else {
                    return Ok(None);
                };
                return finish(width, height, &components, scan, &quant, dc, ac).map(|h| {
                    h.map(|h| Header {
                        restart_interval,
                        data: &file[pos..],
                        ..h
                    })
                });
            }
            _ => {} // APPn, COM and the rest: nothing the picture needs
        }
    }
}

fn read_frame(body: &[u8]) -> Result<Option<(u32, u32, Vec<FrameComponent>)>> {
    let &[precision, h_hi, h_lo, w_hi, w_lo, count, ref rest @ ..] = body else {
        return Err(corrupt("its frame header is cut short"));
    };
    let height = u32::from(u16::from_be_bytes([h_hi, h_lo]));
    let width = u32::from(u16::from_be_bytes([w_hi, w_lo]));
    // 12-bit samples; a height given later (DNL); CMYK or two planes.
    if precision != 8 || height == 0 || !(count == 1 || count == 3) {
        return Ok(None);
    }
    if width == 0
        || width as usize > MAX_DECODE_SIDE
        || height as usize > MAX_DECODE_SIDE
        || width as usize * height as usize > MAX_DECODE_PIXELS
    {
        return Err(Error::InvalidSize {
            width,
            height,
            max: MAX_DECODE_SIDE as u32,
        });
    }
    // The length must be exactly what the components take, as libjpeg
    // checks: a wrong one is damage, and would put the data elsewhere.
    if rest.len() != 3 * usize::from(count) {
        return Err(corrupt("its frame header has the wrong length"));
    }
    let mut components = Vec::with_capacity(3);
    for c in rest.chunks_exact(3).take(usize::from(count)) {
        let (h, v) = (c[1] >> 4, c[1] & 15);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || c[2] > 3 {
            return Err(corrupt("a component has impossible sampling or tables"));
        }
        components.push(FrameComponent {
            id: c[0],
            h,
            v,
            quant: c[2],
        });
    }
    if count == 1 {
        // One plane: its blocks are the MCUs, whatever its factors say.
        components[0].h = 1;
        components[0].v = 1;
    } else {
        let ids: Vec<u8> = components.iter().map(|c| c.id).collect();
        let h_max = components.iter().map(|c| c.h).max().unwrap_or(1);
        let v_max = components.iter().map(|c| c.v).max().unwrap_or(1);
        let blocks: u8 = components.iter().map(|c| c.h * c.v).sum();
        if blocks > 10 {
            return Err(corrupt("its MCU has more than 10 blocks"));
        }
        // Planes named R, G, B are stored as RGB; a luma plane smaller
        // than the largest would need upsampling.
        if ids == b"RGB" || components[0].h != h_max || components[0].v != v_max {
            return Ok(None);
        }
    }
    Ok(Some((width, height, components)))
}

/// The scan's components (in scan order, by index in the frame) and tables.
type Scan = Vec<(usize, u8, u8)>;

fn read_scan(body: &[u8], frame: &[FrameComponent]) -> Result<Option<Scan>> {
    let Some((&count, rest)) = body.split_first() else {
        return Err(corrupt("its scan header is cut short"));
    };
    let count = usize::from(count);
    // Exactly two bytes per component and three more, as libjpeg checks:
    // the data starts where the length says, so a wrong one would make
    // this decoder and the general one read different bytes.
    if rest.len() != 2 * count + 3 {
        return Err(corrupt("its scan header has the wrong length"));
    }
    let tail = &rest[2 * count..];
    // One scan with every component; a greyscale file's single plane.
    if count != frame.len() {
        return Ok(None);
    }
    // Start and end of the spectral band, approximation bits: a sequential
    // scan codes all 64 coefficients at once.
    if tail != [0, 63, 0] {
        return Ok(None);
    }
    let mut scan = Vec::with_capacity(count);
    for (i, pair) in rest[..2 * count].chunks_exact(2).enumerate() {
        if frame.get(i).map(|c| c.id) != Some(pair[0]) {
            return Ok(None); // components out of frame order
        }
        let (dc, ac) = (pair[1] >> 4, pair[1] & 15);
        if dc > 3 || ac > 3 {
            return Err(corrupt("its scan names a Huffman table that cannot exist"));
        }
        scan.push((i, dc, ac));
    }
    Ok(Some(scan))
}

fn finish<'a>(
    width: u32,
    height: u32,
    frame: &[FrameComponent],
    scan: Scan,
    quant: &[Option<[u16; 64]>; 4],
    mut dc: [Option<Rc<Huffman>>; 4],
    mut ac: [Option<Rc<Huffman>>; 4],
) -> Result<Option<Header<'a>>> {
    let mut components = Vec::with_capacity(scan.len());
    for (index, dc_id, ac_id) in scan {
        let c = &frame[index];
        if quant[usize::from(c.quant)].is_none() {
            return Err(corrupt("a quantisation table it uses is missing"));
        }
        // Motion-JPEG webcams leave out the Huffman tables and mean the
        // standard ones (the AVI1 convention), as libjpeg assumes too.
        for (tables, id, is_dc) in [(&mut dc, dc_id, true), (&mut ac, ac_id, false)] {
            let slot = &mut tables[usize::from(id)];
            if slot.is_none() {
                *slot = Some(standard_table(id, is_dc)?);
            }
        }
        components.push(Component {
            h: usize::from(c.h),
            v: usize::from(c.v),
            quant: usize::from(c.quant),
            dc: usize::from(dc_id),
            ac: usize::from(ac_id),
        });
    }
    let luma_quant = quant[components[0].quant].expect("checked above");
    Ok(Some(Header {
        width,
        height,
        components,
        luma_quant,
        dc,
        ac,
        restart_interval: 0,
        data: &[],
    }))
}

/// The tables of the JPEG standard's annex K: table 0 for luma, 1 for
/// colour.
fn standard_table(id: u8, is_dc: bool) -> Result<Rc<Huffman>> {
    let (bits, symbols): (&[u8; 17], &[u8]) = match (id, is_dc) {
        (0, true) => (&standard::DC_LUMINANCE_BITS, &standard::DC_LUMINANCE_VALUES),
        (1, true) => (
            &standard::DC_CHROMINANCE_BITS,
            &standard::DC_CHROMINANCE_VALUES,
        ),
        (0, false) => (&standard::AC_LUMINANCE_BITS, &standard::AC_LUMINANCE_VALUES),
        (1, false) => (
            &standard::AC_CHROMINANCE_BITS,
            &standard::AC_CHROMINANCE_VALUES,
        ),
        _ => return Err(corrupt("a Huffman table it uses is missing")),
    };
    let counts: &[u8; 16] = bits[1..].try_into().expect("17 entries, the first unused");
    Huffman::cached(if is_dc { Class::Dc } else { Class::Ac }, counts, symbols)
}

fn read_huffman(
    mut body: &[u8],
    dc: &mut [Option<Rc<Huffman>>; 4],
    ac: &mut [Option<Rc<Huffman>>; 4],
) -> Result<()> {
    while let Some((&class_id, rest)) = body.split_first() {
        let (class, id) = (class_id >> 4, usize::from(class_id & 15));
        let Some(counts) = rest.get(..16) else {
            return Err(corrupt("a Huffman table is cut short"));
        };
        let counts: &[u8; 16] = counts.try_into().expect("16 bytes");
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let Some(symbols) = rest.get(16..16 + total) else {
            return Err(corrupt("a Huffman table is cut short"));
        };
        if class > 1 || id > 3 {
            return Err(corrupt("a Huffman table has an impossible class or number"));
        }
        let kind = if class == 0 { Class::Dc } else { Class::Ac };
        let table = Huffman::cached(kind, counts, symbols)?;
        if class == 0 {
            dc[id] = Some(table);
        } else {
            ac[id] = Some(table);
        }
        body = &rest[16 + total..];
    }
    Ok(())
}

fn read_quant(mut body: &[u8], quant: &mut [Option<[u16; 64]>; 4]) -> Result<()> {
    while let Some((&precision_id, rest)) = body.split_first() {
        let (precision, id) = (precision_id >> 4, usize::from(precision_id & 15));
        if precision > 1 || id > 3 {
            return Err(corrupt(
                "a quantisation table has an impossible precision or number",
            ));
        }
        let size = 64 << precision;
        let Some(values) = rest.get(..size) else {
            return Err(corrupt("a quantisation table is cut short"));
        };
        let mut table = [0u16; 64];
        for (k, q) in table.iter_mut().enumerate() {
            *q = if precision == 0 {
                u16::from(values[k])
            } else {
                u16::from_be_bytes([values[2 * k], values[2 * k + 1]])
            };
        }
        quant[id] = Some(table);
        body = &rest[size..];
    }
    Ok(())
}

pub(super) fn corrupt(why: &str) -> Error {
    Error::JpegDecode(format!("corrupt JPEG: {why}"))
}
