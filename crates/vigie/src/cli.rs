//! The command line, described with clap's derive API: each field is an
//! option, its doc comment is the `--help` text.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::anyhow;
use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use vigie_net::{Protocol, DEFAULT_PORT};
use vigie_record::RecordMode;

/// vigie: video surveillance on a local network.
///
/// Camera clients capture pictures (a webcam, or a synthetic test pattern)
/// and stream them over TCP to a server, which takes many cameras at once.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Receive cameras and show them live in a window (or print statistics with --headless).
    Server(ServerArgs),
    /// Capture frames (test pattern or webcam) and send them to a server.
    Client(ClientArgs),
    /// Run a server, synthetic cameras and the live window in one process, over loopback.
    Demo(DemoArgs),
    /// Print a fresh pairing code from the server running on this machine.
    Pair(crate::security::StateArgs),
    /// List the webcams this machine has (needs the `webcam` cargo feature),
    /// or the cameras this server paired (`paired`), or revoke one (`revoke`).
    Cameras(CamerasArgs),
    /// Measure frames per second, CPU per frame and latency over loopback.
    Bench(crate::bench::BenchArgs),
}

impl Command {
    /// The subcommand's name, as typed and as error messages begin
    /// (`vigie server: ...`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Server(_) => "server",
            Command::Client(_) => "client",
            Command::Demo(_) => "demo",
            Command::Pair(_) => "pair",
            Command::Cameras(_) => "cameras",
            Command::Bench(_) => "bench",
        }
    }
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Address and port to listen on. 0.0.0.0 accepts cameras from the whole network.
    #[arg(long, default_value_t = SocketAddr::from(([0, 0, 0, 0], DEFAULT_PORT)))]
    pub listen: SocketAddr,

    /// Print statistics instead of opening the window.
    #[arg(long)]
    pub headless: bool,

    /// Seconds between two statistics lines in headless mode.
    #[arg(long, default_value_t = 5.0)]
    pub stats_interval: f64,

    /// Cameras connected at once, at most.
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_cameras: u64,

    /// Largest frame accepted, in bytes (a larger one drops its camera).
    #[arg(long, default_value_t = vigie_core::pack::DEFAULT_MAX_MESSAGE)]
    pub max_frame_size: usize,

    /// Largest picture accepted, in pixels (width × height as the JPEG itself
    /// says, whatever its frame header claims); a larger one drops its camera.
    #[arg(long, default_value_t = vigie_net::server::DEFAULT_MAX_PIXELS, value_name = "PIXELS")]
    pub max_pixels: u64,

    /// Seconds a new connection has to say hello.
    #[arg(long, default_value_t = 5.0)]
    pub hello_timeout: f64,

    /// Seconds without a complete message before a camera is dropped.
    #[arg(long, default_value_t = 10.0)]
    pub read_timeout: f64,

    /// Seconds without a frame before a camera is shown as stale.
    #[arg(long, default_value_t = 2.0)]
    pub stale_after: f64,

    /// Seconds without a frame before a camera is shown as offline.
    #[arg(long, default_value_t = 10.0)]
    pub offline_after: f64,

    /// Also accept vigie's plaintext protocol, without pairing or token:
    /// such cameras are neither encrypted nor authenticated (for the
    /// tutorial's first chapters and for tests). Prints a warning.
    #[arg(long)]
    pub insecure: bool,

    /// Also accept the report's Python format, which can be neither
    /// encrypted nor authenticated. Prints a warning, and one per legacy camera.
    #[arg(long)]
    pub allow_legacy: bool,

    #[command(flatten)]
    pub state: crate::security::StateArgs,

    #[command(flatten)]
    pub surveillance: SurveillanceArgs,

    #[command(flatten)]
    pub http: HttpArgs,

    #[command(flatten)]
    pub notify: NotifyArgs,

    /// Read the server's settings from this TOML file (see
    /// vigie.example.toml): every option above, and per-camera sections.
    /// An option given on the command line overrides the file. SIGHUP
    /// reloads the file's per-camera settings without dropping a camera.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Check the --config file, print the settings that result, and exit
    /// (0 if it is valid, 2 with the line and column of a mistake).
    #[arg(long, requires = "config")]
    pub check: bool,
}

