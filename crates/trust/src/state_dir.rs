//! The state directory: where vigie keeps what it must not forget, or leak.
//!
//! The server's private key, the hashes of the camera tokens, the client's
//! pinned fingerprints and token: losing them means pairing again, leaking
//! them means an impostor. So they live in one directory that only their
//! owner can open (mode `0700`), in files only the owner can read (`0600`).
//!
//! # Where
//!
//! The first of these that is set wins ([`resolve`]):
//!
//! 1. `--state-dir DIR` on the command line;
//! 2. the `VIGIE_STATE_DIR` environment variable;
//! 3. `$XDG_STATE_HOME/vigie`, the XDG base-directory rule for "state that
//!    should persist between restarts but is not worth a backup";
//! 4. `~/.local/state/vigie`, XDG's default for the same.
//!
//! [`resolve`] is a pure function of its [`StateDirSources`]: tests give it
//! made-up environments instead of changing the real one (which would race
//! with every other test of the process).
//!
//! # How files are written
//!
//! A program killed in the middle of a write leaves half a file. For a key,
//! half a file is a server that cannot start. [`write_atomic`] writes a
//! temporary file beside the real one, flushes it to the disk, then renames
//! it over the real one: a rename within a directory is atomic, so a reader
//! sees the old file or the new one, never a mix.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{random_bytes, Error};

/// Files of the state directory are small; a larger one is refused.
pub const MAX_STATE_FILE: u64 = 1 << 20;

/// Where a state directory may be given, in order of precedence.
#[derive(Debug, Clone, Default)]
pub struct StateDirSources<'a> {
    /// `--state-dir DIR`.
    pub flag: Option<&'a Path>,
    /// `VIGIE_STATE_DIR`.
    pub vigie_state_dir: Option<&'a OsStr>,
    /// `XDG_STATE_HOME`.
    pub xdg_state_home: Option<&'a OsStr>,
    /// `HOME`.
    pub home: Option<&'a OsStr>,
}

/// The state directory chosen by `sources` (see the module docs).
///
/// Empty variables count as unset, and a relative `XDG_STATE_HOME` is
/// ignored, as the XDG specification says.
pub fn resolve(sources: &StateDirSources<'_>) -> Result<PathBuf, Error> {
    let set = |v: Option<&OsStr>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(flag) = sources.flag.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(flag.to_path_buf());
    }
    if let Some(dir) = set(sources.vigie_state_dir) {
        return Ok(dir);
    }
    if let Some(xdg) = set(sources.xdg_state_home).filter(|p| p.is_absolute()) {
        return Ok(xdg.join("vigie"));
    }
    if let Some(home) = set(sources.home) {
        return Ok(home.join(".local").join("state").join("vigie"));
    }
    Err(Error::NoStateDir)
}

/// Resolves the state directory from `flag` and this process's environment.
pub fn resolve_from_env(flag: Option<&Path>) -> Result<PathBuf, Error> {
    let vigie = std::env::var_os("VIGIE_STATE_DIR");
    let xdg = std::env::var_os("XDG_STATE_HOME");
    let home = std::env::var_os("HOME");
    resolve(&StateDirSources {
        flag,
        vigie_state_dir: vigie.as_deref(),
        xdg_state_home: xdg.as_deref(),
        home: home.as_deref(),
    })
}

/// An existing state directory, private to its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDir {
    path: PathBuf,
}

impl StateDir {
    /// Creates `path` (and its parents) if needed, and makes it `0700`.
    pub fn open(path: impl Into<PathBuf>) -> Result<StateDir, Error> {
        let path = path.into();
        fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        make_private_dir(&path)?;
        Ok(StateDir { path })
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of the file `name` inside the directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// A private subdirectory (created `0700` if needed).
    pub fn subdir(&self, name: &str) -> Result<StateDir, Error> {
        StateDir::open(self.path.join(name))
    }

    /// Writes `bytes` to the file `name`, atomically, mode `0600`.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        write_atomic(&self.file(name), bytes)
    }

    /// The contents of the file `name`, or `None` if there is none.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        read_small(&self.file(name))
    }
}

#[cfg(unix)]
fn make_private_dir(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(|e| Error::io(path, e))
}

