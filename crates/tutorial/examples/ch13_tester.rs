//! Chapitre 13 : une fausse caméra et la mire en caractères.
//!
//! `cargo run -p vigie-tutorial --example ch13_tester`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch13_tester::run(&mut std::io::stdout())
}
