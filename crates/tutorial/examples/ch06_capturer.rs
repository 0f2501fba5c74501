//! Chapitre 6 : capturer une image de la mire et regarder ses pixels.
//!
//! `cargo run -p vigie-tutorial --example ch06_capturer`
//! `cargo run -p vigie-tutorial --example ch06_capturer -- mire.png` écrit
//! aussi l'image dans `mire.png`.

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch06_capturer::run(&mut std::io::stdout())?;
    if let Some(path) = std::env::args().nth(1) {
        std::fs::write(
            &path,
            vigie_tutorial::ch06_capturer::png_of_the_pattern()?,
        )?;
        println!("image enregistrée dans {path}");
    }
    Ok(())
}
