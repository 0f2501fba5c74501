//! Composing the viewer's window: from what the server knows to pixels.
//!
//! Composing is a *pure function*: (window size, cameras with their latest
//! pictures, view mode, clock) → an RGBA buffer. The window only copies
//! that buffer to the screen. Why draw this way instead of painting
//! straight into the window?
//!
//! - **It can be tested without a screen.** The same input always gives the
//!   same pixels, so a test builds a [`Screen`], calls [`compose`] and compares
//!   the result with a PNG committed under `tests/snapshots/`. Every state a
//!   user can meet (one camera, nine, one gone offline, none yet) is a
//!   picture a reviewer can look at, on a CI machine with no display.
//! - **The window code stays small.** Events, resizing and the GPU surface
//!   live in the window; what to draw, and where, lives here.
//! - **The clock is an input too.** "Offline for 12 s" depends on the time:
//!   the caller measures every duration at "now" and puts it in the [`Tile`],
//!   so composing never reads a clock and a snapshot never changes by
//!   itself.
//!
//! ```text
//!  server registry ──▶ [Tile] + ViewMode ──▶ compose() ──▶ RGBA ──▶ window
//!    (the window       (plain data, no      (this module)        (blits)
//!     converts)         network types)
//! ```
//!
//! The inputs are plain types, not the server's: this module does not
//! depend on `vigie-net`, so it can be built and tested alone.
//!
//! Layout and letterboxing are in [`layout`], the words in [`caption`],
//! picture scaling in `blit`, one tile in `tile`, the waiting screen in
//! `empty`.

use std::sync::Arc;
use std::time::Duration;

mod blit;
pub mod caption;
mod empty;
pub mod layout;
mod tile;

pub use caption::format_duration;
pub use layout::{grid_shape, layout, tile_at, visible_tiles, Rect};

/// The window's background, seen in the gaps between tiles.
const BACKGROUND: [u8; 3] = [30, 32, 37];

/// How a camera is doing, with how long it has been so, measured by the
/// caller at the moment of drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TileState {
    /// Frames are arriving.
    #[default]
    Online,
    /// Connected, but no frame for `for_`.
    Stale {
        /// For how long.
        for_: Duration,
    },
    /// Disconnected (or silent for too long) for `for_`.
    Offline {
        /// For how long.
        for_: Duration,
    },
}

/// A decoded camera picture: `width × height` pixels of RGB8, row by row.
/// The window decodes each frame once and shares it as `Arc<Picture>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, RGB8, row after row.
    pub rgb: Vec<u8>,
}

impl Picture {
    /// Whether the sizes agree with the pixels. An invalid picture is drawn
    /// as no picture at all, never read out of bounds.
    pub fn is_valid(&self) -> bool {
        let expected = (self.width as usize)
            .checked_mul(self.height as usize)
            .and_then(|n| n.checked_mul(3));
        self.width > 0 && self.height > 0 && expected == Some(self.rgb.len())
    }
}

/// One camera as the window should show it.
#[derive(Debug, Clone, Default)]
pub struct Tile {
    /// The camera's name.
    pub name: String,
    /// Online, stale or offline.
    pub state: TileState,
    /// The newest decoded picture (kept while stale or offline, and shown
    /// greyed out).
    pub picture: Option<Arc<Picture>>,
    /// The size the camera sends, if known (shown in the caption; the
    /// picture's own size otherwise).
    pub source_size: Option<(u32, u32)>,
    /// Frames per second received.
    pub fps: f64,
    /// From capture to arrival, if known.
    pub latency: Option<Duration>,
    /// Age of the newest frame, `None` before the first one.
    pub last_frame_age: Option<Duration>,
    /// Motion detected: a red border.
    pub motion: bool,
    /// Being recorded: a red "REC" dot.
    pub recording: bool,
}

/// What the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewMode {
    /// Every camera in an automatic grid.
    #[default]
    Grid,
    /// Camera `i` alone, filling the window (the grid if `i` is out of
    /// range, for example after that camera left).
    Solo(usize),
}

/// Everything one redraw depends on: what is on the window's screen (not
/// to be confused with a test pattern's `vigie_camera::Scene`, what a
/// synthetic camera films).
#[derive(Debug, Clone, Copy)]
pub struct Screen<'a> {
    /// The cameras, in order.
    pub tiles: &'a [Tile],
    /// Grid, or one camera alone.
    pub mode: ViewMode,
    /// The server's port, shown on the waiting screen.
    pub listen_port: u16,
    /// This PC's addresses (IPs, or `IP:port`), turned into the command to
    /// type on a camera's PC.
    pub listen_addresses: &'a [String],
}

/// Composes `scene` into `frame`, RGBA8 of `width × height` pixels, every
/// pixel opaque. Nothing is drawn if the buffer is not exactly that size
/// (including a zero-size window); no input makes it panic.
///
/// Each call allocates scaling buffers; a window that redraws often keeps a
/// [`Composer`] instead, which gives the same pixels.
pub fn compose(frame: &mut [u8], width: u32, height: u32, scene: &Screen) {
    Composer::new().compose(frame, width, height, scene);
}

/// [`compose`] with scratch buffers kept from one redraw to the next. The
/// output depends only on the arguments, never on earlier calls.
#[derive(Default)]
pub struct Composer {
    scaler: blit::Scaler,
}

impl Composer {
    /// A composer with empty scratch buffers.
    pub fn new() -> Composer {
        Composer::default()
    }

    /// See [`compose`].
    pub fn compose(&mut self, frame: &mut [u8], width: u32, height: u32, scene: &Screen) {
        let expected = (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(4));
        if width == 0 || height == 0 || expected != Some(frame.len()) {
            return;
        }
        blit::fill(frame, width, Rect::new(0, 0, width, height), BACKGROUND);
        if scene.tiles.is_empty() {
            tile::with_canvas(frame, width, height, |c| {
                empty::draw(c, scene.listen_port, scene.listen_addresses)
            });
            return;
        }
        for (i, rect) in layout(width, height, scene.mode, scene.tiles.len()) {
            tile::draw(
                frame,
                width,
                height,
                &mut self.scaler,
                &scene.tiles[i],
                rect,
            );
        }
    }
}

#[cfg(test)]
mod tests;
