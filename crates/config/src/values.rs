//! Values that check themselves: a number of seconds that is not negative,
//! a fraction between 0 and 1, a mask inside the picture.
//!
//! Each kind of value is a small type whose only way in is a check (its
//! `TryFrom`), and serde goes through that same door (`try_from`). So a
//! value impossible on the command line is impossible in the file too, and
//! the TOML parser, which knows where each value was written, reports the
//! failed check at its line and column. The binary builds these types
//! from its flags with the same `try_from`, so the rules live here, once.

use std::fmt;
use std::net::SocketAddr;

use serde::Deserialize;
use vigie_core::motion::Mask;

/// Longest duration accepted anywhere: about 300 years.
const MAX_SECONDS: f64 = 1e10;

macro_rules! number {
    ($(#[$doc:meta])* $name:ident($inner:ty) from $from:ty = $froms:literal, $ok:expr, $rule:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
        #[serde(try_from = $froms)]
        pub struct $name($inner);

        impl TryFrom<$from> for $name {
            type Error = String;
            #[allow(clippy::unnecessary_cast)]
            fn try_from(v: $from) -> Result<Self, String> {
                let ok: fn($from) -> bool = $ok;
                if ok(v) {
                    Ok($name(v as $inner))
                } else {
                    Err(format!("{v}: {}", $rule))
                }
            }
        }

        impl $name {
            /// The checked value.
            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

number!(
    /// Seconds, 0 or more (pre-roll, post-roll, a cooldown).
    Seconds(f64) from f64 = "f64",
    |s| s.is_finite() && (0.0..MAX_SECONDS).contains(&s),
    "must be a number of seconds, 0 or more"
);
number!(
    /// Seconds above 0 (a timeout, an interval).
    Timeout(f64) from f64 = "f64",
    |s| s.is_finite() && s > 0.0 && s < MAX_SECONDS,
    "must be a number of seconds above 0"
);
number!(
    /// Motion analyses per second and per camera: above 0, at most 100.
    MotionFps(f64) from f64 = "f64",
    |f| f.is_finite() && f > 0.0 && f <= 100.0,
    "must be more than 0 and at most 100"
);
number!(
    /// The fraction of the picture that must change: above 0, at most 1.
    Area(f32) from f64 = "f64",
    |a| a > 0.0 && a <= 1.0,
    "must be a fraction above 0 and at most 1"
);
number!(
    /// Grey-level difference for a pixel to count as changed: 1 to 255.
    Threshold(u8) from i64 = "i64",
    |t| (1..=255).contains(&t),
    "must be a grey-level difference from 1 to 255"
);
number!(
    /// Cameras at once: 1 to 4096.
    MaxCameras(u64) from i64 = "i64",
    |n| (1..=4096).contains(&n),
    "must be from 1 to 4096 cameras"
);
number!(
    /// A size or count above 0 (bytes of a frame, pixels of a picture).
    Count(u64) from i64 = "i64",
    |n| n > 0,
    "must be above 0"
);
number!(
    /// Events a notification queue holds: 1 to 10000.
    QueueLength(usize) from i64 = "i64",
    |n| (1..=10_000).contains(&n),
    "must be from 1 to 10000 events"
);
number!(
    /// Days of recordings to keep: 0 or more.
    Days(f64) from f64 = "f64",
    |d| d.is_finite() && d >= 0.0 && d * 86_400.0 < MAX_SECONDS,
    "must be a number of days, 0 or more"
);
number!(
    /// Gigabytes (10^9 bytes) of recordings to keep: above 0.
    Gigabytes(f64) from f64 = "f64",
    |g| g.is_finite() && g > 0.0 && g < 1e9,
    "must be a number of gigabytes above 0"
);
number!(
    /// Minutes per recording file: at least one second's worth.
    Minutes(f64) from f64 = "f64",
    |m| m.is_finite() && m * 60.0 >= 1.0 && m * 60.0 < MAX_SECONDS,
    "must be at least one second (1/60 of a minute)"
);

macro_rules! text {
    ($(#[$doc:meta])* $name:ident($inner:ty), $parse:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(pub(crate) $inner);

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                let parse: fn(&str) -> Result<$inner, String> = $parse;
                parse(&s).map($name)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = String;
            fn try_from(s: &str) -> Result<Self, String> {
                $name::try_from(s.to_string())
            }
        }

        impl $name {
            /// The checked value.
            pub fn get(&self) -> &$inner {
                &self.0
            }
        }
    };
}

text!(
    /// A zone the motion detector ignores: `X,Y,W,H` or `X1,Y1;X2,Y2;X3,Y3`.
    Zone(Mask),
    parse_mask
);
text!(
    /// Where the web side listens: an address, or `off`.
    HttpListen(Option<SocketAddr>),
    |s| {
        if s.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|_| format!("{s:?} is not an address such as 127.0.0.1:8080, nor `off`"))
    }
);
text!(
    /// A webhook URL: http or https, with a host.
    WebhookUrl(String),
    |s| vigie_notify::channel::check_url(s, "webhook").map(|()| s.to_string()).map_err(|e| e.to_string())
);
text!(
    /// An ntfy topic URL: http or https, with a host and a topic.
    NtfyUrl(String),
    |s| vigie_notify::channel::check_url(s, "ntfy").map(|()| s.to_string()).map_err(|e| e.to_string())
);
text!(
    /// A broker: `mqtt://[user:password@]HOST[:PORT]`.
    Mqtt(vigie_notify::MqttUrl),
    |s| s.parse().map_err(|e: vigie_notify::Error| e.to_string())
);
text!(
    /// Quiet hours, `HH:MM-HH:MM`, or `off` (none, even if the defaults have some).
    Quiet(Option<vigie_notify::QuietHours>),
    |s| match s {
        "off" => Ok(None),
        _ => s.parse().map(Some).map_err(|e: vigie_notify::Error| format!("{e}, or `off`")),
    }
);
text!(
    /// A name to show people: 1 to 64 characters, no control character.
    DisplayName(String),
    |s| {
        let n = s.chars().count();
        if (1..=64).contains(&n) && !s.chars().any(char::is_control) {
            Ok(s.to_string())
        } else {
            Err(format!("{s:?}: a name must be 1 to 64 characters, none a control character"))
        }
    }
);
text!(
    /// One level of an MQTT topic: letters, digits, `-`, `_`.
    TopicLevel(String),
    |s| {
        if !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            Ok(s.to_string())
        } else {
            Err(format!("{s:?}: a topic level is 1 to 64 letters, digits, `-` or `_`"))
        }
    }
);

/// `0,0,1,0.1` → a rectangle; `0,0;1,0;0.5,1` → a polygon (the syntax of
/// `--motion-mask`).
pub fn parse_mask(s: &str) -> Result<Mask, String> {
    let numbers = |part: &str| -> Result<Vec<f32>, String> {
        part.split(',')
            .map(|n| {
                n.trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|x| (0.0..=1.0).contains(x))
                    .ok_or_else(|| format!("{n:?} in {s:?} is not a fraction between 0 and 1"))
            })
            .collect()
    };
    if s.contains(';') {
        let points = s
            .split(';')
            .map(|p| match numbers(p)?.as_slice() {
                [x, y] => Ok((*x, *y)),
                _ => Err(format!("{p:?} in {s:?} is not a point X,Y")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if points.len() < 3 {
            return Err(format!("the polygon {s:?} needs at least 3 points"));
        }
        return Ok(Mask::Polygon(points));
    }
    match numbers(s)?.as_slice() {
        [x, y, w, h] => Ok(Mask::Rect {
            x: *x,
            y: *y,
            w: *w,
            h: *h,
        }),
        _ => Err(format!(
            "{s:?} is not a zone: use X,Y,W,H (a rectangle) or X1,Y1;X2,Y2;X3,Y3 (a polygon)"
        )),
    }
}

/// A mask written back in the syntax [`parse_mask`] reads.
pub fn format_mask(mask: &Mask) -> String {
    match mask {
        Mask::Rect { x, y, w, h } => format!("{x},{y},{w},{h}"),
        Mask::Polygon(points) => points
            .iter()
            .map(|(x, y)| format!("{x},{y}"))
            .collect::<Vec<_>>()
            .join(";"),
    }
}

/// How a camera is recorded, when the server records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordMode {
    /// One file per motion event, with pre- and post-roll.
    Motion,
    /// Everything, in segments.
    Continuous,
    /// Not at all (a camera section only).
    Off,
}

impl fmt::Display for RecordMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecordMode::Motion => "motion",
            RecordMode::Continuous => "continuous",
            RecordMode::Off => "off",
        })
    }
}

