use super::*;
use vigie_core::{FrameHeader, PixelFormat};

fn frame(camera: &str, bytes: usize) -> Frame {
    let header = FrameHeader {
        camera: camera.into(),
        sequence: 0,
        captured_at_us: 0,
        width: bytes as u32,
        height: 1,
        format: PixelFormat::Gray8,
    };
    Frame::new(header, vec![0; bytes]).unwrap()
}

fn push(shared: &Shared, camera: &str, bytes: usize, at_us: u64) {
    shared.push(Arrival::Frame {
        frame: frame(camera, bytes),
        at_us,
    });
}

/// Everything queued, as (camera, at_us).
fn drain(tap: &Tap) -> Vec<(String, u64)> {
    std::iter::from_fn(|| tap.recv_timeout(Duration::ZERO))
        .map(|a| match a {
            Arrival::Frame { frame, at_us } => (frame.camera().to_owned(), at_us),
            Arrival::Gone { camera, at_us } => (camera, at_us),
        })
        .collect()
}

fn budget(total: usize, per_camera: usize) -> TapBudget {
    TapBudget { total, per_camera }
}

#[test]
fn delivers_in_order_and_drops_past_the_camera_budget() {
    let (tap, weak) = Tap::new(budget(1000, 250));
    let shared = weak.upgrade().unwrap();
    for at_us in 0..3 {
        push(&shared, "a", 100, at_us);
    }
    // The third frame would make 300 bytes for "a": dropped. Departures always fit.
    shared.push(Arrival::Gone {
        camera: "a".into(),
        at_us: 9,
    });
    assert_eq!(tap.dropped(), 1);
    assert_eq!(
        drain(&tap),
        [("a".into(), 0), ("a".into(), 1), ("a".into(), 9)]
    );
    // Reading made room again.
    push(&shared, "a", 200, 10);
    assert_eq!(drain(&tap), [("a".into(), 10)]);
    assert_eq!(tap.take_dropped(), [("a".to_owned(), 1)]);
    assert_eq!(tap.take_dropped(), [], "counted once");
}

#[test]
fn a_camera_that_sends_a_lot_never_costs_a_small_one_a_frame() {
    // Four greedy cameras can fill the whole tap between them.
    let (tap, weak) = Tap::new(budget(1000, 300));
    let shared = weak.upgrade().unwrap();
    for at_us in 0..25 {
        for greedy in ["g1", "g2", "g3", "g4"] {
            push(&shared, greedy, 100, at_us);
        }
        // 5 bytes a frame: the small camera stays under its fair share,
        // a fifth of the tap.
        push(&shared, "small", 5, at_us);
    }
    let got = drain(&tap);
    let small: Vec<u64> = got
        .iter()
        .filter(|(c, _)| c == "small")
        .map(|&(_, t)| t)
        .collect();
    assert_eq!(
        small,
        (0..25).collect::<Vec<_>>(),
        "every small frame, in order"
    );
    let dropped = tap.take_dropped();
    assert!(
        dropped.iter().all(|(c, _)| c.starts_with('g')),
        "{dropped:?}"
    );
    let total: u64 = dropped.iter().map(|(_, n)| n).sum();
    assert_eq!(total, tap.dropped());
    // What was kept never passed the bound: the small camera's 125 bytes
    // and at most 875 of the others'; each greedy camera kept some.
    let greedy_kept = got.iter().filter(|(c, _)| c != "small").count();
    assert!(greedy_kept * 100 <= 875, "{greedy_kept} greedy frames kept");
    for greedy in ["g1", "g2", "g3", "g4"] {
        assert!(got.iter().any(|(c, _)| c == greedy), "{greedy} kept frames");
    }
}

#[test]
fn cameras_are_served_in_turn() {
    let (tap, weak) = Tap::new(TapBudget::new(1 << 20));
    let shared = weak.upgrade().unwrap();
    for at_us in 0..3 {
        push(&shared, "busy", 10, at_us);
    }
    push(&shared, "quiet", 10, 100);
    shared.push(Arrival::Gone {
        camera: "busy".into(),
        at_us: 5,
    });
    // The quiet camera does not wait behind the busy one's backlog.
    let order = drain(&tap);
    assert_eq!(
        order,
        [
            ("busy".into(), 0),
            ("quiet".into(), 100),
            ("busy".into(), 1),
            ("busy".into(), 2),
            ("busy".into(), 5),
        ]
    );
}

#[test]
fn a_frame_past_the_per_camera_budget_is_dropped_even_with_room_left() {
    let (tap, weak) = Tap::new(budget(1 << 20, 100));
    let shared = weak.upgrade().unwrap();
    push(&shared, "huge", 101, 0);
    push(&shared, "ok", 100, 1);
    assert_eq!(drain(&tap), [("ok".into(), 1)]);
    assert_eq!(tap.take_dropped(), [("huge".to_owned(), 1)]);
}

#[test]
fn the_default_budget_gives_one_camera_an_eighth() {
    assert_eq!(TapBudget::new(800), budget(800, 100));
    assert_eq!(TapBudget::new(0).per_camera, 1);
}

#[test]
fn an_empty_tap_times_out() {
    let (tap, _weak) = Tap::new(TapBudget::new(10));
    assert!(tap.recv_timeout(Duration::from_millis(1)).is_none());
}

#[test]
fn a_dropped_tap_cannot_be_pushed_to() {
    let (tap, weak) = Tap::new(TapBudget::new(10));
    drop(tap);
    assert!(weak.upgrade().is_none());
}

#[test]
fn evictions_never_give_a_camera_two_turns() {
    let (tap, weak) = Tap::new(budget(100, 100));
    let shared = weak.upgrade().unwrap();
    // With no reader: the big camera is evicted to nothing, then sends again.
    for round in 0..1000 {
        push(&shared, "big", 90, round);
        push(&shared, "small", 20, round);
    }
    let turns = shared.lock().turns.len();
    assert!(turns <= 2, "{turns} turns for two cameras");
    assert!(tap.dropped() > 900, "the bound held: {}", tap.dropped());
}