/// Notification channels, each also in `[notify]` of the config file. Any
/// of them turns motion detection on, as --record does.
#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// POST each event (motion started or ended, a camera offline or back)
    /// as JSON to this URL, with the snapshot as a JPEG part.
    #[arg(long, value_name = "URL")]
    pub notify_webhook: Option<String>,

    /// Push each event to this ntfy topic (such as https://ntfy.sh/TOPIC),
    /// the snapshot attached. A token for a protected topic comes from
    /// VIGIE_NTFY_TOKEN.
    #[arg(long, value_name = "URL")]
    pub notify_ntfy: Option<String>,

    /// Publish the cameras' state to this MQTT broker,
    /// mqtt://[user:password@]HOST[:PORT], with Home Assistant discovery.
    /// The password can come from VIGIE_MQTT_PASSWORD instead.
    #[arg(long, value_name = "URL")]
    pub mqtt: Option<String>,
}

/// `vigie cameras [paired | revoke NAME]`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CamerasArgs {
    #[command(subcommand)]
    pub action: Option<CamerasAction>,
}

/// What `vigie cameras` does; nothing: list the webcams.
#[derive(Debug, Subcommand)]
pub enum CamerasAction {
    /// List the cameras paired with the server of this state directory.
    Paired(crate::security::StateArgs),
    /// Revoke a paired camera: a running server drops it within a second
    /// and refuses its token from then on.
    Revoke {
        /// The camera's name, as `vigie cameras paired` lists it.
        name: String,
        #[command(flatten)]
        state: crate::security::StateArgs,
    },
}

/// Motion detection and recording (shared by `server` and `demo`).
#[derive(Debug, Args)]
pub struct SurveillanceArgs {
    /// Record cameras into this folder (MJPEG in Matroska: VLC, mpv and
    /// ffplay play the files; events go to DIR/events.jsonl).
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,

    /// `motion`: one file per motion event, with pre- and post-roll;
    /// `continuous`: everything, in segments of --segment-minutes.
    #[arg(long, default_value_t = RecordMode::Motion,
          value_parser = clap::builder::PossibleValuesParser::new(RecordMode::NAMES)
              .try_map(|s| s.parse::<RecordMode>()))]
    pub record_mode: RecordMode,

    /// Seconds kept before a motion event starts, in memory.
    #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
    pub pre_roll: f64,

    /// Seconds recorded after a motion event ends.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    pub post_roll: f64,

    /// Length of each file; a long motion event is cut into files of this
    /// length too, each listed as soon as it is closed.
    #[arg(long, default_value_t = 5.0, value_name = "MINUTES")]
    pub segment_minutes: f64,

    /// Length of each file in seconds, fractions allowed (for tests).
    #[arg(
        long,
        hide = true,
        value_name = "SECONDS",
        conflicts_with = "segment_minutes"
    )]
    pub segment_seconds: Option<f64>,

    /// Delete recordings older than this many days (oldest first).
    #[arg(long, value_name = "DAYS")]
    pub retention_days: Option<f64>,

    /// Keep the recordings under this many gigabytes (10^9 bytes),
    /// deleting the oldest first.
    #[arg(long, value_name = "GB")]
    pub max_disk: Option<f64>,

    /// Detect motion even without recording (a red frame in the window and
    /// on the web page). Recording turns it on anyway.
    #[arg(long)]
    pub motion: bool,

    /// Motion analyses per second and per camera.
    #[arg(long, default_value_t = 5.0, value_name = "N")]
    pub motion_fps: f64,

    /// Grey-level difference (1 to 255) for a pixel to count as changed.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u8).range(1..))]
    pub motion_threshold: u8,

    /// Fraction of the picture that must change for motion (0.01 = 1 %).
    #[arg(long, default_value_t = 0.01, value_name = "FRACTION")]
    pub motion_area: f32,

    /// A zone to ignore, in fractions of the picture: a rectangle X,Y,W,H
    /// (`0,0,1,0.1` is the top tenth) or a polygon X1,Y1;X2,Y2;X3,Y3.
    /// Repeat the option for several zones.
    #[arg(long = "motion-mask", value_name = "ZONE", value_parser = parse_mask)]
    pub motion_masks: Vec<vigie_core::motion::Mask>,
}

