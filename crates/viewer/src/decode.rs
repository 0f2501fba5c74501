//! Decoding frames off the UI thread, and only those that will be shown.
//!
//! JPEG decoding costs about 2 ms per 640×480 frame. Done on the UI thread,
//! nine cameras at 15 fps would eat a quarter of it and make the window
//! stutter. So a separate thread waits for new frames (the registry's change
//! signal, which never queues), decodes the newest frame of each *visible*
//! camera, keeps the pictures in a small cache, and wakes the window.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;
use tracing::warn;
use vigie_core::jpeg;
use vigie_hub::Registry;

use crate::compose::{self, Picture, ViewMode};

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
                let visible = compose::visible_tiles(mode, views.len());
                let mut decoded = Vec::new();
                for view in visible.filter_map(|i| views.get(i)) {
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
                    match jpeg::frame_to_rgb(frame) {
                        Ok(rgb) => decoded.push((
                            view.name.clone(),
                            frame.sequence(),
                            Arc::new(Picture {
                                width: rgb.width,
                                height: rgb.height,
                                rgb: rgb.pixels,
                            }),
                        )),
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
