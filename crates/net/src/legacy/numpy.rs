//! What numpy's pickles *mean*, interpreted symbolically.
//!
//! A pickled array says "call `_reconstruct(ndarray, (0,), b'b')`, then give
//! the result this state". Python looks those names up and runs them, which
//! is exactly the danger: the same mechanism runs `os.system`. Here a global
//! is only a name checked against [`Global::lookup`]'s allow-list, and
//! "calling" it ([`reduce`]) or "setting its state" ([`build`]) checks that
//! the arguments are the ones numpy writes, then records what they say.
//!
//! Two recipes exist, both read:
//!
//! - protocols 0 to 4 (and 5 for non-contiguous arrays):
//!   `_reconstruct(ndarray, (0,), b'b')`, then BUILD with
//!   `(1, shape, dtype, is_fortran, data)`;
//! - protocol 5: `_frombuffer(data, dtype, shape, order)`.
//!
//! numpy 2 moved its internals from `numpy.core` to `numpy._core`; the
//! streams are otherwise identical, so both spellings are allowed.

use std::rc::Rc;

use bytes::Bytes;

use super::value::{Array, Dtype, Tuple, Value};
use super::{LegacyImage, PickleError};

/// The globals a numpy array pickle may name. Nothing else is ever accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Global {
    /// `numpy.core.multiarray._reconstruct` (numpy 2: `numpy._core…`).
    Reconstruct,
    /// `numpy.core.numeric._frombuffer` (numpy 2: `numpy._core…`), protocol 5.
    FromBuffer,
    /// `numpy.ndarray`, only as `_reconstruct`'s first argument.
    Ndarray,
    /// `numpy.dtype`.
    Dtype,
    /// `_codecs.encode`: how Python 3 writes `bytes` in protocols 0 to 2,
    /// as `_codecs.encode('<the bytes as latin-1 text>', 'latin1')`.
    CodecsEncode,
}