/// `0,0,1,0.1` → a rectangle; `0,0;1,0;0.5,1` → a polygon. The same
/// syntax as `motion_mask` in `vigie.toml`, so one parser serves both.
pub fn parse_mask(s: &str) -> anyhow::Result<vigie_core::motion::Mask> {
    vigie_config::values::parse_mask(s).map_err(anyhow::Error::msg)
}

/// The web page and HTTP API (shared by `server` and `demo`).
#[derive(Debug, Args)]
pub struct HttpArgs {
    /// Address of the web page and HTTP API, or `off`. Binding to anything
    /// but loopback without a password prints a warning.
    #[arg(long = "http", default_value = "127.0.0.1:8080", value_parser = parse_http)]
    pub http: HttpAddr,

    /// User name for HTTP Basic auth (default `vigie` when only a password is given).
    #[arg(long)]
    pub http_user: Option<String>,

    /// Password for HTTP Basic auth of every path but /healthz.
    #[arg(long, env = "VIGIE_HTTP_PASSWORD", hide_env_values = true)]
    pub http_password: Option<String>,

    /// Another name the web page may be reached by (a DNS name of this
    /// machine, a reverse proxy's); repeat it for several, `*` allows any.
    /// `localhost`, this machine's addresses and its name always work;
    /// requests for other names get 421 (protection from DNS rebinding).
    #[arg(long = "http-allowed-host", value_name = "NAME")]
    pub http_allowed_hosts: Vec<String>,

    /// Serve plain HTTP, and allow no password, even beyond loopback.
    /// Without it, a page on another address is HTTPS with the server's
    /// certificate and needs --http-password.
    #[arg(long)]
    pub http_insecure: bool,
}

/// Where the web side listens, if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpAddr {
    Off,
    At(SocketAddr),
}

