//! Tests of the camera book: pairing, checking, revoking, reloading.

use super::*;

fn book() -> (tempfile::TempDir, StateDir, CameraBook) {
    let tmp = tempfile::tempdir().unwrap();
    let state = StateDir::open(tmp.path()).unwrap();
    let book = CameraBook::load(&state).unwrap();
    (tmp, state, book)
}

fn at(s: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(s)
}

#[test]
fn a_token_is_256_random_bits_in_base64url() {
    let a = CameraToken::generate().unwrap();
    let b = CameraToken::generate().unwrap();
    assert_ne!(a, b);
    let text = a.to_base64url();
    assert_eq!(text.len(), 43);
    assert!(text
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    assert_eq!(CameraToken::parse(&text), Some(a.clone()));
    assert_eq!(CameraToken::parse(&text[1..]), None);
    assert_eq!(CameraToken::parse(&"!".repeat(43)), None);
    assert!(!format!("{a:?}").contains(&text));
}

#[test]
fn the_server_keeps_only_the_hash() {
    let (_tmp, state, mut book) = book();
    let token = book.pair("cuisine", at(1_700_000_000)).unwrap();
    let file = String::from_utf8(state.read(CAMERAS_FILE).unwrap().unwrap()).unwrap();
    assert!(!file.contains(&token.to_base64url()), "{file}");
    assert!(file.contains(&hex(&token.hash())), "{file}");
    assert!(file.contains("1700000000"), "{file}");
    assert_eq!(book.verify("cuisine", Some(&token)), TokenCheck::Valid);
    let reloaded = CameraBook::load(&state).unwrap();
    assert_eq!(reloaded.verify("cuisine", Some(&token)), TokenCheck::Valid);
}

#[test]
fn a_paired_name_cannot_be_used_or_taken_by_another() {
    let (_tmp, _state, mut book) = book();
    let a = book.pair("A", at(1)).unwrap();
    let b = book.pair("B", at(2)).unwrap();
    assert_eq!(
        book.verify("B", Some(&a)),
        TokenCheck::NameTaken,
        "A's token cannot publish as B"
    );
    assert_eq!(book.verify("A", None), TokenCheck::NameTaken);
    assert_eq!(book.verify("A", Some(&b)), TokenCheck::NameTaken);
    assert_eq!(book.verify("C", Some(&a)), TokenCheck::NotPaired);
    let err = book.pair("A", at(3)).unwrap_err();
    assert!(matches!(err, Error::NameTaken(_)));
    assert!(
        err.to_string().contains("belongs to a paired camera"),
        "{err}"
    );
    assert_eq!(
        book.verify("A", Some(&a)),
        TokenCheck::Valid,
        "the refusal changed nothing"
    );
}

#[test]
fn names_are_compared_in_nfc() {
    let (_tmp, _state, mut book) = book();
    let composed = "entr\u{e9}e";
    let decomposed = "entre\u{301}e";
    assert_ne!(composed, decomposed);
    let token = book.pair(decomposed, at(1)).unwrap();
    assert_eq!(book.verify(composed, Some(&token)), TokenCheck::Valid);
    assert!(book.pair(composed, at(2)).is_err());
    assert_eq!(book.list()[0].name, composed);
}

#[test]
fn a_revoked_camera_is_refused_as_revoked_and_can_pair_again() {
    let (_tmp, _state, mut book) = book();
    let old = book.pair("porte", at(10)).unwrap();
    assert!(book.revoke("porte", at(20)).unwrap());
    assert!(!book.revoke("porte", at(21)).unwrap(), "already revoked");
    assert!(!book.revoke("nobody", at(21)).unwrap());
    assert_eq!(book.verify("porte", Some(&old)), TokenCheck::Revoked);
    assert_eq!(book.verify("porte", None), TokenCheck::NotPaired);
    let list = book.list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].record.revoked_at, Some(20));
    let new = book.pair("porte", at(30)).unwrap();
    assert_eq!(book.verify("porte", Some(&new)), TokenCheck::Valid);
    assert_eq!(book.verify("porte", Some(&old)), TokenCheck::NameTaken);
}

#[test]
fn a_running_server_sees_a_revocation_made_elsewhere() {
    let (_tmp, state, mut server) = book();
    let token = server.pair("jardin", at(1)).unwrap();
    server.pair("garage", at(2)).unwrap();
    assert_eq!(server.reload().unwrap(), Vec::<String>::new());
    // `vigie cameras revoke jardin`, another process.
    let mut command_line = CameraBook::load(&state).unwrap();
    assert!(command_line.revoke("jardin", at(3)).unwrap());
    assert_eq!(
        server.verify("jardin", Some(&token)),
        TokenCheck::Valid,
        "not seen yet"
    );
    assert_eq!(server.reload().unwrap(), vec!["jardin".to_string()]);
    assert_eq!(server.verify("jardin", Some(&token)), TokenCheck::Revoked);
    assert_eq!(
        server.reload().unwrap(),
        Vec::<String>::new(),
        "reported once"
    );
}

#[test]
fn a_pairing_does_not_undo_a_revocation_from_another_process() {
    let (_tmp, state, mut server) = book();
    server.pair("un", at(1)).unwrap();
    let mut command_line = CameraBook::load(&state).unwrap();
    command_line.revoke("un", at(2)).unwrap();
    // The server's copy is stale, yet its next write starts from the file.
    server.pair("deux", at(3)).unwrap();
    let fresh = CameraBook::load(&state).unwrap();
    assert_eq!(
        fresh.list()[1].record.revoked_at,
        Some(2),
        "{:?}",
        fresh.list()
    );
}

#[test]
fn a_damaged_file_is_a_clear_error() {
    let (_tmp, state, _) = book();
    state.write(CAMERAS_FILE, b"{not json").unwrap();
    let err = CameraBook::load(&state).unwrap_err();
    assert!(
        err.to_string().contains("cameras.json: not a camera list"),
        "{err}"
    );
}

#[test]
fn a_stale_lock_is_broken_and_a_live_one_waited_for() {
    let (_tmp, state, mut book) = book();
    let lock = state.file(LOCK_FILE);
    fs::write(&lock, b"").unwrap();
    let old = SystemTime::now() - Duration::from_secs(60);
    fs::File::options()
        .write(true)
        .open(&lock)
        .unwrap()
        .set_modified(old)
        .unwrap();
    book.pair("x", at(1)).unwrap();
    assert!(!lock.exists(), "the lock is released after the write");
    fs::write(&lock, b"").unwrap();
    let err = book.pair("y", at(2)).unwrap_err();
    assert!(err.to_string().contains("holds this lock"), "{err}");
    fs::remove_file(&lock).unwrap();
}
