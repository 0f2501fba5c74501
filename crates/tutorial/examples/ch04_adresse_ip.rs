//! Chapitre 4 : les adresses IP de cette machine.
//!
//! `cargo run -p vigie-tutorial --example ch04_adresse_ip`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch04_adresse_ip::run(&mut std::io::stdout())
}