#[cfg(not(unix))]
fn make_private_dir(_path: &Path) -> Result<(), Error> {
    Ok(())
}

/// Opens a new file for writing, readable by its owner only.
fn create_private(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Replaces `path` by a file holding `bytes`, mode `0600`, atomically: a
/// temporary file in the same directory, synced, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(OsStr::to_str).unwrap_or("state");
    let mut nonce = [0u8; 8];
    random_bytes(&mut nonce)?;
    let tmp = dir.join(format!(".{name}.{:016x}.tmp", u64::from_le_bytes(nonce)));
    let result = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| Error::io(path, e))
}

/// Reads a state file of at most [`MAX_STATE_FILE`] bytes; `None` if absent.
pub fn read_small(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut bytes = Vec::new();
    file.take(MAX_STATE_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_STATE_FILE {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!("larger than {MAX_STATE_FILE} bytes"),
        });
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> Option<&OsStr> {
        Some(OsStr::new(s))
    }

    #[test]
    fn the_flag_wins_then_vigie_then_xdg_then_home() {
        let all = StateDirSources {
            flag: Some(Path::new("/flag")),
            vigie_state_dir: os("/vigie"),
            xdg_state_home: os("/xdg"),
            home: os("/home/ana"),
        };
        assert_eq!(resolve(&all).unwrap(), Path::new("/flag"));
        let no_flag = StateDirSources {
            flag: None,
            ..all.clone()
        };
        assert_eq!(resolve(&no_flag).unwrap(), Path::new("/vigie"));
        let xdg = StateDirSources {
            vigie_state_dir: None,
            ..no_flag.clone()
        };
        assert_eq!(resolve(&xdg).unwrap(), Path::new("/xdg/vigie"));
        let home = StateDirSources {
            xdg_state_home: None,
            ..xdg
        };
        assert_eq!(
            resolve(&home).unwrap(),
            Path::new("/home/ana/.local/state/vigie")
        );
    }

    #[test]
    fn empty_values_and_a_relative_xdg_count_as_unset() {
        let sources = StateDirSources {
            flag: Some(Path::new("")),
            vigie_state_dir: os(""),
            xdg_state_home: os("relative/dir"),
            home: os("/home/bo"),
        };
        assert_eq!(
            resolve(&sources).unwrap(),
            Path::new("/home/bo/.local/state/vigie")
        );
    }

    #[test]
    fn nothing_set_is_a_clear_error() {
        let err = resolve(&StateDirSources::default()).unwrap_err();
        assert!(matches!(err, Error::NoStateDir));
        assert!(err.to_string().contains("--state-dir"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn the_directory_is_0700_and_files_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a/b/state");
        fs::create_dir_all(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        let dir = StateDir::open(&path).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(dir.path()),
            0o700,
            "an existing loose directory is tightened"
        );
        dir.write("secret", b"one").unwrap();
        assert_eq!(mode(&dir.file("secret")), 0o600);
        dir.write("secret", b"two").unwrap();
        assert_eq!(dir.read("secret").unwrap().as_deref(), Some(&b"two"[..]));
        assert_eq!(mode(&dir.file("secret")), 0o600);
        let sub = dir.subdir("inbox").unwrap();
        assert_eq!(mode(sub.path()), 0o700);
    }

    #[test]
    fn an_atomic_write_leaves_no_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = StateDir::open(tmp.path()).unwrap();
        for i in 0..5u8 {
            dir.write("f.json", &[i; 10]).unwrap();
        }
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsStr::new("f.json").to_os_string()]);
    }

    #[test]
    fn a_missing_file_is_none_and_a_huge_one_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = StateDir::open(tmp.path()).unwrap();
        assert_eq!(dir.read("absent").unwrap(), None);
        fs::write(dir.file("huge"), vec![0u8; MAX_STATE_FILE as usize + 1]).unwrap();
        assert!(matches!(dir.read("huge"), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn a_write_into_a_missing_directory_names_the_file() {
        let err = write_atomic(Path::new("/nonexistent-vigie-dir/x"), b"x").unwrap_err();
        assert!(
            err.to_string().starts_with("/nonexistent-vigie-dir/x: "),
            "{err}"
        );
    }
}
