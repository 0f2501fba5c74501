//! `vigie bench`'s command line.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

use clap::{Args, ValueEnum};

/// Measure vigie over real loopback sockets: frames per second, CPU time per
/// frame, latency. Figures are for comparing runs on the same machine.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// What to measure.
    #[arg(value_enum)]
    pub scenario: Scenario,

    /// Frame size, as WIDTHxHEIGHT (default 640x480; `raw` runs 640x480 and
    /// 1280x720 unless a size is given; `fanin` is always 640x480).
    #[arg(long)]
    pub size: Option<Size>,

    /// JPEG quality, 1 (smallest) to 100 (best).
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: u8,

    /// How pixels travel (`e2e` and `ingest`; `raw` is always raw, `fanin` JPEG).
    #[arg(long, value_enum, default_value_t = BenchFormat::Jpeg)]
    pub format: BenchFormat,

    /// Cameras sending at once (`ingest`: 4, `fanin`: 64; `e2e` and `raw`: 1).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub cameras: Option<u32>,

    /// Frames per second of each camera in `fanin` (the others send as fast as they can).
    #[arg(long, default_value_t = 15.0)]
    pub fps: f64,

    /// Seconds measured (after a short warm-up), per run.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,

    /// One JSON object per line per run instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Internal: be the camera side of a benchmark, sending to this server
    /// until standard input closes.
    #[arg(long, hide = true)]
    pub peer: Option<SocketAddr>,

    /// The camera link: `plain` (vigie's plaintext protocol), `tls` (TLS 1.3
    /// with paired cameras, as `vigie client` by default), or `both`, one
    /// after the other, with their ratio (`fanin` runs plaintext unless told).
    #[arg(long, value_enum, default_value_t = BenchLink::Both)]
    pub link: BenchLink,

    /// Internal: the peer's pins and tokens (TLS runs).
    #[arg(long, hide = true, value_name = "DIR")]
    pub peer_tls: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// One camera as fast as it can: encode in the client, decode every frame in the server.
    E2e,
    /// N cameras pushing pre-encoded frames as fast as they can; the server does not decode.
    Ingest,
    /// Many cameras at a fixed frame rate: are all frames delivered, at what cost?
    Fanin,
    /// Raw RGB frames as fast as possible, against a plain socket copy of the same size.
    Raw,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::E2e => "e2e",
            Scenario::Ingest => "ingest",
            Scenario::Fanin => "fanin",
            Scenario::Raw => "raw",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchFormat {
    Jpeg,
    Raw,
}

impl BenchFormat {
    pub fn name(self) -> &'static str {
        match self {
            BenchFormat::Jpeg => "jpeg",
            BenchFormat::Raw => "raw",
        }
    }
}

/// A frame size, `WIDTHxHEIGHT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    pub const VGA: Size = Size {
        width: 640,
        height: 480,
    };
    pub const HD: Size = Size {
        width: 1280,
        height: 720,
    };

    /// Bytes of one raw RGB frame.
    pub fn rgb_len(self) -> usize {
        self.width as usize * self.height as usize * 3
    }
}

impl FromStr for Size {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Size> {
        let bad = || anyhow::anyhow!("{s:?} is not a size such as 640x480");
        let (w, h) = s.split_once(['x', 'X', '×']).ok_or_else(bad)?;
        let (width, height) = (
            w.trim().parse::<u32>().map_err(|_| bad())?,
            h.trim().parse::<u32>().map_err(|_| bad())?,
        );
        if width == 0 || height == 0 {
            return Err(bad());
        }
        Ok(Size { width, height })
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// What one run does, scenario defaults applied: shared by the server side
/// and the camera side so that both agree without more flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub scenario: Scenario,
    /// Over TLS with a paired camera (else plaintext).
    pub tls: bool,
    pub size: Size,
    pub format: BenchFormat,
    pub quality: u8,
    pub cameras: u32,
    /// Frames per second per camera; `None` is as fast as possible.
    pub fps: Option<f64>,
    /// Encode each frame just before sending it (else frames are encoded
    /// once, before the run).
    pub encode_each: bool,
    /// Decode each received frame in the server.
    pub decode: bool,
}

impl BenchArgs {
    /// The runs this command asks for (several for `raw`: one per size),
    /// each in plaintext, then over TLS, as `--link` says.
    pub fn plans(&self) -> Vec<Plan> {
        let links: &[bool] = match (self.link, self.scenario) {
            (BenchLink::Plain, _) | (BenchLink::Both, Scenario::Fanin) => &[false],
            (BenchLink::Tls, _) => &[true],
            (BenchLink::Both, _) => &[false, true],
        };
        // The peer runs one plan: the link its parent chose.
        let links: &[bool] = match self.peer {
            Some(_) => &[self.peer_tls.is_some()],
            None => links,
        };
        self.plans_in_plaintext()
            .into_iter()
            .flat_map(|plan| links.iter().map(move |&tls| Plan { tls, ..plan }))
            .collect()
    }

