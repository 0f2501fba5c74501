//! Where recordings go, and the one door to the disk.
//!
//! The layout is made for people as much as for programs: one directory per
//! camera, one per day, and names that sort by time:
//!
//! ```text
//! DIR/events.jsonl
//! DIR/events-running.json                           (the events going on)
//! DIR/salon/camera.txt                              (whose folder this is)
//! DIR/salon/2026-11-24/salon-20261124-103000.mkv
//! DIR/salon/2026-11-24/salon-20261124-103002.jpg   (an event's thumbnail)
//! ```
//!
//! Every disk access of the recorder goes through the [`Storage`] trait.
//! [`FsStorage`] is the real one; tests use a mock to play a full disk or a
//! read-only directory, situations that are hard to create for real (root
//! may write anywhere) and that a recorder must survive.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

/// An open file of a [`Storage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(pub u64);

/// A recording or thumbnail found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The disk operations the recorder needs, and nothing more.
#[cfg_attr(test, mockall::automock)]
pub trait Storage: Send {
    /// Creates `path` and its parents, if missing.
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()>;
    /// Creates a file that must not exist yet (`AlreadyExists` if it does).
    fn create_new(&mut self, path: &Path) -> io::Result<FileId>;
    /// Appends bytes with a single write, so a crash leaves all or a tail.
    fn append(&mut self, file: FileId, bytes: &[u8]) -> io::Result<()>;
    /// Overwrites bytes at `offset` (the Duration of a finished file).
    fn patch(&mut self, file: FileId, offset: u64, bytes: &[u8]) -> io::Result<()>;
    /// Flushes and closes `file`.
    fn close(&mut self, file: FileId) -> io::Result<()>;
    /// Deletes the file at `path`.
    fn delete(&mut self, path: &Path) -> io::Result<()>;
    /// The `.mkv` and `.jpg` files of `DIR/<camera>/<day>/`.
    fn list_recordings(&mut self, dir: &Path) -> io::Result<Vec<StoredFile>>;
    /// Appends one line (with its newline) to a text file, creating it.
    fn append_line(&mut self, path: &Path, line: &str) -> io::Result<()>;
    /// The first `max` bytes of a small file, `None` if it does not exist.
    fn read_small(&mut self, path: &Path, max: usize) -> io::Result<Option<Vec<u8>>>;
    /// Replaces a small file as a whole: a reader sees the old contents or
    /// the new, never half of each (a temporary file, then a rename).
    fn replace(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()>;
}

/// The real file system.
#[derive(Debug, Default)]
pub struct FsStorage {
    files: HashMap<FileId, File>,
    next: u64,
}

impl FsStorage {
    /// The real file system.
    pub fn new() -> FsStorage {
        FsStorage::default()
    }

    fn file(&mut self, id: FileId) -> io::Result<&mut File> {
        self.files
            .get_mut(&id)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "file already closed"))
    }
}

impl Storage for FsStorage {
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()> {
        fs::create_dir_all(path)
    }

    fn create_new(&mut self, path: &Path) -> io::Result<FileId> {
        let file = OpenOptions::new().write(true).create_new(true).open(path)?;
        self.next += 1;
        let id = FileId(self.next);
        self.files.insert(id, file);
        Ok(id)
    }

    fn append(&mut self, file: FileId, bytes: &[u8]) -> io::Result<()> {
        // No BufWriter: what is handed to the kernel survives a crash.
        self.file(file)?.write_all(bytes)
    }

    fn patch(&mut self, file: FileId, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let f = self.file(file)?;
        let end = f.stream_position()?;
        f.seek(SeekFrom::Start(offset))?;
        f.write_all(bytes)?;
        f.seek(SeekFrom::Start(end)).map(|_| ())
    }

    fn close(&mut self, file: FileId) -> io::Result<()> {
        // No fsync: it can block for seconds on a busy disk, and the page
        // cache already survives a crash of the process (not of the machine).
        self.files.remove(&file);
        Ok(())
    }

