//! What the test pattern shows: colour bars, or a room to test motion
//! detection on.
//!
//! Motion detection cannot be tested on colour bars: the moving square and
//! the captions change every frame. It needs what a surveillance camera
//! sees, a still room where, from time to time, something happens:
//!
//! - [`Scene::MovingObject`]: a person walks across the room once every
//!   20 seconds (empty for 6 s, crossing for 6 s, empty for 8 s), so a
//!   server that records on motion should record one event per cycle;
//! - [`Scene::LightChange`]: the same empty room, its light rising and
//!   falling by ±35 % over 20 seconds, like a cloud passing: this must
//!   *not* count as motion.
//!
//! Like the rest of the pattern, a scene is a pure function of the frame
//! number and the frame rate (time = sequence ÷ fps), never of the clock, so
//! the same frame is the same picture in every run and every snapshot.

use std::fmt;
use std::str::FromStr;

use vigie_core::draw::{Canvas, Rgb};

/// What a [`crate::TestPattern`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scene {
    /// Colour bars, a grey ramp and a moving square (the default).
    #[default]
    Bars,
    /// A still room that a person crosses once every 20 seconds.
    MovingObject,
    /// A still, empty room whose light rises and falls over 20 seconds.
    LightChange,
}

impl Scene {
    /// Every scene, in the order of [`Scene::NAMES`].
    pub const ALL: [Scene; 3] = [Scene::Bars, Scene::MovingObject, Scene::LightChange];
    /// The names accepted by [`str::parse`], for a command-line flag.
    pub const NAMES: [&'static str; 3] = ["bars", "moving-object", "light-change"];

    /// The name of this scene, as parsed and displayed.
    pub fn name(self) -> &'static str {
        match self {
            Scene::Bars => "bars",
            Scene::MovingObject => "moving-object",
            Scene::LightChange => "light-change",
        }
    }
}

impl fmt::Display for Scene {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scene {
    type Err = String;

    fn from_str(s: &str) -> Result<Scene, String> {
        Scene::ALL
            .into_iter()
            .find(|scene| scene.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown scene {s:?}: expected one of {}",
                    Scene::NAMES.join(", ")
                )
            })
    }
}

/// The length of one cycle of the room scenes, in seconds.
pub const CYCLE_S: f64 = 20.0;
/// When, in each cycle, the person starts to enter and has fully left.
pub const CROSSING_S: (f64, f64) = (6.0, 12.0);

/// Draws the room at `t` seconds: the person crosses it if `with_person`,
/// and `light` scales every colour (1.0 is the normal light).
pub(crate) fn draw_room(c: &mut Canvas<'_>, t: f64, with_person: bool, light: f64) {
    let (w, h) = (i64::from(c.width()), i64::from(c.height()));
    let rect = |c: &mut Canvas<'_>, x: f64, y: f64, rw: f64, rh: f64, color: Rgb| {
        // Positions in fractions of the picture, so the room fits any size.
        let (x0, y0) = ((x * w as f64) as i64, (y * h as f64) as i64);
        let (x1, y1) = (((x + rw) * w as f64) as i64, ((y + rh) * h as f64) as i64);
        c.fill_rect(x0, y0, x1 - x0, y1 - y0, lit(color, light));
    };
    let floor_y = 0.68;
    rect(c, 0.0, 0.0, 1.0, floor_y, [176, 164, 140]); // wall
    rect(c, 0.0, floor_y, 1.0, 1.0 - floor_y, [112, 84, 60]); // floor
    rect(c, 0.0, floor_y - 0.02, 1.0, 0.02, [150, 140, 120]); // skirting board
    rect(c, 0.10, 0.14, 0.17, floor_y - 0.14, [96, 64, 44]); // door
    rect(c, 0.24, 0.42, 0.015, 0.04, [200, 180, 90]); // its handle
    rect(c, 0.55, 0.12, 0.22, 0.24, [120, 150, 176]); // window
    rect(c, 0.655, 0.12, 0.01, 0.24, [150, 140, 120]); // its frame
    rect(c, 0.60, 0.48, 0.30, 0.05, [132, 100, 70]); // table top
    rect(c, 0.62, 0.53, 0.03, floor_y - 0.53 + 0.06, [100, 74, 50]); // legs
    rect(c, 0.85, 0.53, 0.03, floor_y - 0.53 + 0.06, [100, 74, 50]);
    if with_person {
        if let Some(x) = person_x(t) {
            draw_person(c, x, w, h, light);
        }
    }
}

/// Where the person's left edge is at `t`, in fractions of the width, or
/// `None` when the room is empty. They walk in from the left, at constant
/// speed, and out on the right.
fn person_x(t: f64) -> Option<f64> {
    let (enter, leave) = CROSSING_S;
    let t = t.rem_euclid(CYCLE_S);
    if !(enter..leave).contains(&t) {
        return None;
    }
    let progress = (t - enter) / (leave - enter);
    Some(-PERSON_W + progress * (1.0 + PERSON_W))
}

const PERSON_W: f64 = 0.09;

/// A person as flat shapes: head, shirt, trousers, seen from the front.
fn draw_person(c: &mut Canvas<'_>, x: f64, w: i64, h: i64, light: f64) {
    let px = |f: f64| (f * w as f64) as i64;
    let py = |f: f64| (f * h as f64) as i64;
    let (x0, pw) = (px(x), px(PERSON_W));
    let head = pw / 2;
    c.fill_rect(
        x0 + pw / 4,
        py(0.22),
        head,
        py(0.09),
        lit([210, 160, 130], light),
    );
    c.fill_rect(x0, py(0.31), pw, py(0.22), lit([40, 70, 150], light));
    c.fill_rect(
        x0 + pw / 10,
        py(0.53),
        pw * 8 / 10,
        py(0.24),
        lit([40, 40, 52], light),
    );
}

/// The light at `t`: 1 ± 35 %, a sine of period [`CYCLE_S`], brightest at
/// 5 s and darkest at 15 s. The fastest change is about 0.7 % per frame at
/// 15 fps, which the detector's running background follows.
pub(crate) fn light_at(t: f64) -> f64 {
    1.0 + 0.35 * (std::f64::consts::TAU * t / CYCLE_S).sin()
}

fn lit(color: Rgb, light: f64) -> Rgb {
    color.map(|v| (f64::from(v) * light).round().clamp(0.0, 255.0) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_display_both_ways() {
        for (scene, name) in Scene::ALL.into_iter().zip(Scene::NAMES) {
            assert_eq!(scene.to_string(), name);
            assert_eq!(name.parse::<Scene>(), Ok(scene));
        }
        assert_eq!(Scene::default(), Scene::Bars);
        let err = "disco".parse::<Scene>().unwrap_err();
        assert!(err.contains("moving-object"), "{err}");
    }

    #[test]
    fn the_person_is_in_view_only_during_the_crossing() {
        assert_eq!(person_x(0.0), None);
        assert_eq!(person_x(5.99), None);
        assert!(person_x(6.0).unwrap() <= -PERSON_W + 1e-9);
        assert!((person_x(9.0).unwrap() + PERSON_W / 2.0 - 0.5).abs() < 1e-9);
        assert_eq!(person_x(12.0), None);
        assert_eq!(person_x(26.0 + 3.0), person_x(9.0));
    }

    #[test]
    fn the_light_stays_within_35_percent() {
        assert!((light_at(5.0) - 1.35).abs() < 1e-9);
        assert!((light_at(15.0) - 0.65).abs() < 1e-9);
        assert!((light_at(0.0) - 1.0).abs() < 1e-9);
    }
}