fn parse_http(s: &str) -> anyhow::Result<HttpAddr> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(HttpAddr::Off);
    }
    s.parse()
        .map(HttpAddr::At)
        .map_err(|_| anyhow!("{s:?} is not an address such as 127.0.0.1:8080, nor `off`"))
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The server to send to, as HOST or HOST:PORT (for example
    /// 192.168.1.20; the port is 8485 if not given).
    #[arg(long)]
    pub server: String,

    /// Pair with the server first, with the code it printed (`pairing
    /// code: …`). Needed once per server and camera name; later runs find
    /// the pinned certificate and the token in the state directory.
    #[arg(long, value_name = "CODE", conflicts_with = "insecure")]
    pub pair: Option<String>,

    /// Send in plaintext, without pairing: only a server started with
    /// --insecure accepts it. The report's format (--protocol legacy) is
    /// always plaintext, so it needs this too.
    #[arg(long)]
    pub insecure: bool,

    #[command(flatten)]
    pub state: crate::security::StateArgs,

    /// The name of this camera, as the server will show it.
    #[arg(long, default_value = "camera")]
    pub name: String,

    /// Where frames come from: `test` (synthetic pattern) or `webcam[:INDEX]`.
    #[arg(long, default_value = "test")]
    pub source: String,

    /// Frames per second to capture and send.
    #[arg(long, default_value_t = 15.0)]
    pub fps: f64,

    /// Frame size, as WIDTHxHEIGHT.
    #[arg(long, default_value = "640x480")]
    pub size: String,

    /// JPEG quality, 1 (smallest) to 100 (best).
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: u8,

    /// How pixels travel: compressed JPEG, or raw RGB.
    #[arg(long, value_enum, default_value_t = WireFormat::Jpeg)]
    pub format: WireFormat,

    /// Stop after this many frames (default: run until interrupted).
    #[arg(long)]
    pub frames: Option<u64>,

    /// Wire protocol: vigie's own, or the report's original Python format.
    #[arg(long, default_value_t = Protocol::Native,
          value_parser = clap::builder::PossibleValuesParser::new(Protocol::NAMES)
              .try_map(|s| s.parse::<Protocol>()))]
    pub protocol: Protocol,

    /// Send one captured frame in N, like the report's client.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub every: u32,

    /// What the test pattern shows: `bars` (colour bars and a moving
    /// square), `moving-object` (a still room that someone crosses every
    /// 20 s: motion to detect) or `light-change` (a still room whose light
    /// rises and falls: no motion).
    #[arg(long, default_value_t = vigie_camera::Scene::Bars)]
    pub scene: vigie_camera::Scene,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many synthetic cameras to start.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub cameras: u32,

    /// Where the demo server listens (a free port is used if this one is taken).
    #[arg(long, default_value_t = SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)))]
    pub listen: SocketAddr,

    /// Frames per second of each camera.
    #[arg(long, default_value_t = 15.0)]
    pub fps: f64,

    /// Stop after this many seconds (default: run until Ctrl-C or Q).
    #[arg(long)]
    pub seconds: Option<f64>,

    /// Print statistics instead of opening the window (automatic when there is no display).
    #[arg(long)]
    pub headless: bool,

    /// Seconds between two statistics lines.
    #[arg(long, default_value_t = 5.0)]
    pub stats_interval: f64,

    /// What the test patterns show (see `vigie client --help`).
    #[arg(long, default_value_t = vigie_camera::Scene::Bars)]
    pub scene: vigie_camera::Scene,

    #[command(flatten)]
    pub surveillance: SurveillanceArgs,

    #[command(flatten)]
    pub http: HttpArgs,
}

/// How a camera client's pixels travel (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WireFormat {
    /// Compressed: JPEG at `--quality`.
    Jpeg,
    /// Uncompressed RGB, 3 bytes a pixel.
    Raw,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_match_the_report() {
        let cli = Cli::parse_from(["vigie", "server"]);
        let Command::Server(args) = cli.command else {
            panic!("expected server")
        };
        assert_eq!(args.listen.port(), 8485);
        let cli = Cli::parse_from(["vigie", "client", "--server", "10.0.0.2:8485"]);
        let Command::Client(args) = cli.command else {
            panic!("expected client")
        };
        assert_eq!((args.quality, args.every), (90, 1));
    }

    #[test]
    fn masks_are_rectangles_or_polygons_of_fractions() {
        use vigie_core::motion::Mask;
        assert_eq!(
            parse_mask("0,0,1,0.1").unwrap(),
            Mask::Rect {
                x: 0.0,
                y: 0.0,
                w: 1.0,
                h: 0.1
            }
        );
        assert_eq!(
            parse_mask("0,0; 1,0 ;0.5,1").unwrap(),
            Mask::Polygon(vec![(0.0, 0.0), (1.0, 0.0), (0.5, 1.0)])
        );
        for bad in ["", "0,0,1", "0,0,2,1", "a,b,c,d", "0,0;1,1", "0,0;1;0,1"] {
            assert!(parse_mask(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn allowed_hosts_repeat() {
        let cli = Cli::parse_from([
            "vigie",
            "demo",
            "--http-allowed-host",
            "cams.example",
            "--http-allowed-host",
            "proxy.lan",
        ]);
        let Command::Demo(args) = cli.command else {
            panic!("expected demo")
        };
        assert_eq!(args.http.http_allowed_hosts, ["cams.example", "proxy.lan"]);
    }

    #[test]
    fn quality_outside_1_to_100_is_a_usage_error() {
        let err = Cli::try_parse_from(["vigie", "client", "--server", "h:1", "--quality", "0"]);
        assert!(err.is_err());
    }
}