impl Global {
    /// The allow-list: `Some` only for the exact names numpy's pickles use.
    pub(super) fn lookup(module: &str, name: &str) -> Option<Global> {
        Some(match (module, name) {
            ("numpy.core.multiarray" | "numpy._core.multiarray", "_reconstruct") => {
                Global::Reconstruct
            }
            ("numpy.core.numeric" | "numpy._core.numeric", "_frombuffer") => Global::FromBuffer,
            ("numpy", "ndarray") => Global::Ndarray,
            ("numpy", "dtype") => Global::Dtype,
            ("_codecs", "encode") => Global::CodecsEncode,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Global::Reconstruct => "numpy.core.multiarray._reconstruct",
            Global::FromBuffer => "numpy.core.numeric._frombuffer",
            Global::Ndarray => "numpy.ndarray",
            Global::Dtype => "numpy.dtype",
            Global::CodecsEncode => "_codecs.encode",
        }
    }
}

/// REDUCE: "calls" an allowed global with `args`.
pub(super) fn reduce(callable: Global, args: &Tuple) -> Result<Value, PickleError> {
    let bad = |expected| PickleError::BadCall {
        callable: callable.name(),
        expected,
        found: Value::Tuple(Rc::new(Tuple::new(args.items.clone()))).describe(),
    };
    match (callable, args.items.as_slice()) {
        (Global::CodecsEncode, [Value::Str(text), Value::Str(codec)]) if &**codec == "latin1" => {
            latin1(text)
                .map(Value::Bytes)
                .map_err(|detail| PickleError::BadCall {
                    callable: callable.name(),
                    expected: "text whose characters all fit in latin-1",
                    found: detail,
                })
        }
        // Already one byte per character: nothing to encode.
        (Global::CodecsEncode, [Value::Latin1(bytes), Value::Str(codec)])
            if &**codec == "latin1" =>
        {
            Ok(Value::Bytes(bytes.clone()))
        }
        (Global::CodecsEncode, _) => Err(bad("(text, 'latin1')")),
        (Global::Dtype, [Value::Str(descr), Value::Bool(false), Value::Bool(true)]) => {
            Ok(Value::Dtype(Rc::new(Dtype {
                descr: descr.clone(),
                byteorder: Default::default(),
            })))
        }
        (Global::Dtype, _) => Err(bad("(type string, False, True)")),
        (
            Global::Reconstruct,
            [Value::Global(Global::Ndarray), Value::Tuple(shape), Value::Bytes(code)],
        ) if matches!(shape.items.as_slice(), [Value::Int(0)]) && code == "b" => {
            Ok(Value::Array(Rc::new(Array::default())))
        }
        (Global::Reconstruct, _) => Err(bad("(numpy.ndarray, (0,), b'b')")),
        (
            Global::FromBuffer,
            [Value::Bytes(data) | Value::ByteArray(data), Value::Dtype(dtype), Value::Tuple(shape), Value::Str(order)],
        ) => {
            check_uint8(dtype)?;
            match &**order {
                "C" => {}
                "F" => return Err(PickleError::FortranOrder),
                _ => return Err(bad("(data, dtype, shape, 'C')")),
            }
            let image = image_from(
                &dims(shape).ok_or_else(|| bad("a shape of integers"))?,
                data.clone(),
            )?;
            Ok(Value::Array(Rc::new(Array {
                image: image.into(),
            })))
        }
        (Global::FromBuffer, _) => Err(bad("(data, dtype, shape, order)")),
        (Global::Ndarray, _) => Err(bad(
            "nothing: numpy.ndarray is only _reconstruct's first argument",
        )),
    }
}

/// BUILD: gives `target` (a dtype or an array from `_reconstruct`) its state.
pub(super) fn build(target: &Value, state: &Value) -> Result<(), PickleError> {
    let items = match state {
        Value::Tuple(t) => t.items.as_slice(),
        _ => &[],
    };
    let bad = |expected| PickleError::BadState {
        target: target.describe(),
        expected,
        found: state.describe(),
    };
    match target {
        Value::Dtype(dtype) => match items {
            [Value::Int(3), Value::Str(order), Value::None, Value::None, Value::None, Value::Int(-1), Value::Int(-1), Value::Int(0)]
                if matches!(&**order, "|" | "<" | ">" | "=") =>
            {
                dtype
                    .byteorder
                    .set(order.clone())
                    .map_err(|_| bad("a dtype is built once"))
            }
            _ => Err(bad("(3, byte order, None, None, None, -1, -1, 0)")),
        },
        Value::Array(array) => match items {
            [Value::Int(1), Value::Tuple(shape), Value::Dtype(dtype), Value::Bool(fortran), Value::Bytes(data)] =>
            {
                check_uint8(dtype)?;
                if *fortran {
                    return Err(PickleError::FortranOrder);
                }
                let dims = dims(shape).ok_or_else(|| bad("a shape of integers"))?;
                let image = image_from(&dims, data.clone())?;
                array
                    .image
                    .set(image)
                    .map_err(|_| bad("an array is built once"))
            }
            _ => Err(bad("(1, shape, dtype, False, data)")),
        },
        _ => Err(bad("nothing: only a dtype or a numpy array is BUILT")),
    }
}

/// The picture at the end of the pickle, if it is a complete array.
pub(super) fn finish(value: Value) -> Result<LegacyImage, PickleError> {
    match &value {
        Value::Array(array) => array.image.get().cloned(),
        _ => None,
    }
    .ok_or_else(|| PickleError::NotAnArray(value.describe()))
}

fn check_uint8(dtype: &Dtype) -> Result<(), PickleError> {
    match (&*dtype.descr, dtype.byteorder.get().map(|o| &**o)) {
        ("u1", Some("|")) => Ok(()),
        _ => Err(PickleError::WrongDtype(dtype.spelled())),
    }
}

/// A shape tuple as numbers; `None` if an item is not an integer.
fn dims(shape: &Tuple) -> Option<Vec<i64>> {
    shape
        .items
        .iter()
        .map(|v| match v {
            Value::Int(i) => Some(*i),
            _ => None,
        })
        .collect()
}

/// `(480, 640, 3)`, `(683,)`: a shape as Python prints it.
fn show(dims: &[i64]) -> String {
    let parts: Vec<String> = dims.iter().take(8).map(i64::to_string).collect();
    let etc = if dims.len() > 8 { ", …" } else { "" };
    let comma = if dims.len() == 1 { "," } else { "" };
    format!("({}{etc}{comma})", parts.join(", "))
}

/// Checks that the shape is a picture vigie knows and that the data fills it
/// exactly.
fn image_from(dims: &[i64], data: Bytes) -> Result<LegacyImage, PickleError> {
    let shape = || show(dims);
    if dims.iter().any(|&d| d < 0) {
        return Err(PickleError::WrongShape(shape()));
    }
    let (expected, image) = match *dims {
        [len] => (len as u64, LegacyImage::Jpeg(data.clone())),
        [height, width, 3] => {
            let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
                return Err(PickleError::WrongShape(shape()));
            };
            // u32 × u32 × 3 can overflow a u64; such a length never matches the data.
            let len = u64::from(w)
                .checked_mul(u64::from(h))
                .and_then(|n| n.checked_mul(3))
                .unwrap_or(u64::MAX);
            let image = LegacyImage::Bgr {
                width: w,
                height: h,
                pixels: data.clone(),
            };
            (len, image)
        }
        _ => return Err(PickleError::WrongShape(shape())),
    };
    if expected != data.len() as u64 {
        return Err(PickleError::LengthMismatch {
            shape: shape(),
            expected,
            actual: data.len(),
        });
    }
    if expected == 0 {
        return Err(PickleError::EmptyArray(shape()));
    }
    Ok(image)
}