    fn plans_in_plaintext(&self) -> Vec<Plan> {
        let base = Plan {
            scenario: self.scenario,
            tls: false,
            size: self.size.unwrap_or(Size::VGA),
            format: self.format,
            quality: self.quality,
            cameras: self.cameras.unwrap_or(1),
            fps: None,
            encode_each: false,
            decode: false,
        };
        match self.scenario {
            Scenario::E2e => vec![Plan {
                cameras: 1,
                encode_each: true,
                decode: true,
                ..base
            }],
            Scenario::Ingest => vec![Plan {
                cameras: self.cameras.unwrap_or(4),
                ..base
            }],
            Scenario::Fanin => vec![Plan {
                size: Size::VGA,
                format: BenchFormat::Jpeg,
                cameras: self.cameras.unwrap_or(64),
                fps: Some(self.fps),
                ..base
            }],
            Scenario::Raw => {
                let sizes = match self.size {
                    Some(s) => vec![s],
                    None => vec![Size::VGA, Size::HD],
                };
                sizes
                    .into_iter()
                    .map(|size| Plan {
                        size,
                        format: BenchFormat::Raw,
                        cameras: 1,
                        ..base
                    })
                    .collect()
            }
        }
    }

    /// Checks what clap cannot.
    pub fn validate(&self) -> anyhow::Result<()> {
        if !(self.seconds.is_finite() && self.seconds > 0.0 && self.seconds <= 3600.0) {
            return Err(crate::usage(format!(
                "--seconds {}: must be above 0 and at most 3600",
                self.seconds
            )));
        }
        if !(self.fps.is_finite() && self.fps > 0.0 && self.fps <= 1000.0) {
            return Err(crate::usage(format!(
                "--fps {}: must be above 0 and at most 1000",
                self.fps
            )));
        }
        if let Some(s) = self.size {
            let sides = 16..=3840;
            if !sides.contains(&s.width) || !sides.contains(&s.height) {
                return Err(crate::usage(format!(
                    "--size {s}: each side must be 16 to 3840 pixels"
                )));
            }
        }
        Ok(())
    }
}

/// How the benchmark's cameras reach the server (`--link`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchLink {
    /// vigie's plaintext protocol.
    Plain,
    /// TLS 1.3, paired cameras with tokens.
    Tls,
    /// Plaintext, then TLS, and their ratio.
    Both,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        bench: BenchArgs,
    }

    fn parse(args: &[&str]) -> Result<BenchArgs, clap::Error> {
        let mut all = vec!["vigie-bench"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).map(|c| c.bench)
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!("640x480".parse::<Size>().unwrap(), Size::VGA);
        assert_eq!("1280×720".parse::<Size>().unwrap(), Size::HD);
        assert_eq!(Size::HD.to_string(), "1280x720");
        for bad in ["640", "x480", "640x", "0x480", "axb", "640x480x3"] {
            assert!(bad.parse::<Size>().is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_per_scenario() {
        let e2e = parse(&["e2e"]).unwrap();
        assert_eq!((e2e.seconds, e2e.quality, e2e.json), (5.0, 90, false));
        let p = e2e.plans();
        // Plaintext, then TLS: the same run twice.
        assert_eq!(p.len(), 2);
        assert!(!p[0].tls && p[1].tls);
        assert_eq!(Plan { tls: false, ..p[1] }, p[0]);
        assert!(p[0].encode_each && p[0].decode && p[0].fps.is_none());
        assert_eq!((p[0].cameras, p[0].size), (1, Size::VGA));

        let ingest = parse(&["ingest", "--format", "raw"]).unwrap().plans();
        assert_eq!((ingest[0].cameras, ingest[0].format), (4, BenchFormat::Raw));
        assert!(!ingest[0].decode && !ingest[0].encode_each);

        let fanin = parse(&["fanin", "--size", "1280x720"]).unwrap().plans();
        assert_eq!(fanin.len(), 1, "fanin runs plaintext unless told");
        assert_eq!(
            (fanin[0].cameras, fanin[0].size, fanin[0].fps),
            (64, Size::VGA, Some(15.0))
        );

        let raw = parse(&["raw", "--json", "--seconds", "1", "--link", "plain"]).unwrap();
        let sizes: Vec<Size> = raw.plans().iter().map(|p| p.size).collect();
        assert_eq!(sizes, [Size::VGA, Size::HD]);
        assert!(raw.plans().iter().all(|p| p.format == BenchFormat::Raw));
        let one = parse(&["raw", "--size", "320x240"]).unwrap().plans();
        let links: Vec<bool> = one.iter().map(|p| p.tls).collect();
        assert_eq!(links, [false, true]);
        let tls = parse(&["raw", "--size", "320x240", "--link", "tls"]).unwrap();
        assert!(tls.plans().iter().all(|p| p.tls));
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(parse(&["nope"]).is_err());
        assert!(parse(&["e2e", "--quality", "0"]).is_err());
        assert!(parse(&["e2e", "--size", "big"]).is_err());
        assert!(parse(&["e2e", "--cameras", "0"]).is_err());
        assert!(parse(&["e2e", "--seconds", "0"])
            .unwrap()
            .validate()
            .is_err());
        assert!(parse(&["e2e", "--size", "8x8"])
            .unwrap()
            .validate()
            .is_err());
        assert!(parse(&["e2e", "--seconds", "0.5"])
            .unwrap()
            .validate()
            .is_ok());
    }
}
