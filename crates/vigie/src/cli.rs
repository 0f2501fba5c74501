//! The command line, described with clap's derive API: each field is an
//! option, its doc comment is the `--help` text.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The port of the report, kept as vigie's default.
pub const DEFAULT_PORT: u16 = 8485;

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
    /// List the webcams this machine has (needs the `webcam` cargo feature).
    Cameras,
    /// Measure frames per second, CPU per frame and latency over loopback.
    Bench(crate::bench::BenchArgs),
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

    #[command(flatten)]
    pub http: HttpArgs,
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
}

/// Where the web side listens, if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpAddr {
    Off,
    At(SocketAddr),
}

fn parse_http(s: &str) -> Result<HttpAddr, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(HttpAddr::Off);
    }
    s.parse()
        .map(HttpAddr::At)
        .map_err(|_| format!("{s:?} is not an address such as 127.0.0.1:8080, nor `off`"))
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The server to send to, as HOST:PORT (for example 192.168.1.20:8485).
    #[arg(long)]
    pub server: String,

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
    #[arg(long, value_enum, default_value_t = Protocol::Native)]
    pub protocol: Protocol,

    /// Send one captured frame in N, like the report's client.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub every: u32,
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

    #[command(flatten)]
    pub http: HttpArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WireFormat {
    Jpeg,
    Raw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// vigie's protocol: a hello, then length-prefixed bincode frames.
    Native,
    /// The report's format: length-prefixed pickles of numpy JPEG arrays.
    Legacy,
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
    fn quality_outside_1_to_100_is_a_usage_error() {
        let err = Cli::try_parse_from(["vigie", "client", "--server", "h:1", "--quality", "0"]);
        assert!(err.is_err());
    }
}
