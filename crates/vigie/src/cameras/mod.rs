//! `vigie cameras`: list the webcams, or explain how to get webcam support.

/// Lists the webcams this machine has.
#[cfg(feature = "webcam")]
pub fn run() -> anyhow::Result<()> {
    let devices = vigie_camera::webcam::list_devices()?;
    if devices.is_empty() {
        println!("No webcam found. Use `--source test` for the synthetic camera.");
    }
    for d in devices {
        println!("{}: {} ({})", d.index, d.name, d.description);
    }
    Ok(())
}

/// Explains how to build vigie with webcam support: a usage error.
#[cfg(not(feature = "webcam"))]
pub fn run() -> anyhow::Result<()> {
    Err(crate::usage(
        "this vigie was built without webcam support, so it cannot list webcams.\n\
         Rebuild it with the `webcam` feature:\n\
         \n    cargo run --release --features webcam -- cameras\n\
         \n\
         On Linux this needs libclang first (Debian/Ubuntu: sudo apt install libclang-dev).\n\
         Without a webcam, the synthetic test pattern works everywhere: --source test.",
    ))
}
