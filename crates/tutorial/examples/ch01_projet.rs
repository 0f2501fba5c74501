//! Chapitre 1 : le voyage d'une image, de la caméra à l'écran.
//!
//! `cargo run -p vigie-tutorial --example ch01_projet`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch01_projet::run(&mut std::io::stdout())
}
