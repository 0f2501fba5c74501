//! Which folder belongs to which camera.
//!
//! A camera's folder is named after the camera ([`safe_camera`]), but a
//! name is not an identity: two names can map to the same folder. A hash
//! in the name makes that rare, never impossible (a 32-bit one can be
//! beaten in a second on a laptop), and a file system that ignores case
//! maps `Salon` and `salon` to one folder whatever the hash. Two cameras in
//! one folder would mix their recordings, and retention would delete one's
//! files to make room for the other's.
//!
//! So each folder says whose it is: `DIR/<folder>/camera.txt` holds the
//! exact camera name, written when the folder is first used. Claiming a
//! folder checks that file: the right name, the folder is ours; another
//! name, we try `<folder>~2`, `<folder>~3`… A folder without the file (made
//! by an older vigie) is taken by the camera whose name it was made from.
//! The name file is made with `create_new`, so two claims cannot both win.

use std::io;
use std::path::{Path, PathBuf};

use crate::names::safe_camera;
use crate::store::Storage;

/// The file in a camera's folder that names its camera.
pub const NAME_FILE: &str = "camera.txt";

/// Camera names are short; a longer name file is not one of ours.
const MAX_NAME_FILE: usize = 4096;

/// Folders tried before giving up: one per name colliding with this one.
const MAX_CANDIDATES: u32 = 64;

/// The folder of `camera` under `dir` (a name, not a path), claimed for it
/// if it was not yet. The error names the file that failed.
pub(crate) fn camera_folder(
    storage: &mut dyn Storage,
    dir: &Path,
    camera: &str,
) -> Result<String, (PathBuf, io::Error)> {
    claim(storage, dir, camera, &safe_camera(camera))
}

/// [`camera_folder`] from a given first candidate: tests force two names
/// onto one candidate this way, as a hash collision would.
pub(crate) fn claim(
    storage: &mut dyn Storage,
    dir: &Path,
    camera: &str,
    base: &str,
) -> Result<String, (PathBuf, io::Error)> {
    let mut n = 1;
    while n <= MAX_CANDIDATES {
        let folder = match n {
            1 => base.to_owned(),
            _ => format!("{base}~{n}"),
        };
        let name_file = dir.join(&folder).join(NAME_FILE);
        let owner = storage
            .read_small(&name_file, MAX_NAME_FILE)
            .map_err(|e| (name_file.clone(), e))?;
        match owner {
            Some(owner) if is_owner(&owner, camera) => return Ok(folder),
            Some(_) => n += 1,
            None => match write_name(storage, &dir.join(&folder), &name_file, camera) {
                Ok(()) => return Ok(folder),
                // Claimed meanwhile: read it again.
                Err((_, e)) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(failed) => return Err(failed),
            },
        }
    }
    Err((
        dir.join(format!("{base}~{MAX_CANDIDATES}")),
        io::Error::other(format!(
            "{MAX_CANDIDATES} folders of other cameras already take the names {camera:?} maps to"
        )),
    ))
}

fn is_owner(contents: &[u8], camera: &str) -> bool {
    contents.strip_suffix(b"\n").unwrap_or(contents) == camera.as_bytes()
}

fn write_name(
    storage: &mut dyn Storage,
    folder: &Path,
    name_file: &Path,
    camera: &str,
) -> Result<(), (PathBuf, io::Error)> {
    storage
        .create_dir_all(folder)
        .map_err(|e| (folder.to_path_buf(), e))?;
    let id = storage
        .create_new(name_file)
        .map_err(|e| (name_file.to_path_buf(), e))?;
    let written = storage.append(id, format!("{camera}\n").as_bytes());
    let _ = storage.close(id);
    if let Err(e) = written {
        // An empty or torn name file would claim the folder for nobody.
        let _ = storage.delete(name_file);
        return Err((name_file.to_path_buf(), e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::FsStorage;

    #[test]
    fn two_names_on_one_folder_get_two_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let mut fs = FsStorage::new();
        // "a b" and "a/b" forced onto the same folder, as a collision would.
        let first = claim(&mut fs, tmp.path(), "a b", "a_b~1234").unwrap();
        let second = claim(&mut fs, tmp.path(), "a/b", "a_b~1234").unwrap();
        assert_eq!(
            (first.as_str(), second.as_str()),
            ("a_b~1234", "a_b~1234~2")
        );
        // Each keeps its folder, on later claims too.
        assert_eq!(
            claim(&mut fs, tmp.path(), "a/b", "a_b~1234").unwrap(),
            second
        );
        assert_eq!(
            claim(&mut fs, tmp.path(), "a b", "a_b~1234").unwrap(),
            first
        );
        let owner = |f: &str| std::fs::read_to_string(tmp.path().join(f).join(NAME_FILE)).unwrap();
        assert_eq!(
            (owner(&first), owner(&second)),
            ("a b\n".into(), "a/b\n".into())
        );
    }

    #[test]
    fn a_folder_from_before_name_files_is_kept_by_its_camera() {
        let tmp = tempfile::tempdir().unwrap();
        let day = tmp.path().join("salon/2026-11-24");
        std::fs::create_dir_all(&day).unwrap();
        std::fs::write(day.join("salon-20261124-100000.mkv"), b"old").unwrap();
        let mut fs = FsStorage::new();
        assert_eq!(
            camera_folder(&mut fs, tmp.path(), "salon").unwrap(),
            "salon"
        );
        assert!(day.join("salon-20261124-100000.mkv").exists());
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("salon").join(NAME_FILE)).unwrap(),
            "salon\n"
        );
    }

    #[test]
    fn a_folder_of_another_name_is_never_shared() {
        // As on a file system that ignores case: the folder exists, its
        // name file names another camera.
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("Salon")).unwrap();
        std::fs::write(tmp.path().join("Salon").join(NAME_FILE), "salon\n").unwrap();
        let mut fs = FsStorage::new();
        assert_eq!(
            camera_folder(&mut fs, tmp.path(), "Salon").unwrap(),
            "Salon~2"
        );
        // A name file that is not a camera name at all is not ours either.
        std::fs::create_dir_all(tmp.path().join("x")).unwrap();
        std::fs::write(tmp.path().join("x").join(NAME_FILE), vec![b'y'; 10_000]).unwrap();
        assert_eq!(camera_folder(&mut fs, tmp.path(), "x").unwrap(), "x~2");
    }

    #[test]
    fn too_many_collisions_is_an_error_not_a_loop() {
        let tmp = tempfile::tempdir().unwrap();
        let mut fs = FsStorage::new();
        for n in 0..MAX_CANDIDATES {
            claim(&mut fs, tmp.path(), &format!("other{n}"), "same").unwrap();
        }
        let (path, e) = claim(&mut fs, tmp.path(), "last", "same").unwrap_err();
        assert!(path.ends_with("same~64"), "{}", path.display());
        assert!(e.to_string().contains("64 folders"), "{e}");
    }
}
