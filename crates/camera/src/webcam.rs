//! # Real webcams, through nokhwa
//!
//! [nokhwa](https://docs.rs/nokhwa) is a Rust library that talks to each
//! system's own camera interface: Video4Linux (V4L2) on Linux, Media
//! Foundation on Windows, AVFoundation on macOS. Here it plays the part that
//! `cv2.VideoCapture(0)` played in the report, without OpenCV.
//!
//! ## MJPEG passthrough
//!
//! Most USB webcams can compress each picture to JPEG themselves (the
//! "MJPEG" mode); it is how they fit 30 pictures a second of 1280×720 through
//! USB 2. vigie sends JPEG over the network anyway, so when the camera already
//! gives JPEG, [`Webcam`] hands those bytes on untouched: decoding them to RGB
//! only to encode them again would cost CPU time twice, and some quality, for
//! nothing. Other modes (YUYV, NV12, …) are decoded to RGB8, for
//! [`crate::Pipeline`] to encode.
//!
//! Some webcams leave the Huffman tables (the DHT segment) out of their MJPEG
//! frames, because they always use the standard ones. These frames are passed
//! on as they are, not repaired: zune-jpeg (vigie's decoder) fills in the
//! standard tables when the frame carries the `AVI1` marker such cameras
//! usually add, and libjpeg-turbo (in browsers) always does, but a stricter
//! decoder will refuse them.
//!
//! ## Building and running on Linux
//!
//! nokhwa's Linux backend generates its V4L2 bindings with bindgen when it is
//! built, and bindgen needs libclang (Debian/Ubuntu: `apt install
//! libclang-dev`). That is why webcams sit behind the `webcam` cargo feature:
//! the default build needs nothing but the Rust toolchain.
//!
//! A camera is a file, `/dev/video0`, that belongs to the `video` group. A
//! user outside that group gets "permission denied": `sudo usermod -aG video
//! $USER`, then log out and back in.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::{self, JoinHandle};

use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
};
use nokhwa::{Buffer, FormatDecoder, NokhwaError};
use vigie_core::frame::{now_us, Frame, FrameHeader, PixelFormat, MAX_NAME_LEN, MAX_SIDE};

use crate::{Camera, CameraError, CameraInfo};

/// A camera the system knows about, as listed by [`list_devices`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// The number to put in [`WebcamSettings::index`] (N of `/dev/videoN` on Linux).
    pub index: u32,
    /// The name the driver gives it, as a person reads it.
    pub name: String,
    /// More about it (on Linux, the driver and the bus).
    pub description: String,
}

/// The cameras of this machine; none is an empty list, not an error.
pub fn list_devices() -> Result<Vec<DeviceInfo>, CameraError> {
    let found = nokhwa::query(ApiBackend::Auto)
        .map_err(|e| CameraError::Backend(format!("could not list cameras: {e}")))?;
    Ok(found
        .iter()
        .filter_map(|info| {
            // A device named by a string rather than a number cannot be opened by index.
            let index = info.index().as_index().ok()?;
            Some(DeviceInfo {
                index,
                name: info.human_name(),
                description: info.description().to_owned(),
            })
        })
        .collect())
}

/// What to ask of a webcam. The device gives its closest mode, so read
/// [`Camera::info`] for what was actually agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebcamSettings {
    /// Which camera: N of `/dev/videoN` on Linux (see [`list_devices`]).
    pub index: u32,
    /// Width to ask for, in pixels.
    pub width: u32,
    /// Height to ask for, in pixels.
    pub height: u32,
    /// Frames per second to ask for.
    pub fps: u32,
    /// The camera name stamped on every frame (1 to 64 bytes).
    pub name: String,
}

impl WebcamSettings {
    /// Camera `index` at 640×480 and 30 fps, named `webcam<index>`.
    pub fn new(index: u32) -> WebcamSettings {
        WebcamSettings {
            index,
            width: 640,
            height: 480,
            fps: 30,
            name: format!("webcam{index}"),
        }
    }

