//! Chapitre 15 : le client du rapport face au serveur de vigie, et le
//! mouvement.
//!
//! `cargo run -p vigie-tutorial --example ch15_plus_loin`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch15_plus_loin::run(&mut std::io::stdout())
}
