//! Chapitre 11 : la cadence, les attentes entre deux tentatives, et un
//! client qui démarre avant son serveur.
//!
//! `cargo run -p vigie-tutorial --example ch11_client`
//!
//! Les messages de vigie-net (tentatives ratées, connexion) s'affichent sur
//! la sortie d'erreur, comme ceux de `vigie client`.

use std::io::IsTerminal;

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
    vigie_tutorial::ch11_client::run(&mut std::io::stdout())
}
