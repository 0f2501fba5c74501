//! Decoding frames off the UI thread, only those that will be shown, and
//! only as large as they will be shown.
//!
//! JPEG decoding costs over a millisecond per 640×480 frame. Done on the UI
//! thread, nine cameras at 15 fps would eat a good part of it and make the
//! window stutter. So a separate thread waits for new frames (the
//! registry's change signal, which never queues), decodes the newest frame
//! of each *visible* camera, keeps the pictures in a small cache, and wakes
//! the window.
//!
//! A camera in a grid tile is drawn smaller than it is: nine 640×480
//! cameras in a 1280×720 window get tiles of about 420×236, where the
//! picture fits at 315×236. A JPEG can be decoded at half, a quarter or an
//! eighth of its size for a fraction of the work (the DCT scaling of
//! [`jpeg::Scale`]), so the thread decodes each frame at the smallest of
//! those scales that still fills its tile ([`scale_for_tile`]), and the
//! window's scaler shrinks what is left. Nothing the tile can show is lost.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;
use tracing::warn;
use vigie_core::jpeg;
use vigie_hub::Registry;

use vigie_core::jpeg::Scale;
use vigie_core::{Frame, PixelFormat};

use crate::compose::{self, Picture, Rect, ViewMode};

/// The newest decoded picture of each visible camera, by name, with the
/// sequence number it was decoded from.
#[derive(Default)]
pub struct Pictures {
    by_camera: HashMap<String, (u64, Arc<Picture>)>,
}

impl Pictures {
    pub fn get(&self, camera: &str) -> Option<Arc<Picture>> {
        self.by_camera.get(camera).map(|(_, p)| p.clone())
    }
}

/// What the UI and the decoder share.
#[derive(Default)]
pub struct Shared {
    pub pictures: Mutex<Pictures>,
    pub mode: Mutex<ViewMode>,
    /// The window's inner size in pixels, which the tiles' sizes follow
    /// (0×0 before it opens: then every picture is decoded at full size).
    pub window_size: Mutex<(u32, u32)>,
}

/// The DCT scale to decode a `width × height` camera picture at, for a
/// tile `tile`: the smallest scale whose picture is at least as large as
/// the picture fitted into the tile (aspect ratio kept, as the window draws
/// it). An empty tile (a window not yet open) gets the full size.
pub fn scale_for_tile(width: u32, height: u32, tile: Rect) -> Scale {
    if tile.is_empty() || width == 0 || height == 0 {
        return Scale::Full;
    }
    // The fitted size: the picture scaled by min(tile.w / width, tile.h /
    // height), in integers, rounded up.
    let (w, h, tw, th) = (
        u64::from(width),
        u64::from(height),
        u64::from(tile.w),
        u64::from(tile.h),
    );
    let (fit_w, fit_h) = if tw * h <= th * w {
        (tw, (h * tw).div_ceil(w))
    } else {
        ((w * th).div_ceil(h), th)
    };
    Scale::at_least(width, height, fit_w as u32, fit_h as u32)
}

/// Decodes (or converts) `frame` for a tile of the size `tile`.
fn picture_for(frame: &Frame, tile: Rect) -> vigie_core::Result<Picture> {
    let scale = match frame.format() {
        PixelFormat::Jpeg => scale_for_tile(frame.width(), frame.height(), tile),
        _ => Scale::Full,
    };
    let rgb = jpeg::frame_to_rgb_scaled(frame, scale)?;
    Ok(Picture {
        width: rgb.width,
        height: rgb.height,
        rgb: rgb.pixels,
    })
}

