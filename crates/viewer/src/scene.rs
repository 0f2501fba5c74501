//! From what the server knows (the registry's camera views) to what the
//! composition draws (tiles). Kept apart from the window so it is tested
//! without one.

use vigie_hub::{CameraState, CameraView};

use crate::compose::{Tile, TileState};
use crate::decode::Pictures;

/// One tile per camera, in the registry's order (sorted by name), with the
/// decoded picture when the decoder has one.
pub fn tiles(views: &[CameraView], pictures: &Pictures) -> Vec<Tile> {
    views
        .iter()
        .map(|v| Tile {
            // The config's display name, if it gives one.
            name: v.shown_name().to_owned(),
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
            // An offline camera is not moving nor recording, whatever was
            // last said before it left.
            motion: v.surveillance.motion && v.state != CameraState::Offline,
            recording: v.surveillance.recording && v.state != CameraState::Offline,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use vigie_hub::stats::StatsView;
    use vigie_hub::Surveillance;

    use super::*;

    fn view(state: CameraState, motion: bool, recording: bool) -> CameraView {
        CameraView {
            name: "porte".into(),
            origin: vigie_hub::Origin::peer("127.0.0.1:9".parse().unwrap(), "native"),
            state,
            state_for: Duration::from_secs(1),
            last_frame_age: None,
            latest: None,
            stats: StatsView {
                fps: 0.0,
                kbps: 0.0,
                latency_p50: None,
                latency_p99: None,
                frames: 0,
                drops: 0,
                clock_ahead: false,
            },
            surveillance: Surveillance {
                motion,
                recording,
                ..Surveillance::default()
            },
            display_name: None,
        }
    }

    #[test]
    fn motion_and_recording_reach_the_tile_unless_offline() {
        let pictures = Pictures::default();
        let online = tiles(&[view(CameraState::Online, true, true)], &pictures);
        assert!(online[0].motion && online[0].recording);
        let quiet = tiles(&[view(CameraState::Online, false, true)], &pictures);
        assert!(!quiet[0].motion && quiet[0].recording);
        let gone = tiles(&[view(CameraState::Offline, true, true)], &pictures);
        assert!(!gone[0].motion && !gone[0].recording);
    }
}
