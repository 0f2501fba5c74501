//! The detector on synthetic scenes: a still textured background, an object
//! that enters and leaves, and light changes that must not count.

use super::*;

const W: usize = 160;
const H: usize = 120;

/// A still scene with texture (so a light change alters every pixel), the
/// whole of it brightened by `light`, with a 30×30 bright square at `object`.
fn scene(light: i32, object: Option<(usize, usize)>) -> Vec<u8> {
    let mut px: Vec<u8> = (0..W * H)
        .map(|i| {
            let (x, y) = (i % W, i / W);
            let base = 60 + ((x * 7 + y * 13) % 50) as i32;
            (base + light).clamp(0, 255) as u8
        })
        .collect();
    if let Some((ox, oy)) = object {
        for y in oy..(oy + 30).min(H) {
            for x in ox..(ox + 30).min(W) {
                px[y * W + x] = (230 + light).clamp(0, 255) as u8;
            }
        }
    }
    px
}

fn run(
    detector: &mut MotionDetector,
    frames: impl IntoIterator<Item = Vec<u8>>,
) -> Vec<MotionUpdate> {
    frames
        .into_iter()
        .map(|f| detector.update_grey(&f, W, H))
        .collect()
}

fn events(updates: &[MotionUpdate]) -> Vec<MotionEvent> {
    updates.iter().filter_map(|u| u.event).collect()
}

#[test]
fn a_still_scene_makes_no_event() {
    let mut d = MotionDetector::new(MotionConfig::default());
    let updates = run(&mut d, (0..100).map(|_| scene(0, None)));
    assert!(events(&updates).is_empty());
    assert!(updates.iter().all(|u| u.score == 0.0));
}

#[test]
fn slow_and_sudden_light_changes_are_not_motion() {
    let mut d = MotionDetector::new(MotionConfig::default());
    // Dusk: 60 grey levels over 120 frames, then a lamp switched on (+40 at once).
    let mut frames: Vec<Vec<u8>> = (0..120).map(|i| scene(-(i / 2), None)).collect();
    frames.extend((0..30).map(|_| scene(-20, None)));
    let updates = run(&mut d, frames);
    assert!(events(&updates).is_empty(), "{:?}", events(&updates));
}

#[test]
fn a_flickering_light_is_not_motion() {
    let mut d = MotionDetector::new(MotionConfig::default());
    let updates = run(
        &mut d,
        (0..60).map(|i| scene(if i % 2 == 0 { 0 } else { 35 }, None)),
    );
    assert!(events(&updates).is_empty());
}

#[test]
fn an_object_entering_starts_one_event_that_ends_after_it_leaves() {
    let mut d = MotionDetector::new(MotionConfig::default());
    let mut frames: Vec<Vec<u8>> = (0..20).map(|_| scene(0, None)).collect();
    // The object crosses the scene, 3 pixels a frame.
    frames.extend((0..40).map(|i| scene(0, Some((i * 3, 45)))));
    frames.extend((0..40).map(|_| scene(0, None)));
    let updates = run(&mut d, frames);
    let ev = events(&updates);
    assert_eq!(ev.len(), 2, "{ev:?}");
    assert_eq!(ev[0], MotionEvent::Started);
    let MotionEvent::Ended { peak } = ev[1] else {
        panic!("{ev:?}")
    };
    assert!(peak > 0.03, "peak {peak}");
    let started = updates
        .iter()
        .position(|u| u.event == Some(MotionEvent::Started))
        .unwrap();
    assert!((20..25).contains(&started), "started at frame {started}");
    assert!(!updates.last().unwrap().in_event);
}

/// The band the object of [`scene`] crosses at `y = 45`: 0.3 to 0.7 of the height.
fn band() -> Mask {
    Mask::Rect {
        x: 0.0,
        y: 0.3,
        w: 1.0,
        h: 0.4,
    }
}