/// `_codecs.encode(text, 'latin1')`: one byte per character, each below 256.
///
/// This runs over every byte of a protocol 0 picture, so it reads the UTF-8
/// bytes rather than decoding `char`s (the profile showed the `char` version
/// taking half of the decoder's time). In UTF-8, U+0000–U+007F is one byte
/// and U+0080–U+00FF is two, `C2` or `C3` then a continuation byte holding the
/// low six bits; any other lead byte is a character latin-1 cannot encode.
fn latin1(text: &str) -> Result<Bytes, String> {
    let utf8 = text.as_bytes();
    let mut out = Vec::with_capacity(utf8.len());
    let mut i = 0;
    while let Some(&b) = utf8.get(i) {
        if b < 0x80 {
            out.push(b);
            i += 1;
            continue;
        }
        match (b, utf8.get(i + 1)) {
            (0xC2 | 0xC3, Some(&next)) => {
                out.push((b & 0x03) << 6 | (next & 0x3F));
                i += 2;
            }
            _ => return Err(not_latin1(text, i)),
        }
    }
    Ok(Bytes::from(out))
}

/// The error for the character starting at byte `at` of `text`, counted in
/// characters as Python counts them.
fn not_latin1(text: &str, at: usize) -> String {
    let position = text.get(..at).map_or(0, |before| before.chars().count());
    let code = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, u32::from);
    format!("character U+{code:04X} at position {position}, which latin-1 cannot encode")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_reads_utf8_bytes_as_the_char_version_did() {
        let all: String = (0u8..=255).map(char::from).collect();
        let bytes = latin1(&all).unwrap();
        assert_eq!(&bytes[..], &(0u8..=255).collect::<Vec<u8>>()[..]);
        assert_eq!(&latin1("").unwrap()[..], b"");
        // Past U+00FF: refused, at the position Python would name.
        for (text, message) in [
            ("ab\u{100}", "character U+0100 at position 2"),
            ("\u{ff}\u{20ac}", "character U+20AC at position 1"),
            ("\u{1F600}", "character U+1F600 at position 0"),
        ] {
            let err = latin1(text).unwrap_err();
            assert!(err.starts_with(message), "{err}");
        }
    }
}