/// Starts the decoder thread. It calls `wake` after each round of decoding
/// and stops when `stop` is cancelled or `wake` returns false. A thread the
/// system cannot start is an error, not a panic.
pub fn spawn(
    registry: Registry,
    shared: Arc<Shared>,
    runtime: Handle,
    stop: CancellationToken,
    wake: impl Fn() -> bool + Send + 'static,
) -> std::io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("vigie-decode".into())
        .spawn(move || {
            let consumer = registry.consumer();
            let mut changes = registry.subscribe();
            loop {
                let changed = runtime.block_on(async {
                    tokio::select! {
                        _ = stop.cancelled() => false,
                        r = changes.changed() => r.is_ok(),
                    }
                });
                if !changed {
                    break;
                }
                let views = consumer.snapshot();
                let mode = *shared.mode.lock().unwrap_or_else(|p| p.into_inner());
                let (width, height) = *shared.window_size.lock().unwrap_or_else(|p| p.into_inner());
                let tiles = compose::layout(width, height, mode, views.len());
                let tile_of = |i: usize| {
                    tiles
                        .iter()
                        .find(|(t, _)| *t == i)
                        .map_or(Rect::new(0, 0, 0, 0), |(_, r)| *r)
                };
                let visible = compose::visible_tiles(mode, views.len());
                let mut decoded = Vec::new();
                for (i, view) in visible.filter_map(|i| views.get(i).map(|v| (i, v))) {
                    let Some(frame) = &view.latest else { continue };
                    let known = shared
                        .pictures
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .by_camera
                        .get(&view.name)
                        .map(|(seq, _)| *seq);
                    if known == Some(frame.sequence()) {
                        continue;
                    }
                    match picture_for(frame, tile_of(i)) {
                        Ok(picture) => {
                            decoded.push((view.name.clone(), frame.sequence(), Arc::new(picture)))
                        }
                        Err(e) => warn!("camera {:?}: cannot show frame: {e}", view.name),
                    }
                }
                {
                    let mut pictures = shared.pictures.lock().unwrap_or_else(|p| p.into_inner());
                    // Forget cameras that are gone or hidden: their pictures
                    // would be stale when they come back anyway.
                    let shown: Vec<&str> = compose::visible_tiles(mode, views.len())
                        .filter_map(|i| views.get(i).map(|v| v.name.as_str()))
                        .collect();
                    pictures
                        .by_camera
                        .retain(|name, _| shown.contains(&name.as_str()));
                    for (name, seq, picture) in decoded {
                        pictures.by_camera.insert(name, (seq, picture));
                    }
                }
                if !wake() {
                    break;
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tile of camera `i` of `n` in a `width × height` grid window.
    fn tile(width: u32, height: u32, n: usize, i: usize) -> Rect {
        compose::layout(width, height, ViewMode::Grid, n)[i].1
    }

    #[test]
    fn nine_vga_cameras_in_a_720p_window_decode_at_half_size() {
        let t = tile(1280, 720, 9, 4);
        // About 420×236: the 4:3 picture fits it at 236 high, 315 wide.
        assert!(
            (400..440).contains(&t.w) && (220..240).contains(&t.h),
            "{t:?}"
        );
        assert_eq!(scale_for_tile(640, 480, t), Scale::Half);
        // Half size (320×240) still covers the fitted picture: nothing is
        // lost; a quarter (160×120) would be blurred up.
        assert!(240 >= t.h && 320 >= t.h * 4 / 3);
    }

    #[test]
    fn the_scale_follows_the_tile() {
        // One camera filling the window: full size.
        assert_eq!(
            scale_for_tile(640, 480, Rect::new(0, 0, 1280, 720)),
            Scale::Full
        );
        // 1080p cameras in a 3×3 grid: a quarter still fills ~420×236.
        assert_eq!(
            scale_for_tile(1920, 1080, tile(1280, 720, 9, 0)),
            Scale::Quarter
        );
        // A tiny tile: an eighth, never smaller.
        assert_eq!(
            scale_for_tile(640, 480, Rect::new(0, 0, 40, 30)),
            Scale::Eighth
        );
        assert_eq!(
            scale_for_tile(640, 480, Rect::new(0, 0, 1, 1)),
            Scale::Eighth
        );
        // No window yet, or a zero-sized frame: full size.
        assert_eq!(scale_for_tile(640, 480, Rect::new(0, 0, 0, 0)), Scale::Full);
        assert_eq!(scale_for_tile(0, 0, Rect::new(0, 0, 100, 100)), Scale::Full);
    }

    #[test]
    fn every_chosen_scale_is_at_least_the_fitted_picture() {
        for (w, h) in [(640, 480), (1280, 720), (320, 240), (1920, 1080), (17, 9)] {
            for (tw, th) in [(1280, 720), (420, 236), (300, 300), (100, 50), (2000, 2000)] {
                let scale = scale_for_tile(w, h, Rect::new(0, 0, tw, th));
                let (sw, sh) = scale.apply(w, h);
                // Fitted: width-bound or height-bound, whichever is tighter.
                let fit = (f64::from(tw) / f64::from(w)).min(f64::from(th) / f64::from(h));
                if scale != Scale::Full {
                    assert!(
                        f64::from(sw) >= (f64::from(w) * fit).floor(),
                        "{w}×{h} in {tw}×{th}"
                    );
                    assert!(
                        f64::from(sh) >= (f64::from(h) * fit).floor(),
                        "{w}×{h} in {tw}×{th}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_jpeg_frame_is_decoded_at_the_tile_scale_and_a_raw_one_as_it_is() {
        use vigie_core::FrameHeader;
        let rgb = vec![90; 640 * 480 * 3];
        let header = |format| FrameHeader {
            camera: "c".into(),
            sequence: 1,
            captured_at_us: 0,
            width: 640,
            height: 480,
            format,
        };
        let raw = Frame::new(header(PixelFormat::Rgb8), rgb.clone()).unwrap();
        let file = jpeg::encode(&rgb, 640, 480, PixelFormat::Rgb8, 90).unwrap();
        let jpeg_frame = Frame::new(header(PixelFormat::Jpeg), file).unwrap();
        let small = tile(1280, 720, 9, 0);
        let p = picture_for(&jpeg_frame, small).unwrap();
        assert_eq!((p.width, p.height), (320, 240));
        assert!(p.is_valid());
        let p = picture_for(&raw, small).unwrap();
        assert_eq!((p.width, p.height), (640, 480));
        let p = picture_for(&jpeg_frame, Rect::new(0, 0, 1280, 720)).unwrap();
        assert_eq!((p.width, p.height), (640, 480));
    }
}