#[test]
fn a_masked_zone_is_ignored() {
    let config = MotionConfig {
        masks: vec![band()],
        ..MotionConfig::default()
    };
    let mut d = MotionDetector::new(config);
    let mut frames: Vec<Vec<u8>> = (0..10).map(|_| scene(0, None)).collect();
    frames.extend((0..40).map(|i| scene(0, Some((i * 3, 45)))));
    let updates = run(&mut d, frames);
    assert!(events(&updates).is_empty(), "{:?}", events(&updates));
    let poly = MotionConfig {
        masks: vec![Mask::Polygon(vec![
            (0.0, 0.3),
            (1.0, 0.3),
            (1.0, 0.7),
            (0.0, 0.7),
        ])],
        ..MotionConfig::default()
    };
    let mut d = MotionDetector::new(poly);
    let mut frames: Vec<Vec<u8>> = (0..10).map(|_| scene(0, None)).collect();
    frames.extend((0..40).map(|i| scene(0, Some((i * 3, 45)))));
    assert!(events(&run(&mut d, frames)).is_empty());
}

#[test]
fn isolated_noise_is_despeckled() {
    let mut d = MotionDetector::new(MotionConfig::default());
    run(&mut d, (0..5).map(|_| scene(0, None)));
    let mut noisy = scene(0, None);
    for i in (0..W * H).step_by(37) {
        noisy[i] = 255;
    }
    let u = d.update_grey(&noisy, W, H);
    assert_eq!(u.score, 0.0);
}

#[test]
fn rgb_frames_are_shrunk_to_grey() {
    let rgb = [200u8, 100, 50].repeat(640 * 480);
    let (grey, w, h) = shrink_to_grey(&rgb, 640, 480, 160);
    assert_eq!((w, h), (160, 120));
    let expected = ((77 * 200 + 150 * 100 + 29 * 50) >> 8) as u8;
    assert!(grey.iter().all(|&v| v == expected));
    assert_eq!(shrink_to_grey(&rgb[1..], 640, 480, 160).1, 0);
    let mut d = MotionDetector::new(MotionConfig::default());
    assert_eq!(d.update_rgb(&rgb, 640, 480).score, 0.0);
    assert_eq!(d.update_rgb(&rgb, 640, 480).score, 0.0);
}

#[test]
fn bad_input_is_quiet_not_a_panic() {
    let mut d = MotionDetector::new(MotionConfig::default());
    assert_eq!(d.update_grey(&[1, 2, 3], 2, 2).score, 0.0);
    assert_eq!(d.update_grey(&[], 0, 0).score, 0.0);
    assert_eq!(d.update_rgb(&[0; 5], 2, 2).score, 0.0);
}

#[test]
fn new_settings_keep_the_background_and_apply_at_once() {
    let mut d = MotionDetector::new(MotionConfig::default());
    run(&mut d, (0..10).map(|_| scene(0, None)));
    // A mask over the band where the object will pass, set while running:
    // no event, and no restart (a restart would make the next frame quiet
    // because it is the "first", not because of the mask).
    d.set_config(MotionConfig {
        masks: vec![band()],
        ..MotionConfig::default()
    });
    let masked = run(&mut d, (0..40).map(|i| scene(0, Some((i * 3, 45)))));
    assert!(events(&masked).is_empty(), "{:?}", events(&masked));
    // The mask taken away again: the same object is motion on the next frames.
    d.set_config(MotionConfig::default());
    let open = run(&mut d, (0..10).map(|_| scene(0, Some((60, 45)))));
    assert!(
        open[0].score > 0.02,
        "the background was kept: {:?}",
        open[0]
    );
    assert_eq!(events(&open).first(), Some(&MotionEvent::Started));
    // A higher threshold than the object's contrast: it no longer counts.
    let mut d = MotionDetector::new(MotionConfig::default());
    run(&mut d, (0..10).map(|_| scene(0, None)));
    d.set_config(MotionConfig {
        threshold: 255,
        ..MotionConfig::default()
    });
    let blind = run(&mut d, (0..10).map(|_| scene(0, Some((60, 45)))));
    assert!(blind.iter().all(|u| u.score == 0.0), "{blind:?}");
    assert_eq!(d.config().threshold, 255);
}
