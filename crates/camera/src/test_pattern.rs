//! The synthetic camera: a test pattern drawn by the program.
//!
//! It stands in for a webcam everywhere a webcam would get in the way: in
//! the demo, on CI machines that have no camera, and in tests. Everything on
//! it is there to be *read by a person* looking at the viewer:
//!
//! ```text
//! +---------------------------------------------+
//! | salon            |    |    |    |    |    |   |   colour bars: is the
//! | #000042          |    |    |    |    |    |   |   colour order right?
//! |      (white, yellow, cyan, green, …)     ##  |   the square moves with
//! |                                          ##  |   the frame number: is
//! |=========== grey ramp, dark to light ========|   the picture live?
//! | 2026-11-24 12:34:56.789 UTC                 |
//! +---------------------------------------------+
//! ```
//!
//! [`TestPattern::with_scene`] swaps the bars for a room in which a person
//! walks by, or the light changes, to test motion detection (see
//! [`Scene`]); the captions then shrink to one discreet line at the bottom.
//!
//! The picture is a pure function of (name, size, sequence number, capture
//! time, and for the rooms the frame rate): [`TestPattern::render`]. Only [`Camera::next_frame`] reads the
//! clock. That is what makes the frames reproducible, and so comparable with
//! the snapshot PNGs committed under `crates/camera/tests/snapshots/`.

use vigie_core::draw::{Canvas, Font, Rgb};
use vigie_core::frame::{now_us, Frame, FrameHeader, PixelFormat};
use vigie_core::time::format_utc;

use crate::scene::{self, Scene};
use crate::{Camera, CameraError, CameraInfo};

/// The clock a test pattern stamps its frames with, in µs since the epoch.
type Clock = Box<dyn FnMut() -> u64 + Send>;

/// 75% colour bars, in the classic order.
const BARS: [Rgb; 7] = [
    [191, 191, 191],
    [191, 191, 0],
    [0, 191, 191],
    [0, 191, 0],
    [191, 0, 191],
    [191, 0, 0],
    [0, 0, 191],
];

/// A synthetic camera that draws a test pattern.
pub struct TestPattern {
    name: String,
    width: u32,
    height: u32,
    fps: f64,
    scene: Scene,
    sequence: u64,
    clock: Clock,
}

impl TestPattern {
    /// The smallest side, in pixels.
    pub const MIN_SIDE: u32 = 16;
    /// The largest side, in pixels.
    pub const MAX_SIDE: u32 = 3840;
    /// The most pixels in one frame: 4K UHD, 3840 × 2160.
    pub const MAX_PIXELS: u64 = 3840 * 2160;

    /// A test pattern named `name`, of `width × height` pixels, meant to be
    /// read `fps` times per second.
    pub fn new(name: &str, width: u32, height: u32, fps: f64) -> Result<TestPattern, CameraError> {
        let sides = Self::MIN_SIDE..=Self::MAX_SIDE;
        if !sides.contains(&width)
            || !sides.contains(&height)
            || u64::from(width) * u64::from(height) > Self::MAX_PIXELS
        {
            return Err(CameraError::InvalidSettings(format!(
                "test pattern size {width}×{height}: each side must be {} to {} pixels, \
                 and at most 3840×2160 pixels in all",
                Self::MIN_SIDE,
                Self::MAX_SIDE
            )));
        }
        if !(fps.is_finite() && fps > 0.0) {
            return Err(CameraError::InvalidSettings(format!(
                "frame rate {fps}: must be a positive number"
            )));
        }
        // Building a header checks the name the way every frame will be checked.
        let probe = FrameHeader {
            camera: name.to_owned(),
            sequence: 0,
            captured_at_us: 0,
            width: 1,
            height: 1,
            format: PixelFormat::Gray8,
        };
        Frame::new(probe, vec![0])?;
        Ok(TestPattern {
            name: name.to_owned(),
            width,
            height,
            fps,
            scene: Scene::Bars,
            sequence: 0,
            clock: Box::new(now_us),
        })
    }

