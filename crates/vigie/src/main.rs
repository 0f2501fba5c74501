//! The `vigie` command: one binary for the server, the camera client, the
//! demo and the webcam list. Each subcommand lives in its own module; this
//! file only parses the command line, sets up logging and maps errors to
//! exit codes.

mod cameras;
mod cli;

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
        .init();

    match cli.command {
        Command::Cameras => cameras::run(),
        Command::Server(_) => not_yet("server"),
        Command::Client(_) => not_yet("client"),
        Command::Demo(_) => not_yet("demo"),
    }
}

fn not_yet(what: &str) -> ExitCode {
    eprintln!(
        "vigie {what}: not implemented yet. The network layer (server, client, demo) \
         is the next step of the project; see README.md, \"What works today\"."
    );
    ExitCode::from(EXIT_USAGE)
}