/// Events a person may be told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventChoice {
    /// Motion started and ended.
    Motion,
    /// Offline and back online.
    Offline,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_refuse_what_the_flags_refuse() {
        assert!(MotionFps::try_from(0.0).is_err() && MotionFps::try_from(100.5).is_err());
        assert!(MotionFps::try_from(f64::NAN).is_err() && MotionFps::try_from(5.0).is_ok());
        assert!(Area::try_from(0.0).is_err() && Area::try_from(1.01).is_err());
        assert!(Threshold::try_from(0).is_err() && Threshold::try_from(256).is_err());
        assert!(Seconds::try_from(-1.0).is_err() && Seconds::try_from(f64::INFINITY).is_err());
        assert!(Gigabytes::try_from(0.0).is_err() && Minutes::try_from(0.01).is_err());
        assert!(MaxCameras::try_from(4097).is_err() && MaxCameras::try_from(1).is_ok());
        assert!(HttpListen::try_from("off").unwrap().get().is_none());
        assert!(HttpListen::try_from("localhost").is_err());
        assert!(DisplayName::try_from("").is_err() && DisplayName::try_from("a\nb").is_err());
    }

    #[test]
    fn masks_go_there_and_back() {
        for text in ["0,0,1,0.1", "0,0;1,0;0.5,1"] {
            assert_eq!(format_mask(&parse_mask(text).unwrap()), text);
        }
        for bad in ["", "0,0,1", "0,0,2,1", "a,b,c,d", "0,0;1,1", "0,0;1;0,1"] {
            assert!(parse_mask(bad).is_err(), "{bad:?}");
        }
    }
}
