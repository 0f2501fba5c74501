//! # vigie-viewer: the live window (coming later)
//!
//! This crate will hold the server's window, on pixels 0.17 and winit 0.30:
//! a mosaic of all cameras, composed by a pure function into an RGBA buffer
//! (so it can be snapshot-tested), with captions drawn by
//! `vigie_core::draw`.
//!
//! It is empty until the viewer issue lands; see `README.md`.