    /// Stamps frames with `clock` instead of the system clock (for tests).
    pub fn with_clock(mut self, clock: impl FnMut() -> u64 + Send + 'static) -> TestPattern {
        self.clock = Box::new(clock);
        self
    }

    /// Draws `scene` instead of the colour bars.
    pub fn with_scene(mut self, scene: Scene) -> TestPattern {
        self.scene = scene;
        self
    }

    /// Draws frame number `sequence`, captured at `captured_at_us`.
    pub fn render(&self, sequence: u64, captured_at_us: u64) -> Frame {
        let (w, h) = (self.width, self.height);
        let mut pixels = vec![0u8; w as usize * h as usize * 3];
        let mut canvas = Canvas::rgb(&mut pixels, w, h).expect("buffer sized for the canvas");
        // The rooms move with the frame number, not the clock, so that a
        // frame is always the same picture.
        let t = sequence as f64 / self.fps;
        match self.scene {
            Scene::Bars => {
                draw_background(&mut canvas);
                draw_moving_square(&mut canvas, sequence, accent(&self.name));
                draw_captions(&mut canvas, &self.name, sequence, captured_at_us);
            }
            Scene::MovingObject => scene::draw_room(&mut canvas, t, true, 1.0),
            Scene::LightChange => scene::draw_room(&mut canvas, t, false, scene::light_at(t)),
        }
        if self.scene != Scene::Bars {
            draw_caption_line(&mut canvas, &self.name, sequence, captured_at_us);
        }
        let header = FrameHeader {
            camera: self.name.clone(),
            sequence,
            captured_at_us,
            width: w,
            height: h,
            format: PixelFormat::Rgb8,
        };
        Frame::new(header, pixels).expect("name and size were checked in TestPattern::new")
    }
}

impl Camera for TestPattern {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            name: self.name.clone(),
            width: self.width,
            height: self.height,
            format: PixelFormat::Rgb8,
            fps: self.fps,
        }
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let now = (self.clock)();
        let frame = self.render(self.sequence, now);
        self.sequence += 1;
        Ok(frame)
    }
}

/// Colour bars on the top two thirds, a grey ramp below.
fn draw_background(c: &mut Canvas<'_>) {
    let (w, h) = (i64::from(c.width()), i64::from(c.height()));
    let bars_h = h * 2 / 3;
    for (i, color) in BARS.iter().enumerate() {
        let (x0, x1) = (w * i as i64 / 7, w * (i as i64 + 1) / 7);
        c.fill_rect(x0, 0, x1 - x0, bars_h, *color);
    }
    for x in 0..w {
        let v = (x * 255 / (w - 1).max(1)) as u8;
        c.fill_rect(x, bars_h, 1, h - bars_h, [v, v, v]);
    }
}

/// A square in the camera's own colour that goes back and forth with the
/// frame number: if it moves, the picture is live.
fn draw_moving_square(c: &mut Canvas<'_>, sequence: u64, color: Rgb) {
    let (w, h) = (i64::from(c.width()), i64::from(c.height()));
    let side = (w.min(h) / 5).max(4);
    let travel = (w - side).max(1);
    let step = (w / 60).max(1);
    let pos = ((sequence % (2 * travel as u64)) as i64 * step) % (2 * travel);
    let x = if pos < travel { pos } else { 2 * travel - pos };
    let y = h * 2 / 3 - side / 2;
    let border = (side / 12).max(1);
    c.fill_rect(x, y, side, side, [0, 0, 0]);
    c.fill_rect(
        x + border,
        y + border,
        side - 2 * border,
        side - 2 * border,
        color,
    );
}

