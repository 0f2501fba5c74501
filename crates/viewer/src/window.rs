//! The window: winit opens it, pixels shows an RGBA buffer in it, and
//! [`crate::compose`] fills that buffer. This file only dispatches events.
//!
//! When does it draw? Only when there is something new to show: a decoded
//! frame (the decoder thread wakes the event loop), a key, a resize, or, a
//! few times a second, a caption whose "last frame 3 s ago" must tick. In
//! between, the event loop sleeps: an idle viewer uses almost no CPU.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pixels::{Pixels, PixelsBuilder, SurfaceTexture};
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};
use vigie_core::frame::now_us;
use vigie_hub::Registry;
use winit::application::ApplicationHandler;
use winit::dpi::{LogicalSize, PhysicalSize};
use winit::event::{ElementState, StartCause, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::window::{Fullscreen, Window, WindowId};

use crate::compose::{Composer, Screen, ViewMode};
use crate::decode::{self, Shared};
use crate::keys::{self, Action};
use crate::{scene, ViewerError};

/// How often captions are refreshed when no frame arrives.
const CAPTION_PERIOD: Duration = Duration::from_millis(500);

/// What the window needs to know besides the cameras.
#[derive(Debug, Clone)]
pub struct ViewerOptions {
    /// The window's title.
    pub title: String,
    /// The port cameras connect to, shown on the empty screen.
    pub listen_port: u16,
    /// What to type on another PC, shown on the empty screen.
    pub listen_addresses: Vec<String>,
}

/// Why the event loop was woken from another thread.
#[derive(Debug, Clone, Copy)]
enum Wake {
    Frames,
    Stop,
}

/// Opens the window and shows the cameras of `registry` until the user
/// quits or `stop` is cancelled. Returns an error, never panics, when there
/// is no display or no usable GPU.
pub fn run(
    registry: Registry,
    runtime: Handle,
    options: ViewerOptions,
    stop: CancellationToken,
) -> Result<(), ViewerError> {
    if !crate::display_available() {
        return Err(ViewerError::NoDisplay);
    }
    let event_loop = EventLoop::<Wake>::with_user_event()
        .build()
        .map_err(|e| ViewerError::EventLoop(e.to_string()))?;
    let shared = Arc::new(Shared::default());
    let decoder_stop = stop.child_token();
    let proxy = event_loop.create_proxy();
    let decoder = decode::spawn(
        registry.clone(),
        shared.clone(),
        runtime.clone(),
        decoder_stop.clone(),
        move || proxy.send_event(Wake::Frames).is_ok(),
    )
    .map_err(|e| ViewerError::Thread(e.to_string()))?;
    let proxy = event_loop.create_proxy();
    let watch_stop = stop.clone();
    runtime.spawn(async move {
        watch_stop.cancelled().await;
        let _ = proxy.send_event(Wake::Stop);
    });

    let mut app = App {
        registry,
        shared,
        options,
        window: None,
        pixels: None,
        size: PhysicalSize::new(0, 0),
        mode: ViewMode::Grid,
        composer: Composer::new(),
        error: None,
    };
    let ran = event_loop.run_app(&mut app);
    decoder_stop.cancel();
    let _ = decoder.join();
    ran.map_err(|e| ViewerError::EventLoop(e.to_string()))?;
    app.error.map_or(Ok(()), Err)
}

struct App {
    registry: Registry,
    shared: Arc<Shared>,
    options: ViewerOptions,
    window: Option<Arc<Window>>,
    pixels: Option<Pixels<'static>>,
    size: PhysicalSize<u32>,
    mode: ViewMode,
    composer: Composer,
    error: Option<ViewerError>,
}

impl App {
    fn open(&mut self, event_loop: &ActiveEventLoop) -> Result<(), ViewerError> {
        let attributes = Window::default_attributes()
            .with_title(&self.options.title)
            .with_inner_size(LogicalSize::new(1280.0, 720.0))
            .with_min_inner_size(LogicalSize::new(160.0, 120.0));
        let window = Arc::new(
            event_loop
                .create_window(attributes)
                .map_err(|e| ViewerError::Window(e.to_string()))?,
        );
        let size = window.inner_size();
        let (w, h) = (size.width.max(1), size.height.max(1));
        let surface = SurfaceTexture::new(w, h, window.clone());
        let pixels = PixelsBuilder::new(w, h, surface)
            .build()
            .map_err(|e| ViewerError::Gpu(e.to_string()))?;
        self.size = PhysicalSize::new(w, h);
        self.pixels = Some(pixels);
        self.window = Some(window);
        Ok(())
    }

    fn resize(&mut self, size: PhysicalSize<u32>) {
        // A minimised window is 0×0: keep the old buffer until it comes back.
        if size.width == 0 || size.height == 0 || size == self.size {
            return;
        }
        if let Some(pixels) = &mut self.pixels {
            let surface = pixels.resize_surface(size.width, size.height);
            let buffer = pixels.resize_buffer(size.width, size.height);
            if let Err(e) = surface.and(buffer) {
                warn!(
                    "cannot resize the window to {}×{}: {e}",
                    size.width, size.height
                );
                return;
            }
            self.size = size;
        }
    }

    fn draw(&mut self) {
        let Some(pixels) = &mut self.pixels else {
            return;
        };
        let views = self.registry.snapshot();
        let tiles = {
            let pictures = self
                .shared
                .pictures
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            scene::tiles(&views, &pictures)
        };
        let scene = Screen {
            tiles: &tiles,
            mode: self.mode,
            listen_port: self.options.listen_port,
            listen_addresses: &self.options.listen_addresses,
        };
        let (w, h) = (self.size.width, self.size.height);
        self.composer.compose(pixels.frame_mut(), w, h, &scene);
        if let Err(e) = pixels.render() {
            warn!("cannot draw the window: {e}");
        }
    }

    fn act(&mut self, action: Action, event_loop: &ActiveEventLoop) {
        match action {
            Action::Quit => event_loop.exit(),
            Action::Grid => self.set_mode(ViewMode::Grid),
            Action::Solo(i) if i < self.registry.snapshot().len() => {
                self.set_mode(ViewMode::Solo(i))
            }
            Action::Solo(_) => {}
            Action::ToggleFullscreen => {
                if let Some(w) = &self.window {
                    let full = w.fullscreen().is_some();
                    w.set_fullscreen((!full).then_some(Fullscreen::Borderless(None)));
                }
            }
            Action::Screenshot => self.screenshot(),
        }
    }

    fn set_mode(&mut self, mode: ViewMode) {
        self.mode = mode;
        *self.shared.mode.lock().unwrap_or_else(|p| p.into_inner()) = mode;
        if let Some(w) = &self.window {
            w.request_redraw();
        }
    }

    /// Saves what is shown as `vigie-YYYY-MM-DD_HH-MM-SS.png` in the current folder.
    fn screenshot(&self) {
        let Some(pixels) = &self.pixels else { return };
        let name = format!("vigie-{}.png", vigie_core::time::file_stamp(now_us()));
        let (w, h) = (self.size.width, self.size.height);
        let saved = vigie_core::png::encode(pixels.frame(), w, h, 4)
            .map_err(|e| e.to_string())
            .and_then(|png| std::fs::write(&name, png).map_err(|e| e.to_string()));
        match saved {
            Ok(()) => {
                let path = std::env::current_dir().map_or(name.clone().into(), |d| d.join(&name));
                info!("screenshot saved: {}", path.display());
            }
            Err(e) => warn!("cannot save screenshot {name}: {e}"),
        }
    }
}

impl ApplicationHandler<Wake> for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.window.is_none() {
            if let Err(e) = self.open(event_loop) {
                self.error = Some(e);
                event_loop.exit();
            }
        }
    }

    fn new_events(&mut self, _: &ActiveEventLoop, cause: StartCause) {
        if let StartCause::ResumeTimeReached { .. } = cause {
            if let Some(w) = &self.window {
                w.request_redraw();
            }
        }
    }

    fn user_event(&mut self, event_loop: &ActiveEventLoop, wake: Wake) {
        match wake {
            Wake::Frames => {
                if let Some(w) = &self.window {
                    w.request_redraw();
                }
            }
            Wake::Stop => event_loop.exit(),
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::Resized(size) => self.resize(size),
            WindowEvent::KeyboardInput { event, .. }
                if event.state == ElementState::Pressed && !event.repeat =>
            {
                if let Some(action) = keys::action_for(&event.logical_key) {
                    self.act(action, event_loop);
                }
            }
            WindowEvent::RedrawRequested => self.draw(),
            _ => {}
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        // Sleep until the next caption refresh, unless a frame wakes us first.
        event_loop.set_control_flow(ControlFlow::WaitUntil(Instant::now() + CAPTION_PERIOD));
    }
}
