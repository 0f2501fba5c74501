//! # vigie-config: `vigie.toml`, every server option in one file
//!
//! Flags are right for trying vigie; a server left running at home wants a
//! file: one place that says how each camera is watched, kept under
//! version control, reloaded without a restart. This crate reads it.
//!
//! - [`file`]: the file's shape, one struct per TOML table, every key
//!   optional. The same [`Config`] type holds the flags given on the
//!   command line, so *flags override the file* is one function,
//!   [`Config::overlay`].
//! - [`values`]: each kind of value checks itself (seconds not negative, a
//!   fraction between 0 and 1, a mask inside the picture), the same check
//!   for the file and for the flags.
//! - [`settings`]: the result with every default filled in
//!   ([`Settings::merge`]), per camera ([`Settings::camera`]), printed for
//!   `--check` and compared for a reload ([`report`]: its `Display` and
//!   [`diff`]).
//!
//! A mistake in the file is one error that says where, as compilers do:
//! `vigie.toml:12:13: unknown field "treshold"`. The binary prints it and
//! exits with code 2, like a bad flag.

#![deny(missing_docs)]

pub mod file;
pub mod report;
pub mod settings;
pub mod values;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use file::Config;
pub use report::{diff, Change, Scope};
pub use settings::{CameraSettings, Settings};

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid config: where, and why.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Line, from 1.
        line: usize,
        /// Column, from 1, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// Line and column (from 1; the column in characters) of byte `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Config {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Checks `text`, read from `path` (named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |span: Option<Range<usize>>, message: String| {
            let (line, column) = line_column(text, span.map_or(0, |s| s.start));
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let config: Config =
            toml::from_str(text).map_err(|e| invalid(e.span(), e.message().to_string()))?;
        if config.record.dir.is_none() {
            // Like the flags (`requires = "record"`): these mean nothing
            // without a folder, and silence would hide the mistake.
            let located: Locate = toml::from_str(text).unwrap_or_default();
            let keys = [
                ("mode", located.record.mode),
                ("retention_days", located.record.retention_days),
                ("max_disk", located.record.max_disk),
            ];
            if let Some((key, Some(value))) = keys.into_iter().find(|(_, v)| v.is_some()) {
                let message =
                    format!("`{key}` needs `dir` in [record]: where should recordings go?");
                return Err(invalid(Some(value.span()), message));
            }
        }
        Ok(config)
    }
}

/// Where the keys that need `[record] dir` were written.
#[derive(Default, Deserialize)]
struct Locate {
    #[serde(default)]
    record: LocateRecord,
}

#[derive(Default, Deserialize)]
struct LocateRecord {
    mode: Option<toml::Spanned<toml::Value>>,
    retention_days: Option<toml::Spanned<toml::Value>>,
    max_disk: Option<toml::Spanned<toml::Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 10), (2, 4), "é is one column");
        assert_eq!(line_column(text, 999), (3, 1));
    }
}
