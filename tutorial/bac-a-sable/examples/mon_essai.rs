//! Un point de départ : copiez ici l'exemple d'un chapitre
//! (`crates/tutorial/examples/chNN_….rs`) sous un autre nom, `mon_….rs`,
//! et modifiez-le. Lancez-le depuis la racine du dépôt :
//!
//! ```sh
//! cargo run --manifest-path tutorial/bac-a-sable/Cargo.toml --example mon_essai
//! ```

fn main() -> anyhow::Result<()> {
    let mut out = std::io::stdout();
    vigie_tutorial::ch01_projet::run(&mut out)
}
