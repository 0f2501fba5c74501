//! The `vigie` command: one binary for the server, the camera client, the
//! demo, the benchmarks and the webcam list.
//!
//! Each subcommand lives in its own folder (`server/`, `client/`, `demo/`,
//! `bench/`, `cameras/`); what `server` and `demo` share, the order in
//! which a station starts and stops, is in `station/`; the secure link's
//! options (state directory, pairing, revocation) are in `security.rs`.
//! This file only parses the command line, sets up logging and turns the
//! outcome into an exit code, in one place ([`exit_code`]):
//!
//! - success is 0;
//! - a [`UsageError`] (the run could not start because of how it was asked:
//!   a bad option, a missing feature, a port in use) is 2, the code clap uses
//!   for its own usage errors;
//! - any other error (something went wrong while running) is 1.

#![allow(missing_docs)] // a binary: its documentation is `--help`

mod bench;
mod cameras;
mod cli;
mod client;
mod demo;
mod security;
mod server;
mod station;

use std::fmt;
use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, FromArgMatches};

use cli::{CamerasAction, Cli, Command};

/// Exit code for a run that could not start because of how it was asked.
const EXIT_USAGE: u8 = 2;

/// Exit code for a run that failed while running.
const EXIT_RUNTIME: u8 = 1;

/// A failure caused by how vigie was asked to run, not by what happened
/// while it ran: exit code 2. Anything else that ends a run is exit code 1.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error (exit code 2) saying `message`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

fn main() -> ExitCode {
    // The matches are kept beside the parsed options: `server --config`
    // needs to know which options were typed and which are defaults.
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    init_logging();

    let name = cli.command.name();
    let outcome = match cli.command {
        Command::Pair(state) => security::pair(&state),
        Command::Cameras(args) => match args.action {
            None => cameras::run(),
            Some(CamerasAction::Paired(state)) => security::list_paired(&state),
            Some(CamerasAction::Revoke { name, state }) => security::revoke(&state, &name),
        },
        Command::Server(args) => {
            let typed = matches.subcommand_matches("server");
            server::run(args, typed.unwrap_or(&matches))
        }
        Command::Client(args) => client::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Bench(args) => bench::run(args),
    };
    exit_code(name, outcome)
}

/// Log lines on standard error: coloured on a terminal; plain, with no
/// ANSI codes, otherwise (a file, a pipe, journald). Under systemd
/// (`JOURNAL_STREAM` is set) the time is left out too: the journal stamps
/// every line itself.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        logs.without_time().init();
    } else {
        logs.init();
    }
}

/// The one place where an outcome becomes an exit code: the error, if any,
/// is printed on one line after `vigie NAME:`, and its kind picks the code.
fn exit_code(name: &str, outcome: anyhow::Result<()>) -> ExitCode {
    let Err(error) = outcome else {
        return ExitCode::SUCCESS;
    };
    eprintln!("vigie {name}: {error:#}");
    if error.chain().any(|cause| cause.is::<UsageError>()) {
        ExitCode::from(EXIT_USAGE)
    } else {
        ExitCode::from(EXIT_RUNTIME)
    }
}

/// The async runtime the network code runs on.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("vigie")
        .build()
        .context("starting the tokio runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_are_2_and_others_1_even_with_context() {
        let code = |outcome| format!("{:?}", exit_code("test", outcome));
        assert_eq!(code(Ok(())), format!("{:?}", ExitCode::SUCCESS));
        assert_eq!(
            code(Err(usage("bad option"))),
            format!("{:?}", ExitCode::from(2))
        );
        assert_eq!(
            code(Err(usage("bad option").context("web page"))),
            format!("{:?}", ExitCode::from(2))
        );
        assert_eq!(
            code(Err(anyhow::anyhow!("disk full"))),
            format!("{:?}", ExitCode::from(1))
        );
    }
}
