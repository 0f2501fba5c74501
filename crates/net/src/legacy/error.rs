//! Everything that can make [`super::decode`] refuse a pickle.

use super::opcodes;

/// Why a pickle was refused.
///
/// The bytes come from the network, so every variant names what was found
/// (the opcode, the global, the dtype, the shape, the byte offset) in words
/// that end up in the server's log. Whatever the variant, nothing was
/// imported, called or allocated beyond the size of the input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PickleError {
    /// The input ends in the middle of an opcode or its argument, or before STOP.
    #[error("the pickle is cut short: it ends at byte {offset}, in the middle of {what}")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Where, in bytes from the start of the pickle.
        offset: usize,
    },

    /// A length field announces more bytes than the input still holds.
    /// Refused before anything is allocated for it.
    #[error(
        "{what} at byte {offset} announces {len} bytes, but only {available} are left in the pickle"
    )]
    LengthPastEnd {
        /// What was being read.
        what: &'static str,
        /// Where, in bytes from the start of the pickle.
        offset: usize,
        /// The length announced, in bytes.
        len: u64,
        /// The bytes left after it.
        available: usize,
    },

    /// An opcode outside the subset numpy writes for an array.
    #[error(
        "opcode {} at byte {offset} is not one numpy writes for an array: vigie does not interpret it",
        opcodes::describe(*opcode)
    )]
    UnsupportedOpcode {
        /// The opcode.
        opcode: u8,
        /// Where, in bytes from the start of the pickle.
        offset: usize,
    },

    /// A PROTO opcode for a protocol that does not exist.
    #[error("the pickle says it uses protocol {0}, the highest that exists is 5")]
    UnsupportedProtocol(u8),

    /// A GLOBAL or STACK_GLOBAL naming anything outside the allow-list.
    #[error(
        "the pickle asks for the global `{0}`, which is not on vigie's allow-list \
         (numpy's _reconstruct and _frombuffer, numpy.ndarray, numpy.dtype, _codecs.encode): \
         refused, nothing was imported or run"
    )]
    ForbiddenGlobal(String),

    /// An argument that does not parse: an INT line that is not a number,
    /// a bad escape in a UNICODE line, text that is not UTF-8…
    #[error("malformed {what} at byte {offset}: {detail}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// Where, in bytes from the start of the pickle.
        offset: usize,
        /// What is wrong with it.
        detail: String,
    },

    /// An opcode found values of the wrong kind on the stack.
    #[error("opcode {opcode} at byte {offset} needs {expected}, found {found}")]
    BadOperand {
        /// The opcode.
        opcode: &'static str,
        /// Where, in bytes from the start of the pickle.
        offset: usize,
        /// What numpy writes there.
        expected: &'static str,
        /// What was found instead.
        found: String,
    },

    /// An opcode needs a value on the stack (above the last MARK) and there is none.
    #[error("opcode {opcode} at byte {offset} needs a value on the stack, and it is empty")]
    StackUnderflow {
        /// The opcode.
        opcode: &'static str,
        /// Where, in bytes from the start of the pickle.
        offset: usize,
    },

    /// TUPLE without a MARK before it.
    #[error("opcode {opcode} at byte {offset} needs a MARK before it, and none is open")]
    NoMark {
        /// The opcode.
        opcode: &'static str,
        /// Where, in bytes from the start of the pickle.
        offset: usize,
    },

    /// More values on the stack than any numpy array needs.
    #[error("the pickle pushes more than {max} values on the stack (numpy needs about 10)")]
    StackOverflow {
        /// vigie's limit.
        max: usize,
    },

    /// More nested MARKs than any numpy array needs.
    #[error("the pickle opens more than {max} nested MARKs (numpy needs 3)")]
    TooManyMarks {
        /// vigie's limit.
        max: usize,
    },

    /// Tuples nested deeper than any numpy array needs.
    #[error("the pickle nests tuples more than {max} deep (numpy needs 2)")]
    NestingTooDeep {
        /// vigie's limit.
        max: usize,
    },

    /// A PUT (or MEMOIZE) to a memo slot above the limit.
    #[error("memo slot {index} is above vigie's limit of {max} (numpy uses about 20)")]
    MemoIndexTooLarge {
        /// The memo slot.
        index: u64,
        /// vigie's limit.
        max: usize,
    },

    /// A GET of a memo slot that nothing was stored in.
    #[error("GET at byte {offset} reads memo slot {index}, which was never set")]
    MemoMissing {
        /// The memo slot.
        index: u64,
        /// Where, in bytes from the start of the pickle.
        offset: usize,
    },

    /// An allowed callable called with arguments numpy never writes.
    #[error(
        "`{callable}` is called with {found}, not with the arguments numpy writes ({expected})"
    )]
    BadCall {
        /// The allowed callable.
        callable: &'static str,
        /// What numpy writes there.
        expected: &'static str,
        /// What was found instead.
        found: String,
    },

    /// A BUILD whose object or state is not what numpy writes.
    #[error("BUILD sets the state of {target} to {found}, not a state numpy writes ({expected})")]
    BadState {
        /// The object whose state is set.
        target: String,
        /// What numpy writes there.
        expected: &'static str,
        /// What was found instead.
        found: String,
    },

    /// An array of anything but uint8.
    #[error("the array holds values of dtype {0}, vigie only accepts uint8 (|u1)")]
    WrongDtype(String),

    /// An array that is neither 1-D (JPEG) nor (height, width, 3) (BGR).
    #[error("an array of shape {0} is neither a JPEG (1-D) nor a BGR picture (height, width, 3)")]
    WrongShape(String),

    /// An array with no bytes in it.
    #[error("the array of shape {0} is empty: there is no picture in it")]
    EmptyArray(String),

    /// The data does not hold exactly as many bytes as the shape says.
    #[error("an array of shape {shape} needs {expected} bytes of data, the pickle holds {actual}")]
    LengthMismatch {
        /// The array's shape.
        shape: String,
        /// What numpy writes there.
        expected: u64,
        /// The bytes found.
        actual: usize,
    },

    /// An array in column-major order.
    #[error(
        "the array is in Fortran (column-major) order, vigie only accepts C order (what OpenCV produces)"
    )]
    FortranOrder,

    /// The pickle is well formed but holds something else than a uint8 array.
    #[error("the pickle holds {0}, not a numpy array")]
    NotAnArray(String),

    /// STOP with more than one value on the stack, or inside a MARK.
    #[error(
        "STOP at byte {offset} leaves {left} values and {marks} MARKs behind; numpy leaves none"
    )]
    UnfinishedStack {
        /// Where, in bytes from the start of the pickle.
        offset: usize,
        /// Values left on the stack.
        left: usize,
        /// MARKs still open.
        marks: usize,
    },

    /// Bytes after the STOP opcode.
    #[error("{0} bytes follow the STOP opcode: a message must hold exactly one pickle")]
    TrailingData(usize),
}

/// Shortens text that came from the peer before it goes into an error
/// message: a 1 MB "module name" must not become a 1 MB log line.
pub(super) fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text() {
        assert_eq!(clip("os.system", 20), "os.system");
        assert_eq!(clip("ééééé", 3), "ééé…");
    }

    #[test]
    fn messages_name_what_was_found() {
        let e = PickleError::UnsupportedOpcode {
            opcode: 0x97,
            offset: 49,
        };
        assert_eq!(
            e.to_string(),
            "opcode 0x97 (NEXT_BUFFER) at byte 49 is not one numpy writes for an array: \
             vigie does not interpret it"
        );
        let e = PickleError::ForbiddenGlobal("os.system".into());
        assert!(e
            .to_string()
            .starts_with("the pickle asks for the global `os.system`"));
    }
}
