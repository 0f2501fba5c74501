//! A pickle machine that can only read numpy arrays, and never runs code.
//!
//! `pickle.loads` executes a program: a pickle is a list of opcodes for a
//! small stack machine, and two of them, `GLOBAL` (import any name) and
//! `REDUCE` (call it), are enough to run `os.system('…')` on the server.
//! That is why the report's server, which unpickled whatever arrived on
//! port 8485, could be taken over by anyone who could reach it.
//!
//! This machine has the same stack, MARKs and memo as Python's, and reads
//! the same bytes, but it only knows the opcodes numpy writes for an array,
//! and it hands globals, REDUCE and BUILD to [`super::numpy`], which treats
//! them as *names* and *arguments to check*, never as things to import or
//! call. Every resource is bounded: the stack, the MARKs, the memo, the
//! nesting of tuples, and every allocation (by the size of the input).
//!
//! | Opcodes                                               | Protocol |
//! |-------------------------------------------------------|----------|
//! | `MARK STOP INT NONE UNICODE GLOBAL REDUCE BUILD TUPLE PUT GET` | 0 |
//! | `BININT BININT1 BININT2 BINUNICODE EMPTY_TUPLE BINPUT LONG_BINPUT BINGET LONG_BINGET` | 1 |
//! | `PROTO TUPLE1 TUPLE2 TUPLE3 NEWTRUE NEWFALSE`         | 2        |
//! | `BINBYTES SHORT_BINBYTES`                             | 3        |
//! | `SHORT_BINUNICODE BINUNICODE8 BINBYTES8 STACK_GLOBAL MEMOIZE FRAME` | 4 |
//! | `BYTEARRAY8`                                          | 5        |
//!
//! Everything else (lists, dicts, floats, `NEWOBJ`, out-of-band buffers…) is
//! refused with [`PickleError::UnsupportedOpcode`], naming the opcode.

use std::rc::Rc;

use bytes::Bytes;

use super::numpy::{self, Global};
use super::opcodes as op;
use super::reader::{parse_decimal, raw_unicode_escape, unescape_latin1, Reader};
use super::value::{Tuple, Value};
use super::{LegacyImage, PickleError};

/// The most values the stack may hold (numpy needs about 10).
pub const MAX_STACK: usize = 64;
/// The most MARKs that may be open at once (numpy needs 3).
pub const MAX_MARKS: usize = 8;
/// The deepest tuples may nest (numpy needs 2).
pub const MAX_DEPTH: usize = 4;
/// The number of memo slots (numpy uses about 20).
pub const MAX_MEMO: usize = 256;
/// Protocol 0 text longer than this, if it fits in latin-1, stays bytes
/// ([`Value::Latin1`]): numpy's names and codes are far shorter, its
/// pictures far longer.
const LONG_TEXT: usize = 256;

/// Reads a pickled numpy uint8 array, as the report's client sent it, without
/// running anything.
///
/// Accepts exactly what `pickle.dumps(array, protocol)` writes for a uint8
/// array of shape `(n,)` (a JPEG file, from `cv2.imencode`) or
/// `(height, width, 3)` (a raw BGR picture), with protocols 0 to 5 and numpy
/// 1.x or 2.x. The input must be one whole pickle: nothing may follow STOP.
pub fn decode(data: &[u8]) -> Result<LegacyImage, PickleError> {
    run(Reader::new(data))
}

/// Like [`decode`], for a message already in a [`Bytes`] (as
/// `vigie_core::pack::Unpacker` returns them): with protocols 3 to 5, the
/// picture is then a slice of `data`, not a copy.
pub fn decode_bytes(data: &Bytes) -> Result<LegacyImage, PickleError> {
    run(Reader::shared(data))
}

fn run(mut input: Reader<'_>) -> Result<LegacyImage, PickleError> {
    let mut machine = Machine::default();
    loop {
        let offset = input.pos();
        let opcode = input.u8("an opcode (no STOP was found)")?;
        if opcode == op::STOP {
            let result = machine.stop(offset)?;
            if input.remaining() > 0 {
                return Err(PickleError::TrailingData(input.remaining()));
            }
            return numpy::finish(result);
        }
        machine.step(opcode, offset, &mut input)?;
    }
}

/// The state of the pickle machine between two opcodes.
#[derive(Default)]
struct Machine {
    stack: Vec<Value>,
    /// Where each open MARK starts on the stack.
    marks: Vec<usize>,
    memo: Vec<Option<Value>>,
    /// How many memo slots are set: Python's `len(memo)`, where MEMOIZE writes.
    memo_len: usize,
}

/// Where an opcode is, for error messages.
#[derive(Clone, Copy)]
struct At {
    opcode: &'static str,
    offset: usize,
}

