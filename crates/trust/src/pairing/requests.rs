//! `vigie pair`: asking a running server for a fresh code, through files.
//!
//! A code is printed when the server starts, but a second camera may come
//! an hour later, when that code has expired. `vigie pair` gets a new one
//! from the server that is running, without restarting it.
//!
//! The two talk through a folder of the state directory,
//! `pairing-requests/`:
//!
//! 1. the command writes `ID.request` (ID: 16 random hex digits);
//! 2. the server, which looks at the folder every fraction of a second
//!    ([`answer_requests`]), issues a code, writes it to `ID.code`, and
//!    removes the request;
//! 3. the command reads `ID.code`, removes it, and prints the code
//!    ([`request_code`]). If no answer comes in time, it removes its request
//!    and says that no server seems to run with this state directory.
//!
//! Why files and not a socket? A folder needs nothing to clean up when the
//! server crashes, has no path-length limit (Unix sockets do, 108 bytes),
//! and is as private as the state directory (`0700`): whoever may ask for
//! a code may already read the server's key, so no other check is needed.
//! Both files are written atomically, so neither side reads half of one.

use std::fs;
use std::time::{Duration, Instant, SystemTime};

use super::book::PairingBook;
use super::code::PairingCode;
use crate::error::{random_bytes, Error};
use crate::state_dir::StateDir;

/// The folder of the state directory where requests and answers go.
pub const REQUESTS_DIR: &str = "pairing-requests";

/// Requests answered per call to [`answer_requests`], at most.
pub const MAX_ANSWERS_PER_CALL: usize = 16;

/// How often [`request_code`] looks for the answer.
const POLL: Duration = Duration::from_millis(50);

/// Whether `name` is `ID` followed by `suffix`, ID being 16 hex digits.
fn id_of<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let id = name.strip_suffix(suffix)?;
    (id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

/// Server side: answers the pending requests with fresh codes from `book`,
/// and removes answers nobody collected before they expired. Returns the
/// codes issued.
pub fn answer_requests(
    state: &StateDir,
    book: &mut PairingBook,
) -> Result<Vec<PairingCode>, Error> {
    let dir = state.subdir(REQUESTS_DIR)?;
    let entries = fs::read_dir(dir.path()).map_err(|e| Error::io(dir.path(), e))?;
    let mut issued = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(id) = id_of(name, ".request") {
            if issued.len() >= MAX_ANSWERS_PER_CALL {
                continue; // the next call answers the rest
            }
            let code = book.issue()?;
            dir.write(&format!("{id}.code"), format!("{code}\n").as_bytes())?;
            let _ = fs::remove_file(entry.path());
            issued.push(code);
        } else if id_of(name, ".code").is_some() {
            let age = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok());
            if age.is_some_and(|age| age > book.limits().validity) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
    Ok(issued)
}

/// Command side: asks the server that uses `state` for a fresh code, and
/// waits up to `timeout` for it.
pub fn request_code(state: &StateDir, timeout: Duration) -> Result<PairingCode, Error> {
    let dir = state.subdir(REQUESTS_DIR)?;
    let mut id = [0u8; 8];
    random_bytes(&mut id)?;
    let id = format!("{:016x}", u64::from_le_bytes(id));
    let request = format!("{id}.request");
    let answer = format!("{id}.code");
    dir.write(&request, b"vigie pairing request v1\n")?;
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(bytes) = dir.read(&answer)? {
            let _ = fs::remove_file(dir.file(&answer));
            let text = String::from_utf8_lossy(&bytes);
            return PairingCode::parse(text.trim());
        }
        if Instant::now() >= deadline {
            let _ = fs::remove_file(dir.file(&request));
            return Err(Error::NoServerAnswered(timeout));
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};
    use std::sync::Arc;

    use super::*;
    use crate::identity::Fingerprint;
    use crate::pairing::SystemClock;

    fn setup() -> (tempfile::TempDir, StateDir, PairingBook) {
        let tmp = tempfile::tempdir().unwrap();
        let state = StateDir::open(tmp.path()).unwrap();
        let book = PairingBook::new(Fingerprint::from_bytes([4; 32]), Arc::new(SystemClock));
        (tmp, state, book)
    }

    #[test]
    fn the_command_gets_a_code_the_server_will_redeem() {
        let (_tmp, state, mut book) = setup();
        let asker = {
            let state = state.clone();
            std::thread::spawn(move || request_code(&state, Duration::from_secs(30)))
        };
        let mut issued = Vec::new();
        let start = Instant::now();
        while issued.is_empty() && start.elapsed() < Duration::from_secs(30) {
            issued = answer_requests(&state, &mut book).unwrap();
            std::thread::sleep(Duration::from_millis(20));
        }
        let code = asker.join().unwrap().unwrap();
        assert_eq!(issued, vec![code]);
        let peer = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert_eq!(book.redeem(&code.secret(), peer), Ok(()));
        let left: Vec<_> = fs::read_dir(state.file(REQUESTS_DIR)).unwrap().collect();
        assert!(
            left.is_empty(),
            "request and answer are both removed: {left:?}"
        );
    }

    #[test]
    fn no_server_is_a_clear_error_that_leaves_nothing_behind() {
        let (_tmp, state, _) = setup();
        let err = request_code(&state, Duration::from_millis(200)).unwrap_err();
        assert!(matches!(err, Error::NoServerAnswered(_)));
        assert!(
            err.to_string().contains("is `vigie server` running"),
            "{err}"
        );
        assert_eq!(fs::read_dir(state.file(REQUESTS_DIR)).unwrap().count(), 0);
    }

    #[test]
    fn strange_files_are_left_alone_and_a_flood_is_answered_in_batches() {
        let (_tmp, state, mut book) = setup();
        let dir = state.subdir(REQUESTS_DIR).unwrap();
        dir.write("notes.txt", b"x").unwrap();
        dir.write("../escape.request", b"x").unwrap_or(());
        dir.write("short.request", b"x").unwrap();
        for i in 0..20u64 {
            dir.write(&format!("{i:016x}.request"), b"x").unwrap();
        }
        assert_eq!(
            answer_requests(&state, &mut book).unwrap().len(),
            MAX_ANSWERS_PER_CALL
        );
        assert_eq!(answer_requests(&state, &mut book).unwrap().len(), 4);
        assert!(answer_requests(&state, &mut book).unwrap().is_empty());
        assert!(dir.file("notes.txt").exists() && dir.file("short.request").exists());
        let answers = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".code")
            })
            .count();
        assert_eq!(answers, 20);
    }

    #[test]
    fn a_garbled_answer_is_a_bad_code_error() {
        let (_tmp, state, _) = setup();
        let dir = state.subdir(REQUESTS_DIR).unwrap();
        // A "server" that answers every request with junk.
        let junk = {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                while start.elapsed() < Duration::from_secs(30) {
                    for e in fs::read_dir(dir.path()).unwrap().flatten() {
                        let name = e.file_name().to_string_lossy().to_string();
                        if let Some(id) = id_of(&name, ".request") {
                            dir.write(&format!("{id}.code"), b"junk").unwrap();
                            return;
                        }
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        };
        let err = request_code(&state, Duration::from_secs(30)).unwrap_err();
        junk.join().unwrap();
        assert!(matches!(err, Error::BadCode(_)), "{err}");
    }
}
