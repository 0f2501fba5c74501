//! # vigie-testkit: the outside tools a test needs, found or failed once
//!
//! Some of vigie's tests run real programs against it: ffprobe and ffmpeg
//! read its streams and recordings, headless Chromium loads its page. On a
//! user's machine without them, `cargo test` should still pass with only the
//! Rust toolchain: such a test prints `SKIP: …` and returns.
//!
//! In CI that kindness is a trap: an `apt-get install` that failed would
//! turn a red run green, every test quietly skipping. So when the
//! environment says `CI=true` (as `.ci/run` does, and as most CI services
//! do), a missing tool **fails** the test, naming the Debian package to
//! install. Every test goes through [`require`] or [`require_one_of`], so
//! this rule lives here and nowhere else.
//!
//! ```no_run
//! if !vigie_testkit::require("ffprobe", "ffmpeg") {
//!     return; // SKIP printed; in CI, require panicked instead
//! }
//! ```

#![deny(missing_docs)]

pub mod mosquitto;
pub mod receiver;

use std::process::{Command, Stdio};

/// Whether this run is CI: the variable `CI` is `true` (or `1`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Whether `program` runs (`program -version` or `program --version`
/// exits with success). Silent: for trying candidates.
pub fn runs(program: &str) -> bool {
    ["-version", "--version"].iter().any(|flag| {
        Command::new(program)
            .arg(flag)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Whether `program` (from the Debian package `package`) can be used.
///
/// If not: outside CI, prints `SKIP: …` and returns `false`, and the test
/// returns; in CI, panics with the package to install.
pub fn require(program: &str, package: &str) -> bool {
    require_one_of(&[program], package).is_some()
}

/// The first of `programs` that runs (browsers go by several names), or,
/// when none does, what [`require`] does.
pub fn require_one_of<'a>(programs: &[&'a str], package: &str) -> Option<&'a str> {
    find_or_skip(programs, package, in_ci())
}

/// Where `program` (from the Debian package `package`) is installed: found
/// on `PATH` or in `/usr/sbin` and `/sbin` (where Debian puts daemons such
/// as `mosquitto`, which a user's `PATH` often lacks). For programs with no
/// `--version` that exits with success. If missing, what [`require`] does.
pub fn require_installed(program: &str, package: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).chain(["/usr/sbin".into(), "/sbin".into()]);
    let found = dirs.map(|d| d.join(program)).find(|p| is_executable(p));
    if found.is_none() {
        missing(program, package, in_ci());
    }
    found
}

fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn find_or_skip<'a>(programs: &[&'a str], package: &str, ci: bool) -> Option<&'a str> {
    if let Some(found) = programs.iter().copied().find(|p| runs(p)) {
        return Some(found);
    }
    missing(&programs.join(" or "), package, ci);
    None
}

/// Outside CI, says SKIP; in CI, fails with the package to install.
fn missing(names: &str, package: &str, ci: bool) {
    let message = format!("{names} not installed (Debian package `{package}`)");
    if ci {
        panic!("CI=true and {message}: a test that needs it must not pass by skipping");
    }
    eprintln!("SKIP: {message}");
}

/// A fresh, empty state directory for one `vigie` process of a test
/// (`--state-dir` or `VIGIE_STATE_DIR`), so that tests never read or write
/// the user's `~/.local/state/vigie`, and two tests never share a server
/// identity. It lives in the system's temporary folder, under a name
/// unique to this process and call.
pub fn fresh_state_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("vigie-test-state-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_that_exists_runs_and_one_that_does_not_does_not() {
        // `cargo` runs every test: it is there.
        assert!(runs("cargo"));
        assert!(!runs("vigie-no-such-program-anywhere"));
    }

    const NOPE: &str = "vigie-no-such-program-anywhere";

    #[test]
    fn outside_ci_a_missing_tool_is_a_skip() {
        assert_eq!(find_or_skip(&[NOPE], "vigie-nothing", false), None);
    }

    #[test]
    fn in_ci_a_missing_tool_fails_and_names_the_package() {
        let failed = std::panic::catch_unwind(|| find_or_skip(&[NOPE], "vigie-nothing", true));
        let message = failed.expect_err("CI must fail");
        let text = message.downcast_ref::<String>().unwrap();
        assert!(text.contains("Debian package `vigie-nothing`"), "{text}");
    }

    #[test]
    fn the_first_candidate_that_runs_is_taken() {
        for ci in [false, true] {
            assert_eq!(find_or_skip(&[NOPE, "cargo"], "x", ci), Some("cargo"));
        }
    }

    #[test]
    fn an_installed_program_is_found_by_its_path() {
        let sh = require_installed("sh", "dash").expect("every Debian has sh");
        assert!(sh.is_absolute() && sh.ends_with("sh"));
    }

    #[test]
    fn ci_is_read_from_the_environment() {
        // Whatever this run's CI is, the answer matches the variable.
        let set = std::env::var("CI").unwrap_or_default();
        assert_eq!(in_ci(), set.eq_ignore_ascii_case("true") || set == "1");
    }
}
