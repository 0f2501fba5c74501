//! File descriptors: how many the server may open, and who gets them.
//!
//! Every socket and every open file is a file descriptor, and a process
//! may hold only so many: the *soft* limit of `RLIMIT_NOFILE`, often 1,024
//! (systemd's default, and most shells'). When it is reached, `accept`
//! fails with "Too many open files", on *every* port: a thousand web
//! viewers that stopped reading would lock out new cameras.
//!
//! So, once at start:
//! 1. the soft limit is raised to the hard one (any process may do that,
//!    and servers commonly do);
//! 2. the descriptors are shared out: the camera port gets what it needs
//!    first (two connections per camera: one being replaced while its
//!    successor says hello), the web side gets most of the rest, and a
//!    reserve stays for what is neither: recordings, thumbnails, the
//!    window, the listening sockets, the runtime's own.
//!
//! Each side then stays inside its share (`vigie_net::ServerConfig::
//! max_connections`, `vigie_web::WebConfig::max_connections`), so no web
//! load can stop the camera port, and the reverse.

/// The most HTTP connections, however high the limit: each can hold a
/// frame in buffers, and a home server has no use for more.
pub const WEB_MAX: usize = vigie_web::MAX_CONNECTIONS;

/// Asked for when the hard limit is "unlimited" (Linux's own ceiling,
/// `fs.nr_open`, is 1,048,576 by default).
const CEILING: u64 = 1 << 20;

/// How the process's file descriptors are shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdBudget {
    /// The soft limit, after raising it.
    pub limit: u64,
    /// The soft limit found at start.
    pub before: u64,
    /// Connections on the camera port.
    pub cameras: usize,
    /// HTTP connections.
    pub web: usize,
    /// Kept for files, the window and the rest.
    pub reserve: usize,
}

impl FdBudget {
    /// Raises the soft limit as far as allowed and shares it out, for a
    /// camera server that would like `camera_connections` connections.
    pub fn at_start(camera_connections: usize) -> FdBudget {
        let before = rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft);
        let limit = match rlimit::increase_nofile_limit(CEILING) {
            Ok(limit) => limit,
            Err(e) => {
                tracing::warn!("cannot raise the file-descriptor limit above {before}: {e}");
                before
            }
        };
        FdBudget {
            before,
            ..FdBudget::split(limit, camera_connections)
        }
    }

    /// Shares `limit` descriptors: the reserve first (an eighth, between
    /// 32 and 256), then the cameras (what they ask, at most half of the
    /// rest), then the web side (the rest, at most [`WEB_MAX`]).
    pub fn split(limit: u64, camera_connections: usize) -> FdBudget {
        let total = usize::try_from(limit).unwrap_or(usize::MAX);
        let reserve = (total / 8).clamp(32, 256);
        let available = total.saturating_sub(reserve);
        let cameras = camera_connections.min(available / 2).max(1);
        let web = available.saturating_sub(cameras).clamp(1, WEB_MAX);
        FdBudget {
            limit,
            before: limit,
            cameras,
            web,
            reserve,
        }
    }

    /// `wanted` with its connection caps shrunk, if need be, so that
    /// everything the camera port may hold (camera connections, the pool of
    /// connections not yet cameras, the listener) fits in [`FdBudget::cameras`]:
    /// two thirds for cameras, the rest for the pool.
    pub fn fit(&self, mut wanted: vigie_net::ServerConfig) -> vigie_net::ServerConfig {
        if wanted.fd_budget() > self.cameras {
            let share = self.cameras.max(3) - 1;
            wanted.max_connections = wanted.max_connections.min((share * 2 / 3).max(1));
            wanted.max_pending = wanted
                .max_pending
                .min(share.saturating_sub(wanted.max_connections).max(1));
        }
        wanted
    }

    /// The line printed at start.
    pub fn line(&self) -> String {
        let raised = if self.limit > self.before {
            format!(" (raised from {})", self.before)
        } else {
            String::new()
        };
        format!(
            "file descriptors: {}{raised}: {} for camera connections, {} for web connections, \
             {} kept for recordings and the rest",
            self.limit, self.cameras, self.web, self.reserve
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_systemd_limit_leaves_room_for_both_ports() {
        let b = FdBudget::split(1024, 256);
        assert_eq!((b.reserve, b.cameras, b.web), (128, 256, 640));
        assert!(b.reserve + b.cameras + b.web <= 1024);
    }

    #[test]
    fn a_high_limit_caps_the_web_side_and_a_tiny_one_still_serves() {
        let b = FdBudget::split(1 << 20, 256);
        assert_eq!((b.cameras, b.web), (256, WEB_MAX));
        let b = FdBudget::split(64, 256);
        assert_eq!((b.reserve, b.cameras, b.web), (32, 16, 16));
        let b = FdBudget::split(0, 256);
        assert!(b.cameras >= 1 && b.web >= 1);
    }

    #[test]
    fn the_line_says_what_went_where() {
        let b = FdBudget {
            before: 1024,
            ..FdBudget::split(4096, 256)
        };
        let line = b.line();
        assert!(line.contains("4096 (raised from 1024)"), "{line}");
        assert!(line.contains("256 for camera connections"), "{line}");
    }

    #[test]
    fn the_camera_port_fits_in_its_share() {
        let b = FdBudget::split(1024, 385);
        let fitted = b.fit(vigie_net::ServerConfig::default());
        assert!(
            fitted.fd_budget() <= b.cameras,
            "{} > {}",
            fitted.fd_budget(),
            b.cameras
        );
        assert!(b.reserve + b.cameras + b.web <= 1024);
        let small = FdBudget::split(64, 385);
        let fitted = small.fit(vigie_net::ServerConfig::default());
        assert!(fitted.fd_budget() <= small.cameras.max(3));
        assert!(fitted.max_connections >= 1 && fitted.max_pending >= 1);
    }
}
