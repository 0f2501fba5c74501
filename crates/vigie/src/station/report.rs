//! What the headless server prints: a line per camera, and a table at the end.

use std::fmt::Write;
use std::time::Duration;

use vigie_hub::CameraView;

fn ms(d: Option<Duration>) -> String {
    d.map_or_else(
        || "-".to_owned(),
        |d| format!("{:.1}ms", d.as_secs_f64() * 1000.0),
    )
}

/// One camera on one line: name, peer, protocol, fps, kbit/s, frames,
/// drops, latency p50/p99 and state.
pub fn stats_line(v: &CameraView) -> String {
    let s = &v.stats;
    format!(
        "{name:<16} {peer:<21} {proto:<6} {fps:>5.1} fps {kbps:>8.0} kbit/s  frames {frames:>7}  drops {drops:>5}  latency p50 {p50:>7} p99 {p99:>7}  {state}",
        name = v.name,
        peer = v.origin.address(),
        proto = v.origin.link(),
        fps = s.fps,
        kbps = s.kbps,
        frames = s.frames,
        drops = s.drops,
        p50 = ms(s.latency_p50),
        p99 = ms(s.latency_p99),
        state = state(v),
    )
}

fn state(v: &CameraView) -> String {
    match v.state {
        vigie_hub::CameraState::Online => "online".to_owned(),
        other => format!("{other} for {:.0} s", v.state_for.as_secs_f64()),
    }
}

/// The table printed when the server stops.
pub fn summary_table(views: &[CameraView]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<16} {:<21} {:<6} {:>8} {:>6} {:>9} {:>9}",
        "camera", "peer", "proto", "frames", "drops", "p50", "p99"
    );
    for v in views {
        let s = &v.stats;
        let _ = writeln!(
            out,
            "{:<16} {:<21} {:<6} {:>8} {:>6} {:>9} {:>9}",
            v.name,
            v.origin.address(),
            v.origin.link(),
            s.frames,
            s.drops,
            ms(s.latency_p50),
            ms(s.latency_p99)
        );
    }
    if views.is_empty() {
        out.push_str("(no camera connected)\n");
    }
    out
}
