//! Chapitre 2 : un échange TCP minimal.
//!
//! `cargo run -p vigie-tutorial --example ch02_socket`

fn main() -> anyhow::Result<()> {
    vigie_tutorial::ch02_socket::run(&mut std::io::stdout())
}