impl Machine {
    fn step(
        &mut self,
        opcode: u8,
        offset: usize,
        input: &mut Reader<'_>,
    ) -> Result<(), PickleError> {
        let Some(name) = op::name(opcode) else {
            return Err(PickleError::UnsupportedOpcode { opcode, offset });
        };
        let at = At {
            opcode: name,
            offset,
        };
        let malformed = |detail: String| PickleError::Malformed {
            what: name,
            offset,
            detail,
        };
        match opcode {
            op::PROTO => {
                let protocol = input.u8(name)?;
                if protocol > op::HIGHEST_PROTOCOL {
                    return Err(PickleError::UnsupportedProtocol(protocol));
                }
            }
            // A FRAME only says how much to read ahead; the opcodes inside
            // are read like any others.
            op::FRAME => {
                let len = input.u64(name)?;
                input.check_len(len, name, offset)?;
            }
            op::MARK => {
                if self.marks.len() >= MAX_MARKS {
                    return Err(PickleError::TooManyMarks { max: MAX_MARKS });
                }
                self.marks.push(self.stack.len());
            }
            op::TUPLE => {
                let start = self.marks.pop().ok_or(PickleError::NoMark {
                    opcode: name,
                    offset,
                })?;
                let items = self.stack.split_off(start);
                self.push_tuple(items)?;
            }
            op::EMPTY_TUPLE => self.push_tuple(Vec::new())?,
            op::TUPLE1 | op::TUPLE2 | op::TUPLE3 => {
                let n = usize::from(opcode - op::TUPLE1 + 1);
                if self.available() < n {
                    return Err(PickleError::StackUnderflow {
                        opcode: name,
                        offset,
                    });
                }
                let items = self.stack.split_off(self.stack.len() - n);
                self.push_tuple(items)?;
            }
            op::NONE => self.push(Value::None)?,
            op::NEWTRUE => self.push(Value::Bool(true))?,
            op::NEWFALSE => self.push(Value::Bool(false))?,
            // Protocol 0 writes False and True as `I00` and `I01`.
            op::INT => {
                let value = match input.line(name)? {
                    b"00" => Value::Bool(false),
                    b"01" => Value::Bool(true),
                    line => Value::Int(parse_decimal(line).map_err(malformed)?),
                };
                self.push(value)?;
            }
            op::BININT1 => self.push(Value::Int(input.u8(name)?.into()))?,
            op::BININT2 => self.push(Value::Int(input.u16(name)?.into()))?,
            op::BININT => self.push(Value::Int(input.i32(name)?.into()))?,
            op::UNICODE => {
                let line = input.line(name)?;
                let latin1 = (line.len() > LONG_TEXT)
                    .then(|| unescape_latin1(line))
                    .flatten();
                let value = match latin1 {
                    Some(bytes) => Value::Latin1(bytes.into()),
                    None => Value::Str(raw_unicode_escape(line).map_err(malformed)?.into()),
                };
                self.push(value)?;
            }
            op::SHORT_BINUNICODE | op::BINUNICODE | op::BINUNICODE8 => {
                let len = read_len(opcode, input, name)?;
                let raw = input.counted(len, name, offset)?;
                let text = std::str::from_utf8(raw)
                    .map_err(|e| malformed(format!("the text is not UTF-8 ({e})")))?;
                self.push(Value::Str(text.into()))?;
            }
            op::SHORT_BINBYTES | op::BINBYTES | op::BINBYTES8 => {
                let len = read_len(opcode, input, name)?;
                self.push(Value::Bytes(input.counted_bytes(len, name, offset)?))?;
            }
            op::BYTEARRAY8 => {
                let len = input.u64(name)?;
                self.push(Value::ByteArray(input.counted_bytes(len, name, offset)?))?;
            }
            op::GLOBAL => {
                let module = utf8_line(input, name, offset)?;
                let attr = utf8_line(input, name, offset)?;
                self.push_global(module, attr)?;
            }
            op::STACK_GLOBAL => {
                let attr = self.pop(at)?;
                let module = self.pop(at)?;
                let (Value::Str(module), Value::Str(attr)) = (&module, &attr) else {
                    return Err(PickleError::BadOperand {
                        opcode: name,
                        offset,
                        expected: "a module name and a name (two strings)",
                        found: format!("{} and {}", module.describe(), attr.describe()),
                    });
                };
                self.push_global(module, attr)?;
            }
            op::REDUCE => {
                let args = self.pop(at)?;
                let callable = self.pop(at)?;
                let (Value::Global(callable), Value::Tuple(args)) = (&callable, &args) else {
                    return Err(PickleError::BadOperand {
                        opcode: name,
                        offset,
                        expected: "an allowed global and a tuple of arguments",
                        found: format!("{} and {}", callable.describe(), args.describe()),
                    });
                };
                let result = numpy::reduce(*callable, args)?;
                self.push(result)?;
            }
            op::BUILD => {
                let state = self.pop(at)?;
                let target = self.top(at)?;
                numpy::build(target, &state)?;
            }
            op::PUT => {
                let index = parse_decimal(input.line(name)?).map_err(malformed)?;
                // A negative index can never be read back: treat it as too large.
                self.memo_put(u64::try_from(index).unwrap_or(u64::MAX), at)?;
            }
            op::BINPUT => self.memo_put(input.u8(name)?.into(), at)?,
            op::LONG_BINPUT => self.memo_put(input.u32(name)?.into(), at)?,
            op::MEMOIZE => self.memo_put(self.memo_len as u64, at)?,
            op::GET => {
                let index = parse_decimal(input.line(name)?).map_err(malformed)?;
                self.memo_get(u64::try_from(index).unwrap_or(u64::MAX), at)?;
            }
            op::BINGET => self.memo_get(input.u8(name)?.into(), at)?,
            op::LONG_BINGET => self.memo_get(input.u32(name)?.into(), at)?,
            _ => return Err(PickleError::UnsupportedOpcode { opcode, offset }),
        }
        Ok(())
    }

