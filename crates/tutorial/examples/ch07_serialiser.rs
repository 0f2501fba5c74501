//! Chapitre 7 : sérialiser, et lire le format pickle sans danger.
//!
//! `cargo run -p vigie-tutorial --example ch07_serialiser`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch07_serialiser::run(&mut std::io::stdout())
}
