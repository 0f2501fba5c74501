//! From what the server knows (the registry's camera views) to what the
//! composition draws (tiles). Kept apart from the window so it is tested
//! without one.

use vigie_net::{CameraState, CameraView};

use crate::compose::{Tile, TileState};
use crate::decode::Pictures;

/// One tile per camera, in the registry's order (sorted by name), with the
/// decoded picture when the decoder has one.
pub fn tiles(views: &[CameraView], pictures: &Pictures) -> Vec<Tile> {
    views
        .iter()
        .map(|v| Tile {
            name: v.name.clone(),
            state: match v.state {
                CameraState::Online => TileState::Online,
                CameraState::Stale => TileState::Stale { for_: v.state_for },
                CameraState::Offline => TileState::Offline { for_: v.state_for },
            },
            picture: pictures.get(&v.name),
            source_size: v.latest.as_ref().map(|f| (f.width(), f.height())),
            fps: v.stats.fps,
            latency: v.stats.latency_p50,
            last_frame_age: v.last_frame_age,
            motion: false,
            recording: false,
        })
        .collect()
}