    /// STOP: the one value left on the stack is the result.
    fn stop(&mut self, offset: usize) -> Result<Value, PickleError> {
        if self.stack.len() == 1 && self.marks.is_empty() {
            return Ok(self.stack.pop().expect("one value"));
        }
        if self.stack.is_empty() {
            return Err(PickleError::StackUnderflow {
                opcode: "STOP",
                offset,
            });
        }
        Err(PickleError::UnfinishedStack {
            offset,
            left: self.stack.len() - 1,
            marks: self.marks.len(),
        })
    }

    /// Values above the last MARK: the only ones an opcode may take.
    fn available(&self) -> usize {
        self.stack.len() - self.marks.last().copied().unwrap_or(0)
    }

    fn push(&mut self, value: Value) -> Result<(), PickleError> {
        if self.stack.len() >= MAX_STACK {
            return Err(PickleError::StackOverflow { max: MAX_STACK });
        }
        self.stack.push(value);
        Ok(())
    }

    fn push_tuple(&mut self, items: Vec<Value>) -> Result<(), PickleError> {
        let tuple = Tuple::new(items);
        if tuple.depth > MAX_DEPTH {
            return Err(PickleError::NestingTooDeep { max: MAX_DEPTH });
        }
        self.push(Value::Tuple(Rc::new(tuple)))
    }

    fn push_global(&mut self, module: &str, attr: &str) -> Result<(), PickleError> {
        match Global::lookup(module, attr) {
            Some(global) => self.push(Value::Global(global)),
            None => Err(PickleError::ForbiddenGlobal(super::error::clip(
                &format!("{module}.{attr}"),
                100,
            ))),
        }
    }

    fn pop(&mut self, at: At) -> Result<Value, PickleError> {
        self.top(at)?;
        Ok(self.stack.pop().expect("checked by top"))
    }

    fn top(&self, at: At) -> Result<&Value, PickleError> {
        if self.available() == 0 {
            return Err(PickleError::StackUnderflow {
                opcode: at.opcode,
                offset: at.offset,
            });
        }
        Ok(self.stack.last().expect("available > 0"))
    }

    fn memo_put(&mut self, index: u64, at: At) -> Result<(), PickleError> {
        let slot = usize::try_from(index)
            .ok()
            .filter(|&i| i < MAX_MEMO)
            .ok_or(PickleError::MemoIndexTooLarge {
                index,
                max: MAX_MEMO,
            })?;
        let value = self.top(at)?.clone();
        if self.memo.len() <= slot {
            self.memo.resize(slot + 1, None);
        }
        if self.memo[slot].replace(value).is_none() {
            self.memo_len += 1;
        }
        Ok(())
    }

    fn memo_get(&mut self, index: u64, at: At) -> Result<(), PickleError> {
        let value = usize::try_from(index)
            .ok()
            .and_then(|i| self.memo.get(i))
            .and_then(Option::as_ref)
            .ok_or(PickleError::MemoMissing {
                index,
                offset: at.offset,
            })?;
        self.push(value.clone())
    }
}

/// The length that follows a SHORT_ (one byte), plain (four bytes) or 8
/// (eight bytes) string opcode.
fn read_len(opcode: u8, input: &mut Reader<'_>, name: &'static str) -> Result<u64, PickleError> {
    Ok(match opcode {
        op::SHORT_BINUNICODE | op::SHORT_BINBYTES => input.u8(name)?.into(),
        op::BINUNICODE | op::BINBYTES => input.u32(name)?.into(),
        _ => input.u64(name)?,
    })
}

fn utf8_line<'a>(
    input: &mut Reader<'a>,
    name: &'static str,
    offset: usize,
) -> Result<&'a str, PickleError> {
    std::str::from_utf8(input.line(name)?).map_err(|e| PickleError::Malformed {
        what: name,
        offset,
        detail: format!("the name is not UTF-8 ({e})"),
    })
}
