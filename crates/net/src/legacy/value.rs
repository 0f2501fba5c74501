//! The values the safe pickle machine can hold on its stack and in its memo.
//!
//! Python's unpickler can build any object. This one only knows the handful
//! of kinds that appear in a pickled numpy array: small constants, text, byte
//! strings, tuples, the allowed globals (as *names*, never as functions), and
//! two symbolic objects, a dtype and an array, whose "construction" is just
//! checking that the arguments are the ones numpy writes.
//!
//! Values are cheap to clone (the big ones are reference-counted): `GET`
//! pushes a clone of a memo entry, it never copies picture data.

use std::cell::OnceCell;
use std::fmt::Write;
use std::rc::Rc;

use bytes::Bytes;

use super::error::clip;
use super::numpy::Global;
use super::LegacyImage;

#[derive(Debug, Clone)]
pub(super) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Str(Rc<str>),
    /// Long protocol 0 text whose characters all fit in latin-1, kept one
    /// byte per character. The only long text numpy writes is a picture on
    /// its way to `_codecs.encode(text, 'latin1')`; turning tens of kilobytes
    /// into UTF-8 and back took most of the decoder's time (see
    /// `docs/PERFORMANCE.md`), so such text is never a `str`.
    Latin1(Bytes),
    Bytes(Bytes),
    /// A `bytearray` (protocol 5's `BYTEARRAY8`), which numpy accepts in
    /// fewer places than `bytes`.
    ByteArray(Bytes),
    Tuple(Rc<Tuple>),
    Global(Global),
    /// The result of `numpy.dtype(descr, False, True)`, completed by BUILD.
    Dtype(Rc<Dtype>),
    /// The result of `_reconstruct` (filled in by BUILD) or of `_frombuffer`.
    Array(Rc<Array>),
}

/// A tuple, with how deep tuples nest inside it: nesting is bounded, so
/// that dropping or printing a value never recurses without limit.
#[derive(Debug)]
pub(super) struct Tuple {
    pub(super) items: Vec<Value>,
    pub(super) depth: usize,
}

impl Tuple {
    pub(super) fn new(items: Vec<Value>) -> Tuple {
        let depth = 1 + items.iter().map(Value::depth).max().unwrap_or(0);
        Tuple { items, depth }
    }
}

/// A numpy dtype: the type string numpy calls it with (`u1`), and the byte
/// order its BUILD state gives (`|`, `<`, `>`).
///
/// BUILD changes an object in place in Python, and the memo may hold the
/// same object: the byte order is a [`OnceCell`] set by the one BUILD.
#[derive(Debug)]
pub(super) struct Dtype {
    pub(super) descr: Rc<str>,
    pub(super) byteorder: OnceCell<Rc<str>>,
}

impl Dtype {
    /// How numpy writes the dtype: `|u1`, `<f8`.
    pub(super) fn spelled(&self) -> String {
        let order = self.byteorder.get().map_or("", |o| o);
        clip(&format!("{order}{}", self.descr), 40)
    }
}

/// An array: empty when `_reconstruct` made it, checked and complete once
/// BUILD gave it its state (or straight away for `_frombuffer`).
#[derive(Debug, Default)]
pub(super) struct Array {
    pub(super) image: OnceCell<LegacyImage>,
}

impl Value {
    fn depth(&self) -> usize {
        match self {
            Value::Tuple(t) => t.depth,
            _ => 0,
        }
    }

    /// A short, Python-like description for error messages: `None`, `3`,
    /// `'u1'`, `bytes of length 683`, `(1, (7,), dtype('|u1'))`.
    pub(super) fn describe(&self) -> String {
        let mut out = String::new();
        self.describe_into(&mut out);
        clip(&out, 200)
    }

    fn describe_into(&self, out: &mut String) {
        if out.len() > 200 {
            return;
        }
        // Writing to a String cannot fail.
        let _ = match self {
            Value::None => write!(out, "None"),
            Value::Bool(true) => write!(out, "True"),
            Value::Bool(false) => write!(out, "False"),
            Value::Int(i) => write!(out, "{i}"),
            Value::Str(s) => write!(out, "'{}'", clip(s, 30).escape_debug()),
            Value::Latin1(t) => write!(out, "text of length {}", t.len()),
            Value::Bytes(b) => write!(out, "bytes of length {}", b.len()),
            Value::ByteArray(b) => write!(out, "bytearray of length {}", b.len()),
            Value::Global(g) => write!(out, "{}", g.name()),
            Value::Dtype(d) => write!(out, "dtype('{}')", d.spelled()),
            Value::Array(a) => match a.image.get() {
                Some(image) => write!(out, "an array ({image:?})"),
                None => write!(out, "an empty array waiting for BUILD"),
            },
            Value::Tuple(t) => {
                out.push('(');
                for (i, item) in t.items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.describe_into(out);
                }
                if t.items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
                Ok(())
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_look_like_python() {
        let t = Value::Tuple(Rc::new(Tuple::new(vec![
            Value::Int(1),
            Value::Tuple(Rc::new(Tuple::new(vec![Value::Int(7)]))),
            Value::Str("u1".into()),
            Value::Bool(false),
            Value::None,
            Value::Bytes(Bytes::from_static(b"abc")),
        ])));
        assert_eq!(
            t.describe(),
            "(1, (7,), 'u1', False, None, bytes of length 3)"
        );
        assert_eq!(t.depth(), 2);
    }

    #[test]
    fn long_descriptions_are_clipped() {
        let items = vec![Value::Str("x".repeat(100).into()); 50];
        let shown = Value::Tuple(Rc::new(Tuple::new(items))).describe();
        assert!(shown.chars().count() <= 201, "{}", shown.len());
        assert!(shown.ends_with('…'));
    }
}
