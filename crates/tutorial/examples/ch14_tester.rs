//! Chapitre 14 : une fausse caméra et la mire en caractères.
//!
//! `cargo run -p vigie-tutorial --example ch14_tester`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch14_tester::run(&mut std::io::stdout())
}
