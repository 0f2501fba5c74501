//! Chapitre 10 : le côté serveur.
//!
//! `cargo run -p vigie-tutorial --example ch10_serveur`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch10_serveur::run(&mut std::io::stdout())
}
