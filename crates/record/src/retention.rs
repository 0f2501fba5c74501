//! Retention: which recordings to delete when they are too old or take too
//! much space (`--retention-days`, `--max-disk`).
//!
//! A recorder that never deletes anything fills its disk, and then records
//! nothing at all, the worst moment being the one that matters. The rule is
//! the one of every video recorder: **the oldest go first**, until every
//! remaining file is younger than the age limit and all of them fit in the
//! byte budget. A file still being written is never deleted, and an event's
//! thumbnail goes with the recording it belongs to.
//!
//! This module only *decides*: [`plan`] is a pure function of a file list,
//! which makes the rule easy to test. The recorder lists, calls it, and
//! deletes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::names::parse_name_stamp;
use crate::store::StoredFile;

/// One recording and the thumbnails that belong to it, deleted together.
#[derive(Debug)]
struct Unit {
    start_us: u64,
    paths: Vec<PathBuf>,
    bytes: u64,
    open: bool,
}

/// The files to delete, oldest first.
///
/// `files` is everything found in the recordings directory; `open` the
/// files being written; `now_us` the current time. Files whose name does not
/// carry one of our time stamps are not ours: left alone and not counted.
pub fn plan(
    files: &[StoredFile],
    open: &[PathBuf],
    now_us: u64,
    max_age: Option<Duration>,
    max_bytes: Option<u64>,
) -> Vec<PathBuf> {
    let mut units: Vec<Unit> = Vec::new();
    let mut thumbnails = Vec::new();
    for file in files {
        let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(start_us) = parse_name_stamp(name) else {
            continue;
        };
        if name.ends_with(".jpg") {
            thumbnails.push((start_us, file));
        } else {
            units.push(Unit {
                start_us,
                paths: vec![file.path.clone()],
                bytes: file.bytes,
                open: open.contains(&file.path),
            });
        }
    }
    units.sort_by(|a, b| (a.start_us, &a.paths[0]).cmp(&(b.start_us, &b.paths[0])));

    // A thumbnail belongs to the last recording of its camera that started
    // at or before it (its event began in that file).
    for (start_us, file) in thumbnails {
        let camera = camera_dir(&file.path);
        let owner = units
            .iter_mut()
            .rev()
            .find(|u| u.start_us <= start_us && camera_dir(&u.paths[0]) == camera);
        match owner {
            Some(unit) => {
                unit.paths.push(file.path.clone());
                unit.bytes += file.bytes;
            }
            None => units.push(Unit {
                start_us,
                paths: vec![file.path.clone()],
                bytes: file.bytes,
                open: false,
            }),
        }
    }
    units.sort_by(|a, b| (a.start_us, &a.paths[0]).cmp(&(b.start_us, &b.paths[0])));

    let mut total: u64 = units.iter().map(|u| u.bytes).sum();
    let max_age_us = max_age.map(|d| d.as_micros() as u64);
    let mut doomed = Vec::new();
    for unit in units {
        if unit.open {
            continue;
        }
        let too_old = max_age_us.is_some_and(|max| now_us.saturating_sub(unit.start_us) >= max);
        let too_big = max_bytes.is_some_and(|max| total > max);
        if too_old || too_big {
            total -= unit.bytes;
            doomed.extend(unit.paths);
        }
    }
    doomed
}

/// `DIR/<camera>` for `DIR/<camera>/<day>/<file>`.
fn camera_dir(path: &Path) -> Option<&Path> {
    path.parent()?.parent()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400_000_000;
    const T0: u64 = 1_795_478_400_000_000; // 2026-11-24 00:00:00 UTC

    fn file(camera: &str, minute: u64, ext: &str, bytes: u64) -> StoredFile {
        let at = T0 + minute * 60_000_000;
        let name = format!("{camera}-{}.{ext}", crate::names::stamp(at));
        StoredFile {
            path: PathBuf::from(format!("/rec/{camera}/2026-11-24/{name}")),
            bytes,
        }
    }

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_oldest_go_first_until_it_fits() {
        let files = vec![
            file("b", 2, "mkv", 100),
            file("a", 0, "mkv", 100),
            file("a", 1, "jpg", 5), // a's first event
            file("a", 5, "mkv", 100),
            file("b", 9, "mkv", 100),
        ];
        let doomed = plan(&files, &[], T0, None, Some(250));
        assert_eq!(
            names(&doomed),
            [
                "a-20261124-000000.mkv",
                "a-20261124-000100.jpg",
                "b-20261124-000200.mkv"
            ]
        );
        assert!(plan(&files, &[], T0, None, Some(405)).is_empty());
        assert!(plan(&files, &[], T0, None, None).is_empty());
    }

    #[test]
    fn open_files_are_never_deleted() {
        let files = vec![file("a", 0, "mkv", 100), file("a", 1, "mkv", 100)];
        let open = [files[0].path.clone()];
        let doomed = plan(&files, &open, T0, None, Some(10));
        assert_eq!(names(&doomed), ["a-20261124-000100.mkv"]);
    }

    #[test]
    fn old_files_go_whatever_the_size() {
        let files = vec![
            file("a", 0, "mkv", 1),
            file("a", 60 * 24, "mkv", 1),
            file("a", 60 * 24 * 2, "mkv", 1),
        ];
        let doomed = plan(
            &files,
            &[],
            T0 + 3 * DAY,
            Some(Duration::from_secs(2 * 86_400)),
            None,
        );
        assert_eq!(
            names(&doomed),
            ["a-20261124-000000.mkv", "a-20261125-000000.mkv"]
        );
    }

    #[test]
    fn foreign_files_are_left_alone() {
        let mut files = vec![file("a", 0, "mkv", 100)];
        files.push(StoredFile {
            path: PathBuf::from("/rec/a/2026-11-24/holiday.mkv"),
            bytes: 1 << 40,
        });
        let doomed = plan(
            &files,
            &[],
            T0 + 10_000_000,
            Some(Duration::from_secs(1)),
            None,
        );
        assert_eq!(names(&doomed), ["a-20261124-000000.mkv"]);
        assert!(plan(&files, &[], T0, None, Some(100)).is_empty());
    }
}
