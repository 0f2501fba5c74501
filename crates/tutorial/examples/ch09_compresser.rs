//! Chapitre 9 : JPEG à trois qualités.
//!
//! `cargo run -p vigie-tutorial --example ch09_compresser`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch09_compresser::run(&mut std::io::stdout())
}
