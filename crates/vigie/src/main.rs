//! The `vigie` command: one binary for the server, the camera client, the
//! demo and the webcam list. Each subcommand lives in its own module; this
//! file only parses the command line, sets up logging and maps errors to
//! exit codes.

mod bench;
mod cameras;
mod cli;
mod client;
mod demo;
mod fd_budget;
mod report;
mod serve;
mod server;
mod source;
mod surveillance;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Exit code for a run that could not start because of how it was asked
/// (bad option, missing feature, port in use): the same code clap uses for
/// usage errors.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    match cli.command {
        Command::Cameras => cameras::run(),
        Command::Server(args) => server::run(args),
        Command::Client(args) => client::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Bench(args) => bench::run(args),
    }
}

/// The async runtime the network code runs on.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("vigie")
        .build()
        .expect("starting the tokio runtime")
}