    fn delete(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn list_recordings(&mut self, dir: &Path) -> io::Result<Vec<StoredFile>> {
        let mut found = Vec::new();
        for camera in subdirs(dir)? {
            for day in subdirs(&camera)? {
                for entry in fs::read_dir(&day)? {
                    let entry = entry?;
                    let path = entry.path();
                    let ours = matches!(
                        path.extension().and_then(|e| e.to_str()),
                        Some("mkv" | "jpg")
                    );
                    let meta = entry.metadata()?;
                    if ours && meta.is_file() {
                        found.push(StoredFile {
                            path,
                            bytes: meta.len(),
                        });
                    }
                }
            }
        }
        Ok(found)
    }

    fn append_line(&mut self, path: &Path, line: &str) -> io::Result<()> {
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        // One write: a crash leaves the whole line or a torn last line, which
        // the reader skips.
        file.write_all(format!("{line}\n").as_bytes())
    }

    fn read_small(&mut self, path: &Path, max: usize) -> io::Result<Option<Vec<u8>>> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut bytes = Vec::new();
        file.take(max as u64).read_to_end(&mut bytes)?;
        Ok(Some(bytes))
    }

    fn replace(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        let temporary = PathBuf::from(temporary);
        let written = fs::write(&temporary, bytes).and_then(|()| fs::rename(&temporary, path));
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written
    }
}

fn subdirs(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            out.push(entry.path());
        }
    }
    Ok(out)
}

/// `relative` (a `file` or `thumbnail` of an event) as a path under `dir`,
/// if it is a recording or thumbnail that exists there.
///
/// The path comes from a URL, so it is treated as hostile: absolute paths,
/// `..`, backslashes and other extensions are refused, and the result must
/// still be inside `dir` once symbolic links are resolved.
pub fn resolve(dir: &Path, relative: &str) -> Option<PathBuf> {
    if relative.is_empty()
        || relative.contains('\\')
        || relative.contains('\0')
        || !(relative.ends_with(".mkv") || relative.ends_with(".jpg"))
    {
        return None;
    }
    let rel = Path::new(relative);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let root = dir.canonicalize().ok()?;
    let full = root.join(rel).canonicalize().ok()?;
    (full.starts_with(&root) && full.is_file()).then_some(full)
}

/// `relative` with `/` separators, for events.jsonl and URLs.
pub(crate) fn relative_name(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_refuses_anything_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("rec");
        fs::create_dir_all(dir.join("cam/2026-11-24")).unwrap();
        fs::write(dir.join("cam/2026-11-24/cam-20261124-100000.mkv"), b"x").unwrap();
        fs::write(dir.join("cam/2026-11-24/notes.txt"), b"x").unwrap();
        fs::write(tmp.path().join("secret.mkv"), b"x").unwrap();

        let good = resolve(&dir, "cam/2026-11-24/cam-20261124-100000.mkv").unwrap();
        assert!(good.ends_with("cam-20261124-100000.mkv"));
        for bad in [
            "",
            "../secret.mkv",
            "cam/../../secret.mkv",
            "/etc/passwd.mkv",
            "cam\\2026-11-24\\cam-20261124-100000.mkv",
            "cam/2026-11-24/notes.txt",
            "cam/2026-11-24/missing.mkv",
            "./cam/2026-11-24/cam-20261124-100000.mkv",
            "cam/2026-11-24",
        ] {
            assert_eq!(resolve(&dir, bad), None, "{bad:?}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret.mkv"), dir.join("link.mkv"))
                .unwrap();
            assert_eq!(resolve(&dir, "link.mkv"), None, "a link out of DIR");
        }
    }

    #[test]
    fn the_real_storage_writes_patches_and_lists() {
        let tmp = tempfile::tempdir().unwrap();
        let mut fs_ = FsStorage::new();
        let day = tmp.path().join("cam/2026-11-24");
        fs_.create_dir_all(&day).unwrap();
        let path = day.join("cam-20261124-100000.mkv");
        let id = fs_.create_new(&path).unwrap();
        assert_eq!(
            fs_.create_new(&path).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        fs_.append(id, b"hello world").unwrap();
        fs_.patch(id, 0, b"J").unwrap();
        fs_.append(id, b"!").unwrap();
        fs_.close(id).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"Jello world!");
        fs_.append_line(&tmp.path().join("events.jsonl"), "{}")
            .unwrap();
        let note = tmp.path().join("cam/camera.txt");
        assert_eq!(fs_.read_small(&note, 10).unwrap(), None);
        fs_.replace(&note, b"first").unwrap();
        fs_.replace(&note, b"second version").unwrap();
        assert_eq!(fs_.read_small(&note, 6).unwrap().unwrap(), b"second");
        assert!(!tmp.path().join("cam/camera.txt.tmp").exists());
        let listed = fs_.list_recordings(tmp.path()).unwrap();
        assert_eq!(listed, [StoredFile { path, bytes: 12 }]);
        assert_eq!(
            relative_name(tmp.path(), &listed[0].path),
            "cam/2026-11-24/cam-20261124-100000.mkv"
        );
    }
}
