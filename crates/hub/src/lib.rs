//! # vigie-hub: where the cameras meet their viewers
//!
//! The hub is the middle of vigie: the socket layer (`vigie-net`) puts
//! frames in, the window, the web side and the recorder take them out. None
//! of it touches the network, so it depends on `vigie-core` alone, and a
//! crate that only *shows* cameras (the window, the web page) needs nothing
//! else: no socket code, no camera code.
//!
//! - [`registry`]: the cameras the server knows, with a latest-frame slot
//!   each and their state (online, stale, offline).
//! - [`origin`]: where a camera's frames come from (a peer on a socket, or
//!   a source the server pulls itself).
//! - [`tap`]: every frame in order, for the recorder, bounded in bytes.
//! - [`stats`]: frames, bytes, rates and latency per camera.
//! - [`presence`]: which cameras went offline or came back, for
//!   notifications.

pub mod origin;
pub mod presence;
pub mod registry;
pub mod stats;
pub mod tap;

pub use origin::Origin;

/// The TCP port cameras connect to unless told otherwise (the report's
/// port). The socket layer listens and dials on it (`vigie_net::DEFAULT_PORT`
/// is this constant); the hub holds it so that the pages that show "waiting
/// for cameras on port 8485" need not depend on the socket layer.
pub const DEFAULT_PORT: u16 = 8485;
pub use registry::{
    CameraHandle, CameraState, CameraView, Consumer, Lifecycle, RegisterError, Registry,
    Surveillance,
};
