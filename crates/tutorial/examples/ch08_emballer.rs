//! Chapitre 8 : emballer et déballer des messages.
//!
//! `cargo run -p vigie-tutorial --example ch08_emballer`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch08_emballer::run(&mut std::io::stdout())
}
