//! Chapitre 5 : un serveur pour un client, un serveur pour tous.
//!
//! `cargo run -p vigie-tutorial --example ch05_client_serveur`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch05_client_serveur::run(&mut std::io::stdout())
}
