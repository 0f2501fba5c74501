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
//!
//! The thread also sets the window's pace. Nine cameras at 15 fps, each on
//! its own clock, change the registry about 135 times a second; redrawing
//! the whole mosaic for each change would compose and present the window
//! far more often than any camera's picture changes. So after a round the
//! thread waits for [`round_interval`]: a little less than the frame
//! interval of the fastest visible camera (rounds at [`PACE`] times its
//! rate), between 10 and 60 rounds a second. Why "a little less": a round
//! shows each camera's newest frame, so a frame is skipped only if two of
//! the same camera arrive within one round; with rounds at 0.8 of the frame
//! interval that takes a frame more than a fifth of an interval late (13 ms
//! at 15 fps). A round that finds no new frame for a camera simply shows
//! the same picture again, which nobody can see. Changes that arrive
//! meanwhile are not lost: the signal keeps only "something changed", and
//! the next round decodes the newest frame of each camera.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;
use tracing::warn;
use vigie_core::jpeg;
use vigie_hub::{CameraState, CameraView, Registry};

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

/// The fewest rounds of decoding (and so of redraws) a second: a camera
/// whose rate is not known yet, or a slow one, is still shown within 0.1 s.
pub const MIN_ROUNDS_PER_SECOND: f64 = 10.0;

/// The most rounds a second: a common screen's refresh rate. More would
/// compose pictures that no screen shows.
pub const MAX_ROUNDS_PER_SECOND: f64 = 60.0;

/// Rounds per frame of the fastest visible camera. Every round composes and
/// presents the whole window, the costliest thing the viewer does, so as
/// few as will not skip a frame: see the module's documentation.
pub const PACE: f64 = 1.25;

/// How long the decoder waits, at least, from the start of one round to the
/// start of the next, when the fastest visible camera sends `fastest_fps`
/// frames a second: rounds at [`PACE`] times its rate, kept between
/// [`MIN_ROUNDS_PER_SECOND`] and [`MAX_ROUNDS_PER_SECOND`]. An unknown rate
/// (zero, or not a number) gets the fastest pace.
pub fn round_interval(fastest_fps: f64) -> Duration {
    let rate = if fastest_fps.is_finite() && fastest_fps > 0.0 {
        (PACE * fastest_fps).clamp(MIN_ROUNDS_PER_SECOND, MAX_ROUNDS_PER_SECOND)
    } else {
        MAX_ROUNDS_PER_SECOND
    };
    Duration::from_secs_f64(1.0 / rate)
}

/// What the window shows besides pictures: which cameras, in which state.
/// A round that decodes nothing new wakes the window only if this changed.
fn outline(views: &[CameraView]) -> Vec<(String, CameraState)> {
    views.iter().map(|v| (v.name.clone(), v.state)).collect()
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
            let mut shown_outline = None;
            let mut next_round = Instant::now();
            loop {
                let changed = runtime.block_on(async {
                    tokio::select! {
                        _ = stop.cancelled() => false,
                        r = async {
                            // The pace first, then the signal: changes that
                            // come during the wait are kept by the signal.
                            tokio::time::sleep_until(next_round.into()).await;
                            changes.changed().await
                        } => r.is_ok(),
                    }
                });
                if !changed {
                    break;
                }
                let round_started = Instant::now();
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
                let fastest_fps = compose::visible_tiles(mode, views.len())
                    .filter_map(|i| views.get(i))
                    .map(|v| v.stats.fps)
                    .fold(0.0, f64::max);
                next_round = round_started + round_interval(fastest_fps);
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
                let outline = outline(&views);
                if decoded.is_empty() && shown_outline.as_ref() == Some(&outline) {
                    // Nothing the window shows has changed (a hidden
                    // camera's frame, a counter): no redraw.
                    continue;
                }
                shown_outline = Some(outline);
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
    fn the_pace_follows_the_fastest_camera_between_10_and_60_rounds() {
        let rate = |fps: f64| 1.0 / round_interval(fps).as_secs_f64();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-3;
        // Nine cameras at 15 fps: 18.75 rounds a second, not 135.
        assert!(close(rate(15.0), 18.75));
        assert!(close(rate(30.0), 37.5));
        // Each round comes before the camera's next frame, with a fifth of
        // an interval to spare for a late frame.
        for fps in [5.0, 12.5, 15.0, 25.0, 30.0, 48.0] {
            let frame_interval = 1.0 / fps;
            let round = round_interval(fps).as_secs_f64();
            assert!(round <= 0.8 * frame_interval + 1e-9, "{fps} fps");
        }
        // A fast camera: never past a screen's 60 Hz.
        assert!(close(rate(60.0), 60.0));
        assert!(close(rate(1000.0), 60.0));
        // A slow one: still 10 rounds a second.
        assert!(close(rate(1.0), 10.0));
        // Not known yet (no frame, or a hostile stats value): the fastest.
        for unknown in [0.0, -3.0, f64::NAN, f64::INFINITY] {
            assert!(close(rate(unknown), 60.0), "{unknown}");
        }
    }

    /// A camera publishing as fast as it can: the decoder wakes the window
    /// at most 60 times a second, whatever the machine's speed (the pace
    /// only ever waits; a slow machine wakes it less often).
    #[test]
    fn a_flood_of_frames_wakes_the_window_at_the_pace_at_most() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use vigie_hub::Lifecycle;

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let registry = Registry::new(4, Lifecycle::default());
        let peer = "127.0.0.1:5000".parse().unwrap();
        let camera = registry
            .register("rapide", vigie_hub::Origin::peer(peer, "native"))
            .unwrap();
        let shared = Arc::new(Shared::default());
        let stop = CancellationToken::new();
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = wakes.clone();
        let decoder = spawn(
            registry.clone(),
            shared.clone(),
            runtime.handle().clone(),
            stop.clone(),
            move || {
                counter.fetch_add(1, Ordering::SeqCst);
                true
            },
        )
        .unwrap();

        let rgb = vec![50; 32 * 24 * 3];
        let started = Instant::now();
        let mut sequence = 0;
        // Half a second of frames; longer only on a machine so loaded that
        // the decoder has not had its second round yet.
        while started.elapsed() < Duration::from_millis(500)
            || (wakes.load(Ordering::SeqCst) < 2 && started.elapsed() < Duration::from_secs(10))
        {
            let header = vigie_core::FrameHeader {
                camera: "rapide".into(),
                sequence,
                captured_at_us: 0,
                width: 32,
                height: 24,
                format: PixelFormat::Rgb8,
            };
            camera.publish(Frame::new(header, rgb.clone()).unwrap(), false);
            sequence += 1;
            thread::sleep(Duration::from_micros(200));
        }
        let elapsed = started.elapsed();
        stop.cancel();
        decoder.join().unwrap();

        let wakes = wakes.load(Ordering::SeqCst);
        // One round at the start, then one per interval at most.
        let most = 1 + (elapsed.as_secs_f64() * MAX_ROUNDS_PER_SECOND).ceil() as usize;
        assert!(wakes >= 1, "the window was never woken");
        assert!(
            wakes <= most,
            "{wakes} wakes for {sequence} frames in {elapsed:?} (at most {most})"
        );
        // And what it shows is a recent frame, not the first.
        let shown = shared.pictures.lock().unwrap().by_camera["rapide"].0;
        assert!(shown > 0, "frame n° {shown} of {sequence}");
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