/// Name and frame number top left, capture time bottom left, each on a dark
/// band so they stay readable over any colour.
fn draw_captions(c: &mut Canvas<'_>, name: &str, sequence: u64, captured_at_us: u64) {
    let h = c.height();
    let font = Font::for_line_height(h / 10);
    let pad = i64::from(font.line_height() / 4);
    let line = i64::from(font.line_height());
    let label = |c: &mut Canvas<'_>, y: i64, text: &str, font: Font| {
        let width = i64::from(font.text_width(text));
        c.blend_rect(0, y, width + 2 * pad, line, [0, 0, 0], 170);
        c.text(pad, y, text, font, [255, 255, 255]);
    };
    label(c, pad, name, font.bold());
    label(c, pad + line, &format!("#{sequence:06}"), font);
    let time = format_utc(captured_at_us);
    label(c, i64::from(h) - line - pad, &time, font);
}

/// The captions of the room scenes: one line at the bottom, grey on a
/// slightly darker grey. The digits that change every frame must stay
/// readable for a person but too small and too soft to look like motion to
/// the detector (the scene tests check that they do not).
fn draw_caption_line(c: &mut Canvas<'_>, name: &str, sequence: u64, captured_at_us: u64) {
    let font = Font::for_line_height(16);
    let line = i64::from(font.line_height());
    let text = format!("{name}  #{sequence:06}  {}", format_utc(captured_at_us));
    let y = i64::from(c.height()) - line;
    c.fill_rect(0, y, i64::from(c.width()), line, CAPTION_BAND);
    c.text(4, y, &text, font, CAPTION_TEXT);
}

const CAPTION_BAND: Rgb = [72, 72, 72];
const CAPTION_TEXT: Rgb = [150, 150, 150];

/// A colour derived from the camera name (FNV-1a hash to a hue), so that
/// each camera of a demo has its own square.
fn accent(name: &str) -> Rgb {
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let hue = hash % 360;
    let x = (255 * (60 - (hue % 120).abs_diff(60)) / 60) as u8;
    match hue / 60 {
        0 => [255, x, 0],
        1 => [x, 255, 0],
        2 => [0, 255, x],
        3 => [0, x, 255],
        4 => [x, 0, 255],
        _ => [255, 0, x],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_out_of_range_are_refused() {
        for (w, h) in [(15, 100), (100, 15), (3841, 100), (3840, 3840)] {
            let err = TestPattern::new("t", w, h, 30.0).err().unwrap();
            assert!(matches!(err, CameraError::InvalidSettings(_)), "{w}×{h}");
        }
        assert!(TestPattern::new("t", 16, 16, 30.0).is_ok());
        assert!(TestPattern::new("t", 2160, 3840, 30.0).is_ok());
        assert!(TestPattern::new("t", 64, 64, 0.0).is_err());
        assert!(TestPattern::new("", 64, 64, 30.0).is_err());
    }

    #[test]
    fn same_inputs_give_same_pixels() {
        let a = TestPattern::new("a", 64, 48, 30.0).unwrap();
        let b = TestPattern::new("a", 64, 48, 30.0).unwrap();
        assert_eq!(a.render(5, 123), b.render(5, 123));
        assert_ne!(a.render(5, 123).payload(), a.render(6, 123).payload());
        let other = TestPattern::new("b", 64, 48, 30.0).unwrap();
        assert_ne!(a.render(5, 123).payload(), other.render(5, 123).payload());
    }

    #[test]
    fn next_frame_counts_and_reads_the_clock() {
        let mut t = 1_000;
        let mut cam = TestPattern::new("c", 32, 32, 30.0)
            .unwrap()
            .with_clock(move || {
                t += 40_000;
                t
            });
        let first = cam.next_frame().unwrap();
        let second = cam.next_frame().unwrap();
        assert_eq!((first.sequence(), first.captured_at_us()), (0, 41_000));
        assert_eq!((second.sequence(), second.captured_at_us()), (1, 81_000));
        assert_eq!(second, cam.render(1, 81_000));
    }
}
