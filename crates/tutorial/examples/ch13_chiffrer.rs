//! Chapitre 13 : ce qu'un espion voit passer, en clair puis dans TLS, et un
//! intermédiaire démasqué par le code d'appairage.
//!
//! `cargo run -p vigie-tutorial --example ch13_chiffrer`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch13_chiffrer::run(&mut std::io::stdout())
}
