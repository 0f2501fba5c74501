//! `vigie cameras`: list the webcams, or explain how to get webcam support.

use std::process::ExitCode;

#[cfg(feature = "webcam")]
pub fn run() -> ExitCode {
    match vigie_camera::webcam::list_devices() {
        Ok(devices) if devices.is_empty() => {
            println!("No webcam found. Use `--source test` for the synthetic camera.");
            ExitCode::SUCCESS
        }
        Ok(devices) => {
            for d in devices {
                println!("{}: {} ({})", d.index, d.name, d.description);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("vigie cameras: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "webcam"))]
pub fn run() -> ExitCode {
    eprintln!(
        "vigie was built without webcam support, so it cannot list webcams.\n\
         Rebuild it with the `webcam` feature:\n\
         \n    cargo run --release --features webcam -- cameras\n\
         \n\
         On Linux this needs libclang first (Debian/Ubuntu: sudo apt install libclang-dev).\n\
         Without a webcam, the synthetic test pattern works everywhere: --source test."
    );
    ExitCode::from(super::EXIT_USAGE)
}
