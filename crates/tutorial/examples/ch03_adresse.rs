//! Chapitre 3 : adresses de socket, flux TCP et datagrammes UDP.
//!
//! `cargo run -p vigie-tutorial --example ch03_adresse`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch03_adresse::run(&mut std::io::stdout())
}
