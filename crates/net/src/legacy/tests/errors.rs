//! Each way a pickle can be refused, fed a hand-made pickle that does it.

use super::*;

#[test]
fn globals_outside_the_allow_list_are_named() {
    let e = err(b"cos\nsystem\n(Vecho pwned\ntR.");
    assert!(matches!(&e, PickleError::ForbiddenGlobal(g) if g == "os.system"));
    assert!(e.to_string().contains("`os.system`"), "{e}");
    let e = err(b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93.");
    assert!(matches!(&e, PickleError::ForbiddenGlobal(g) if g == "builtins.eval"));
    // Close to allowed names is not allowed.
    for (module, name) in [
        ("numpy.core.multiarray", "scalar"),
        ("numpy", "ndarray.tofile"),
        ("codecs", "encode"),
    ] {
        let e = err(format!("c{module}\n{name}\n.").as_bytes());
        assert!(matches!(&e, PickleError::ForbiddenGlobal(g) if *g == format!("{module}.{name}")));
    }
    let long = format!("c{}\nx\n.", "m".repeat(10_000));
    assert!(err(long.as_bytes()).to_string().len() < 400);
}

#[test]
fn opcodes_outside_the_subset_are_named() {
    let e = err(b"]."); // EMPTY_LIST
    assert!(matches!(
        e,
        PickleError::UnsupportedOpcode {
            opcode: b']',
            offset: 0
        }
    ));
    assert!(e.to_string().contains("0x5D (EMPTY_LIST)"), "{e}");
    let e = err(b"N\x01");
    assert!(
        e.to_string()
            .contains("0x01 (not a pickle opcode) at byte 1"),
        "{e}"
    );
    // Python 2's STRING and protocol 5's out-of-band buffers.
    assert!(err(b"S'u1'\n.").to_string().contains("(STRING)"));
    assert!(err(b"\x80\x05\x97.").to_string().contains("(NEXT_BUFFER)"));
    assert!(matches!(
        err(b"\x80\x06N."),
        PickleError::UnsupportedProtocol(6)
    ));
}

#[test]
fn truncations_and_lengths_past_the_end() {
    let pickle = Spec::jpeg(b"\xff\xd8\xff\xe0 jpeg").p3();
    for cut in 0..pickle.len() {
        match err(&pickle[..cut]) {
            PickleError::Truncated { .. } | PickleError::LengthPastEnd { .. } => {}
            other => panic!("cut at {cut}: {other}"),
        }
    }
    let e = err(b"\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\x7f");
    assert_eq!(
        e.to_string(),
        "BINBYTES8 at byte 2 announces 9223372036854775807 bytes, but only 0 are left in the pickle"
    );
    assert!(matches!(
        err(b"\x95\x10\0\0\0\0\0\0\0N."),
        PickleError::LengthPastEnd { what: "FRAME", .. }
    ));
    assert!(matches!(
        err(b"N"),
        PickleError::Truncated { offset: 1, .. }
    ));
}

#[test]
fn malformed_arguments() {
    for (pickle, what) in [
        (&b"I0x10\n."[..], "INT"),
        (b"I1_000\n.", "INT"),
        (b"Vbad \\u12\n.", "UNICODE"),
        (b"X\x02\0\0\0\xc3\x28.", "BINUNICODE"),
        (b"c\xff\nx\n.", "GLOBAL"),
        (b"Np-1x\n.", "PUT"),
        (b"g\n.", "GET"),
    ] {
        match err(pickle) {
            PickleError::Malformed { what: w, .. } if w == what => {}
            other => panic!("{what}: {other}"),
        }
    }
}

#[test]
fn stack_and_marks_are_bounded_and_checked() {
    assert!(matches!(
        err(&[b'N'; MAX_STACK + 1]),
        PickleError::StackOverflow { .. }
    ));
    assert!(matches!(
        err(&[b'('; MAX_MARKS + 1]),
        PickleError::TooManyMarks { .. }
    ));
    let mut nested = vec![b'N'];
    nested.extend([0x85; MAX_DEPTH + 1]);
    assert!(matches!(
        err(&nested),
        PickleError::NestingTooDeep { max: MAX_DEPTH }
    ));
    assert!(matches!(
        err(b"t"),
        PickleError::NoMark {
            opcode: "TUPLE",
            ..
        }
    ));
    assert!(matches!(
        err(b"R"),
        PickleError::StackUnderflow {
            opcode: "REDUCE",
            ..
        }
    ));
    assert!(matches!(
        err(b"."),
        PickleError::StackUnderflow { opcode: "STOP", .. }
    ));
    // A MARK hides what is below it.
    assert!(matches!(
        err(b"N(\x85"),
        PickleError::StackUnderflow {
            opcode: "TUPLE1",
            ..
        }
    ));
    assert!(matches!(
        err(b"(q\x00"),
        PickleError::StackUnderflow {
            opcode: "BINPUT",
            ..
        }
    ));
    let e = err(b"NN.");
    assert_eq!(
        e.to_string(),
        "STOP at byte 2 leaves 1 values and 0 MARKs behind; numpy leaves none"
    );
    assert!(matches!(
        err(b"(N."),
        PickleError::UnfinishedStack { marks: 1, .. }
    ));
}

#[test]
fn the_memo_is_bounded_and_checked() {
    assert!(matches!(
        err(b"Nr\xff\xff\xff\xff."),
        PickleError::MemoIndexTooLarge {
            index: 4_294_967_295,
            ..
        }
    ));
    assert!(matches!(
        err(b"Np4000000000\n."),
        PickleError::MemoIndexTooLarge { .. }
    ));
    assert!(matches!(
        err(b"Np-1\n."),
        PickleError::MemoIndexTooLarge { .. }
    ));
    let mut many = vec![b'N'];
    many.extend([0x94; MAX_MEMO + 1]);
    assert!(matches!(err(&many), PickleError::MemoIndexTooLarge { .. }));
    assert!(matches!(
        err(b"h\x05"),
        PickleError::MemoMissing {
            index: 5,
            offset: 0
        }
    ));
    assert!(matches!(
        err(b"Nq\x00g1\n"),
        PickleError::MemoMissing { index: 1, .. }
    ));
    // GET hands back the very object BUILD completed.
    let e = err(b"cnumpy\ndtype\n(Vu1\nI00\nI01\ntRp0\n(I3\nV|\nNNNI-1\nI-1\nI0\ntbg0\n\x86.");
    assert_eq!(
        e.to_string(),
        "the pickle holds (dtype('|u1'), dtype('|u1')), not a numpy array"
    );
}

#[test]
fn bad_operands() {
    let e = err(b"K\x01K\x02\x93");
    assert_eq!(
        e.to_string(),
        "opcode STACK_GLOBAL at byte 4 needs a module name and a name (two strings), found 1 and 2"
    );
    assert!(matches!(
        err(b"N)R"),
        PickleError::BadOperand {
            opcode: "REDUCE",
            ..
        }
    ));
    assert!(matches!(
        err(b"cnumpy\ndtype\nNR"),
        PickleError::BadOperand {
            opcode: "REDUCE",
            ..
        }
    ));
}

#[test]
fn calls_must_have_numpys_arguments() {
    for (pickle, callable) in [
        (&b"c_codecs\nencode\n(Vb\nVutf-8\ntR."[..], "_codecs.encode"),
        (
            b"c_codecs\nencode\n(V\\u0100\nVlatin1\ntR.",
            "_codecs.encode",
        ),
        (b"cnumpy\ndtype\n(Vu1\nI0\nI01\ntR.", "numpy.dtype"),
        (b"cnumpy\nndarray\n)R.", "numpy.ndarray"),
        (
            b"cnumpy.core.multiarray\n_reconstruct\n(cnumpy\nndarray\n(I1\ntC\x01btR.",
            "numpy.core.multiarray._reconstruct",
        ),
        (
            b"cnumpy.core.numeric\n_frombuffer\n(C\x01btR.",
            "numpy.core.numeric._frombuffer",
        ),
    ] {
        match err(pickle) {
            PickleError::BadCall { callable: c, .. } if c == callable => {}
            other => panic!("{callable}: {other}"),
        }
    }
    let e = err(b"c_codecs\nencode\n(V\\u0100\nVlatin1\ntR.");
    assert!(e.to_string().contains("U+0100 at position 0"), "{e}");
    // Fortran order in a protocol 5 call, and an unknown order.
    let spec = Spec {
        fortran: true,
        ..Spec::bgr(2, 2)
    };
    assert!(matches!(err(&spec.p5()), PickleError::FortranOrder));
    let e = err(&Spec::bgr(2, 2)
        .p5()
        .replace_last(b"\x8c\x01C", b"\x8c\x01K"));
    assert!(matches!(e, PickleError::BadCall { .. }), "{e}");
}

#[test]
fn states_must_be_numpys() {
    let e = err(b"N(I1\ntb.");
    assert!(
        matches!(&e, PickleError::BadState { target, .. } if target == "None"),
        "{e}"
    );
    let e = err(b"cnumpy\ndtype\n(Vu1\nI00\nI01\ntR(I4\nV|\nNNNI-1\nI-1\nI0\ntb.");
    assert!(matches!(e, PickleError::BadState { .. }), "{e}");
    let twice = b"cnumpy\ndtype\n(Vu1\nI00\nI01\ntR(I3\nV|\nNNNI-1\nI-1\nI0\ntp0\nbg0\nb.";
    assert!(err(twice).to_string().contains("a dtype is built once"));
    // The version of the array's state: 1 → 2.
    let p3 = Spec::jpeg(b"ab")
        .p3()
        .replace_last(b"q\x05(K\x01", b"q\x05(K\x02");
    assert!(matches!(err(&p3), PickleError::BadState { .. }));
}

#[test]
fn only_c_ordered_uint8_pictures_are_accepted() {
    let f8 = Spec {
        descr: "f8",
        byteorder: "<",
        ..Spec::jpeg(&[0; 8])
    };
    for pickle in [f8.p3(), f8.p5()] {
        let e = err(&pickle);
        assert!(matches!(&e, PickleError::WrongDtype(d) if d == "<f8"));
        assert_eq!(
            e.to_string(),
            "the array holds values of dtype <f8, vigie only accepts uint8 (|u1)"
        );
    }
    let le = Spec {
        byteorder: "<",
        ..Spec::jpeg(b"ab")
    };
    assert!(matches!(err(&le.p3()), PickleError::WrongDtype(d) if d == "<u1"));
    let fortran = Spec {
        fortran: true,
        ..Spec::bgr(2, 2)
    };
    assert!(matches!(err(&fortran.p3()), PickleError::FortranOrder));

    for (shape, shown) in [
        (vec![3, 4], "(3, 4)"),
        (vec![2, 2, 4], "(2, 2, 4)"),
        (vec![1, 2, 2, 3], "(1, 2, 2, 3)"),
        (vec![-4], "(-4,)"),
        (vec![], "()"),
    ] {
        let spec = Spec {
            shape,
            ..Spec::jpeg(&[0; 12])
        };
        let e = err(&spec.p3());
        assert!(
            matches!(&e, PickleError::WrongShape(s) if s == shown),
            "{e}"
        );
    }
    let e = err(&Spec {
        shape: vec![10],
        ..Spec::jpeg(&[0; 7])
    }
    .p5());
    assert_eq!(
        e.to_string(),
        "an array of shape (10,) needs 10 bytes of data, the pickle holds 7"
    );
    let e = err(&Spec {
        shape: vec![2, 2, 3],
        ..Spec::jpeg(&[0; 13])
    }
    .p3());
    assert!(matches!(
        e,
        PickleError::LengthMismatch {
            expected: 12,
            actual: 13,
            ..
        }
    ));
    assert!(matches!(err(&Spec::jpeg(b"").p3()), PickleError::EmptyArray(s) if s == "(0,)"));
    assert!(matches!(err(&Spec::bgr(0, 5).p5()), PickleError::EmptyArray(s) if s == "(5, 0, 3)"));
}

#[test]
fn the_result_must_be_a_complete_array_and_alone() {
    assert_eq!(
        err(b"N.").to_string(),
        "the pickle holds None, not a numpy array"
    );
    assert!(matches!(err(b"K\x07."), PickleError::NotAnArray(s) if s == "7"));
    let shell = b"cnumpy.core.multiarray\n_reconstruct\n(cnumpy\nndarray\n(I0\ntC\x01btR.";
    assert!(err(shell)
        .to_string()
        .contains("an empty array waiting for BUILD"));
    let mut pickle = Spec::jpeg(b"ab").p3();
    pickle.extend(b"\x00junk");
    assert!(matches!(err(&pickle), PickleError::TrailingData(5)));
}
