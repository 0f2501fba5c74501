//! Chapitre 12 : une sonde qui dit si une caméra pourra joindre un serveur.
//!
//! `cargo run -p vigie-tutorial --example ch12_deux_pc` : la démonstration
//! sur la boucle locale ;
//! `cargo run -p vigie-tutorial --example ch12_deux_pc -- 192.168.1.20:8485` :
//! sonde cette adresse (le port 8485 est pris si vous n'en donnez pas).

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    vigie_tutorial::ch12_deux_pc::run_with_args(&args, &mut std::io::stdout())
}
