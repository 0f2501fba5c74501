//! vigie.toml (in progress).
#![deny(missing_docs)]