    fn describe(&self) -> String {
        let (w, h, fps, index) = (self.width, self.height, self.fps, self.index);
        format!("{w}×{h} at {fps} fps from camera {index}")
    }
}

impl Default for WebcamSettings {
    fn default() -> Self {
        WebcamSettings::new(0)
    }
}

/// A webcam, opened by [`Webcam::open`].
///
/// nokhwa's camera is not `Send`: its backends hold system handles that
/// nokhwa does not promise may change threads. [`Camera`] is `Send`, so that a
/// capture loop can run on its own thread. So the nokhwa camera is born, used
/// and dropped on one thread of its own, and `Webcam` only holds channels to
/// it: one frame asked, one frame given.
pub struct Webcam {
    settings: WebcamSettings,
    info: CameraInfo,
    sequence: u64,
    requests: Option<SyncSender<()>>,
    buffers: Receiver<Result<Buffer, NokhwaError>>,
    worker: Option<JoinHandle<()>>,
}

impl Webcam {
    /// Opens camera `settings.index` in the mode closest to the settings,
    /// preferring MJPEG, and starts it streaming.
    pub fn open(settings: WebcamSettings) -> Result<Webcam, CameraError> {
        check(&settings)?;
        if !nokhwa::nokhwa_check() {
            // Only macOS asks: this shows the system prompt, which answers later.
            nokhwa::nokhwa_initialize(|_| {});
            return Err(CameraError::PermissionDenied {
                index: settings.index,
                hint: permission_hint(),
            });
        }
        // Backends word a missing device in their own ways; the list is one answer for all.
        if let Ok(devices) = list_devices() {
            if !devices.iter().any(|d| d.index == settings.index) {
                return Err(CameraError::NoDevice {
                    index: settings.index,
                    available: describe_devices(&devices),
                });
            }
        }
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let (requests, request_rx) = mpsc::sync_channel::<()>(1);
        let (buffer_tx, buffers) = mpsc::sync_channel(1);
        let wanted = settings.clone();
        let worker = thread::Builder::new()
            .name(format!("webcam{}", settings.index))
            .spawn(move || {
                let opened = open_device(&wanted);
                let format = opened.as_ref().map(|c| c.camera_format());
                let sent = ready_tx.send(format.map_err(NokhwaError::clone));
                let (Ok(mut camera), Ok(())) = (opened, sent) else {
                    return;
                };
                for () in request_rx {
                    if buffer_tx.send(camera.frame()).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| CameraError::Backend(format!("could not start a camera thread: {e}")))?;
        let format = match ready_rx.recv() {
            Ok(Ok(format)) => format,
            Ok(Err(e)) => return Err(classify(&e, &settings, available)),
            // The thread panicked inside nokhwa before answering.
            Err(_) => return Err(CameraError::Backend("the camera thread stopped".into())),
        };
        let info = CameraInfo {
            name: settings.name.clone(),
            width: format.width(),
            height: format.height(),
            format: match format.format() {
                FrameFormat::MJPEG => PixelFormat::Jpeg,
                _ => PixelFormat::Rgb8,
            },
            fps: f64::from(format.frame_rate()),
        };
        Ok(Webcam {
            settings,
            info,
            sequence: 0,
            requests: Some(requests),
            buffers,
            worker: Some(worker),
        })
    }
}

impl Camera for Webcam {
    fn info(&self) -> CameraInfo {
        self.info.clone()
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let index = self.settings.index;
        let gone = || CameraError::Disconnected(format!("the thread of camera {index} stopped"));
        let requests = self.requests.as_ref().ok_or_else(gone)?;
        requests.send(()).map_err(|_| gone())?;
        let buffer = self
            .buffers
            .recv()
            .map_err(|_| gone())?
            .map_err(|e| classify(&e, &self.settings, available))?;
        let frame = frame_from(&buffer, &self.settings, self.sequence)?;
        self.sequence += 1;
        Ok(frame)
    }
}

impl Drop for Webcam {
    fn drop(&mut self) {
        // Closing the request channel ends the thread's loop; waiting for it
        // releases the device now, so that it can be opened again at once.
        self.requests = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn check(settings: &WebcamSettings) -> Result<(), CameraError> {
    if !(1..=MAX_NAME_LEN).contains(&settings.name.len()) {
        return Err(CameraError::InvalidSettings(format!(
            "camera name {:?}: must be 1 to {MAX_NAME_LEN} bytes",
            settings.name
        )));
    }
    let sides = 1..=MAX_SIDE;
    if !sides.contains(&settings.width) || !sides.contains(&settings.height) || settings.fps == 0 {
        return Err(CameraError::InvalidSettings(format!(
            "{}: sides must be 1 to {MAX_SIDE} pixels and the rate above 0",
            settings.describe()
        )));
    }
    Ok(())
}

/// Opens the device in any mode we can decode, then moves to the one
/// [`choose_format`] prefers. nokhwa's own `Closest` request is not used: it
/// looks for frame rates at the size asked rather than the size found, so it
/// fails whenever that exact size is not offered, and it never leaves MJPEG.
fn open_device(settings: &WebcamSettings) -> Result<nokhwa::Camera, NokhwaError> {
    let any_mode = RequestedFormat::new::<RgbFormat>(RequestedFormatType::None);
    let mut camera = nokhwa::Camera::new(CameraIndex::Index(settings.index), any_mode)?;
    // A device that cannot list its modes can still stream in its current one.
    let offered = camera.compatible_camera_formats().unwrap_or_default();
    if let Some(best) = choose_format(&offered, settings) {
        let exact =
            RequestedFormat::with_formats(RequestedFormatType::Exact(best), RgbFormat::FORMATS);
        if best != camera.camera_format() && camera.set_camera_requset(exact).is_err() {
            // Drivers may round a size or rate, and nokhwa then calls the mode
            // rejected; the mode the device is in is still usable, and info() tells.
            camera.refresh_camera_format()?;
        }
    }
    camera.open_stream()?;
    Ok(camera)
}

/// The nearest size first (the caller asked for it), then MJPEG (see the
/// module doc), then the nearest rate; among the modes we can decode.
fn choose_format(offered: &[CameraFormat], wanted: &WebcamSettings) -> Option<CameraFormat> {
    offered
        .iter()
        .copied()
        .filter(|f| RgbFormat::FORMATS.contains(&f.format()))
        .min_by_key(|f| {
            let dw = i64::from(f.width()) - i64::from(wanted.width);
            let dh = i64::from(f.height()) - i64::from(wanted.height);
            let not_mjpeg = f.format() != FrameFormat::MJPEG;
            (
                dw * dw + dh * dh,
                not_mjpeg,
                f.frame_rate().abs_diff(wanted.fps),
            )
        })
}

/// Turns one captured buffer into a frame: MJPEG as it came, anything else
/// decoded to RGB8.
fn frame_from(
    buffer: &Buffer,
    settings: &WebcamSettings,
    sequence: u64,
) -> Result<Frame, CameraError> {
    let captured_at_us = now_us();
    let resolution = buffer.resolution();
    let is_jpeg = buffer.source_frame_format() == FrameFormat::MJPEG
        && buffer.buffer().starts_with(&[0xFF, 0xD8]);
    let (format, payload) = if is_jpeg {
        (PixelFormat::Jpeg, buffer.buffer_bytes())
    } else {
        let rgb = buffer
            .decode_image::<RgbFormat>()
            .map_err(|e| classify(&e, settings, String::new))?;
        (PixelFormat::Rgb8, bytes::Bytes::from(rgb.into_raw()))
    };
    let header = FrameHeader {
        camera: settings.name.clone(),
        sequence,
        captured_at_us,
        width: resolution.width(),
        height: resolution.height(),
        format,
    };
    Ok(Frame::new(header, payload)?)
}

/// Sorts a nokhwa error into a [`CameraError`]. nokhwa passes the system's
/// errors on as text, so this reads the text: the words Linux and macOS
/// print, and the `errno` numbers in case they are not English. `available`
/// lists the cameras, and is only called when the camera is missing.
fn classify(
    err: &NokhwaError,
    settings: &WebcamSettings,
    available: impl FnOnce() -> String,
) -> CameraError {
    let index = settings.index;
    let detail = err.to_string();
    let text = detail.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    if matches!(err, NokhwaError::ReadFrameError(_)) {
        // The stream was open: whatever the cause, the pictures stopped.
        CameraError::Disconnected(detail)
    } else if has(&["permission denied", "access is denied", "(os error 13)"]) {
        CameraError::PermissionDenied {
            index,
            hint: permission_hint(),
        }
    } else if has(&["busy", "(os error 16)"]) {
        CameraError::Busy { index, detail }
    } else if has(&[
        "no such file",
        "no such device",
        "(os error 2)",
        "(os error 19)",
    ]) {
        CameraError::NoDevice {
            index,
            available: available(),
        }
    } else if matches!(
        err,
        NokhwaError::SetPropertyError { .. }
            | NokhwaError::UnsupportedOperationError(_)
            | NokhwaError::NotImplementedError(_)
    ) || has(&["fufill", "fulfill", "unsupported", "not supported"])
    {
        CameraError::Unsupported {
            requested: settings.describe(),
            detail,
        }
    } else {
        CameraError::Backend(detail)
    }
}

fn permission_hint() -> String {
    if cfg!(target_os = "linux") {
        "on Linux, add your user to the 'video' group (sudo usermod -aG video $USER), \
         then log out and back in"
    } else if cfg!(target_os = "macos") {
        "allow camera access in System Settings > Privacy & Security > Camera"
    } else {
        "allow camera access in the system's privacy settings"
    }
    .to_owned()
}

fn available() -> String {
    match list_devices() {
        Ok(devices) => describe_devices(&devices),
        Err(e) => e.to_string(),
    }
}

fn describe_devices(devices: &[DeviceInfo]) -> String {
    if devices.is_empty() {
        return "no camera found".to_owned();
    }
    let names: Vec<String> = devices
        .iter()
        .map(|d| format!("{}: {}", d.index, d.name))
        .collect();
    format!("cameras available: {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use nokhwa::utils::Resolution;

    use super::*;

    fn kind(err: &NokhwaError) -> &'static str {
        match classify(err, &WebcamSettings::new(3), || "no camera found".into()) {
            CameraError::NoDevice { index: 3, .. } => "NoDevice",
            CameraError::Busy { index: 3, .. } => "Busy",
            CameraError::PermissionDenied { index: 3, .. } => "PermissionDenied",
            CameraError::Unsupported { .. } => "Unsupported",
            CameraError::Disconnected(_) => "Disconnected",
            CameraError::Backend(_) => "Backend",
            _ => "other",
        }
    }

    fn v4l_open(why: &str) -> NokhwaError {
        NokhwaError::OpenDeviceError("3".into(), format!("V4L2 Error: {why}"))
    }

    #[test]
    fn errors_are_sorted_by_what_the_user_can_do() {
        let unfit = NokhwaError::GetPropertyError {
            property: "CameraFormat".into(),
            error: "Failed to Fufill".into(),
        };
        let busy = "Device or resource busy (os error 16)";
        let cases = [
            (
                v4l_open("No such file or directory (os error 2)"),
                "NoDevice",
            ),
            (
                v4l_open("Permission denied (os error 13)"),
                "PermissionDenied",
            ),
            (NokhwaError::OpenStreamError(busy.into()), "Busy"),
            (unfit, "Unsupported"),
            // Once streaming, even "no such device" means the camera went away.
            (
                NokhwaError::ReadFrameError("No such device (os error 19)".into()),
                "Disconnected",
            ),
            (NokhwaError::GeneralError("something odd".into()), "Backend"),
        ];
        for (err, expected) in cases {
            assert_eq!(kind(&err), expected, "{err}");
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        let settings = WebcamSettings::new(3);
        let missing = v4l_open("No such file or directory (os error 2)");
        let text = classify(&missing, &settings, || "no camera found".into()).to_string();
        assert_eq!(text, "no camera with index 3: no camera found");
        // The device list is read only when the camera is missing.
        let denied = v4l_open("Permission denied (os error 13)");
        let text = classify(&denied, &settings, || panic!("listed the devices")).to_string();
        assert!(
            !cfg!(target_os = "linux") || text.contains("'video' group"),
            "{text}"
        );
        let rejected = NokhwaError::SetPropertyError {
            property: "Frame rate".into(),
            value: "30".into(),
            error: "Rejected".into(),
        };
        let text = classify(&rejected, &settings, String::new).to_string();
        assert!(text.contains("640×480 at 30 fps from camera 3"), "{text}");
    }

    #[test]
    fn the_closest_size_wins_then_mjpeg_then_the_closest_rate() {
        let mode = |w, h, format, fps| CameraFormat::new_from(w, h, format, fps);
        let offered = [
            mode(640, 480, FrameFormat::GRAY, 30),
            mode(640, 480, FrameFormat::YUYV, 30),
            mode(640, 480, FrameFormat::MJPEG, 15),
            mode(640, 480, FrameFormat::MJPEG, 30),
            mode(1280, 720, FrameFormat::MJPEG, 30),
            mode(1920, 1080, FrameFormat::YUYV, 5),
        ];
        let mut wanted = WebcamSettings::new(0);
        assert_eq!(choose_format(&offered, &wanted), Some(offered[3]));
        (wanted.width, wanted.height, wanted.fps) = (1200, 700, 60);
        assert_eq!(choose_format(&offered, &wanted), Some(offered[4]));
        (wanted.width, wanted.height) = (1920, 1080);
        assert_eq!(choose_format(&offered, &wanted), Some(offered[5]));
        // nokhwa cannot turn GRAY into RGB.
        assert_eq!(choose_format(&offered[..1], &wanted), None);
    }

    #[test]
    fn mjpeg_passes_through_and_the_rest_is_decoded() {
        let settings = WebcamSettings::new(0);
        let rgb = [200u8, 30, 30].repeat(16 * 8);
        let jpeg = vigie_core::jpeg::encode(&rgb, 16, 8, PixelFormat::Rgb8, 90).unwrap();
        let buffer = Buffer::new(Resolution::new(16, 8), &jpeg, FrameFormat::MJPEG);
        let frame = frame_from(&buffer, &settings, 7).unwrap();
        assert_eq!((frame.format(), frame.sequence()), (PixelFormat::Jpeg, 7));
        assert_eq!(frame.payload().as_ref(), jpeg.as_slice(), "bytes changed");
        assert_eq!((frame.width(), frame.camera()), (16, "webcam0"));

        // YUYV: two pixels in four bytes (Y0 U Y1 V).
        let buffer = Buffer::new(Resolution::new(2, 2), &[128; 8], FrameFormat::YUYV);
        let frame = frame_from(&buffer, &settings, 0).unwrap();
        assert_eq!(frame.format(), PixelFormat::Rgb8);
        assert_eq!(frame.payload().len(), 2 * 2 * 3);
        assert!(frame.captured_at_us() > 0);
    }

    #[test]
    fn bad_settings_are_refused_before_any_device_is_touched() {
        let with = |change: fn(&mut WebcamSettings)| {
            let mut settings = WebcamSettings::new(0);
            change(&mut settings);
            settings
        };
        for settings in [
            with(|s| s.name.clear()),
            with(|s| s.width = 0),
            with(|s| s.fps = 0),
        ] {
            let err = Webcam::open(settings).err().expect("bad settings accepted");
            assert!(matches!(err, CameraError::InvalidSettings(_)), "{err}");
        }
    }

    // CI machines have no camera: these check that asking is safe and clear.
    #[test]
    fn listing_devices_never_panics() {
        if let Err(err) = list_devices() {
            assert!(err.to_string().contains("could not list cameras"), "{err}");
        }
    }

    #[test]
    fn a_missing_camera_is_a_clear_error() {
        let err = Webcam::open(WebcamSettings::new(99))
            .err()
            .expect("camera 99?");
        if cfg!(target_os = "linux") {
            assert!(err.to_string().contains("no camera with index 99"), "{err}");
        }
    }
}
