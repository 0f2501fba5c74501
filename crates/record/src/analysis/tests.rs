use super::*;
use vigie_core::FrameHeader;

fn grey(camera: &str, width: u32, height: u32, value: u8) -> Frame {
    let header = FrameHeader {
        camera: camera.into(),
        sequence: 0,
        captured_at_us: 0,
        width,
        height,
        format: PixelFormat::Gray8,
    };
    Frame::new(header, vec![value; (width * height) as usize]).unwrap()
}

/// A small real JPEG whose header claims `side × side`: what a peer sends
/// to make a decoder allocate and work.
fn claims(camera: &str, side: u16) -> Frame {
    let pixels = vec![128; 16 * 16];
    let mut jpeg = vigie_core::jpeg::encode(&pixels, 16, 16, PixelFormat::Gray8, 90).unwrap();
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 7].copy_from_slice(&side.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&side.to_be_bytes());
    let header = FrameHeader {
        camera: camera.into(),
        sequence: 0,
        captured_at_us: 0,
        // The header lies: it says small.
        width: 16,
        height: 12,
        format: PixelFormat::Jpeg,
    };
    Frame::new(header, jpeg).unwrap()
}

fn sample(score: f32) -> Option<MotionSample> {
    Some(MotionSample {
        score,
        in_event: false,
    })
}

#[test]
fn only_due_frames_are_kept_and_the_newest_replaces_a_waiting_one() {
    let mut schedule = AnalysisSchedule::new(5.0);
    let f = grey("a", 8, 8, 0);
    // 15 frames a second for one second: due at 0, 200, 400… ms.
    let kept: Vec<u64> = (0..15)
        .map(|i| i * 66_667)
        .filter(|&at| schedule.offer(&f, at))
        .collect();
    assert_eq!(kept, [0, 200_001, 400_002, 600_003, 800_004]);
    // Nobody took them: only the newest waits.
    assert_eq!(schedule.waiting(), 1);
    assert_eq!(schedule.next_job().unwrap().at_us, 800_004);
    assert!(schedule.next_job().is_none());
}

#[test]
fn a_costly_camera_slows_its_own_analyses_not_the_others() {
    let mut schedule = AnalysisSchedule::new(5.0);
    let cameras: Vec<Frame> = ["big1", "big2", "big3", "small"]
        .iter()
        .map(|name| grey(name, 8, 8, 0))
        .collect();
    let mut analysed = HashMap::<String, u32>::new();
    // Ten seconds of four cameras at 15 frames a second, on a simulated
    // clock: a big picture costs the analysis thread 300 ms, a small one
    // 1 ms. Taken in turn, the small camera would wait 900 ms for each.
    let (mut now, mut next_frame) = (0u64, 0u64);
    while now < 10_000_000 {
        while next_frame <= now {
            for frame in &cameras {
                schedule.offer(frame, next_frame);
            }
            next_frame += 66_667;
        }
        let Some(job) = schedule.next_job() else {
            now = next_frame;
            continue;
        };
        let camera = job.frame.camera().to_owned();
        let cost = if camera == "small" { 1_000 } else { 300_000 };
        now += cost;
        schedule.report(&camera, sample(0.0), cost);
        *analysed.entry(camera).or_default() += 1;
    }
    // The small camera's frame goes first whenever one waits: after every
    // big analysis (about 33 in 10 s); the big ones share what is left.
    assert!(analysed["small"] >= 30, "{analysed:?}");
    for big in ["big1", "big2", "big3"] {
        assert!((8..=13).contains(&analysed[big]), "{analysed:?}");
    }
}

#[test]
fn a_newcomer_starts_level_with_the_others() {
    let mut schedule = AnalysisSchedule::new(5.0);
    let old = grey("old", 8, 8, 0);
    schedule.offer(&old, 0);
    schedule.next_job().unwrap();
    schedule.report("old", sample(0.0), 10_000_000);
    // A camera that joins later does not get ten seconds of analyses first.
    let new = grey("new", 8, 8, 0);
    schedule.offer(&new, 1_000_000);
    schedule.offer(&old, 1_000_000);
    let first = schedule.next_job().unwrap();
    schedule.report(first.frame.camera(), sample(0.0), 1_000);
    let second = schedule.next_job().unwrap();
    assert_ne!(first.frame.camera(), second.frame.camera());
}

#[test]
fn each_result_is_handed_to_the_recorder_once() {
    let mut schedule = AnalysisSchedule::new(5.0);
    let f = grey("a", 8, 8, 0);
    schedule.offer(&f, 0);
    assert_eq!(schedule.take_sample("a"), None, "not analysed yet");
    schedule.next_job().unwrap();
    schedule.report("a", sample(0.3), 500);
    assert_eq!(schedule.take_sample("a"), sample(0.3));
    assert_eq!(schedule.take_sample("a"), None, "once");
    assert_eq!(schedule.latest("a"), sample(0.3), "kept for the status");
    // A frame that could not be analysed changes nothing.
    schedule.report("a", None, 500);
    assert_eq!(
        (schedule.take_sample("a"), schedule.latest("a")),
        (None, sample(0.3))
    );
}

#[test]
fn a_camera_that_leaves_is_forgotten_and_its_late_result_ignored() {
    let mut schedule = AnalysisSchedule::new(5.0);
    schedule.offer(&grey("a", 8, 8, 0), 0);
    let job = schedule.next_job().unwrap();
    schedule.gone("a");
    schedule.gone("never-seen");
    schedule.report(job.frame.camera(), sample(0.9), 500);
    assert_eq!(schedule.latest("a"), None);
    assert_eq!(schedule.take_departed(), ["a"]);
    assert_eq!(schedule.take_departed(), Vec::<String>::new());
}

#[test]
fn a_picture_too_large_is_refused_before_decoding_whatever_the_header_says() {
    let mut analyser = Analyser::new(MotionConfig::default());
    let err = analyser.analyse(&claims("huge", 8192), 0).unwrap_err();
    assert_eq!(
        err,
        NotAnalysed::TooLarge {
            width: 8192,
            height: 8192,
            max: MAX_ANALYSIS_PIXELS
        }
    );
    assert!(err.to_string().contains("8192×8192"), "{err}");
    // Raw pictures count too.
    let mut small_cap = Analyser::with_max_pixels(MotionConfig::default(), 100);
    assert!(matches!(
        small_cap.analyse(&grey("raw", 16, 16, 0), 0),
        Err(NotAnalysed::TooLarge { .. })
    ));
    // A picture that is not a JPEG at all is an error, not a panic.
    let mut broken = claims("broken", 64).payload().to_vec();
    broken.truncate(20);
    let header = FrameHeader {
        camera: "broken".into(),
        sequence: 0,
        captured_at_us: 0,
        width: 16,
        height: 16,
        format: PixelFormat::Jpeg,
    };
    let frame = Frame::new(header, broken).unwrap();
    assert!(matches!(
        analyser.analyse(&frame, 0),
        Err(NotAnalysed::Invalid(_))
    ));
    assert_eq!(
        analyser.cameras(),
        0,
        "no detector for a camera never analysed"
    );
}

#[test]
fn detectors_see_motion_and_start_afresh_after_a_departure() {
    let mut analyser = Analyser::new(MotionConfig::default());
    let dark = grey("a", 160, 120, 20);
    let mut lit = vec![20u8; 160 * 120];
    // A bright square over a quarter of the picture.
    for y in 0..60 {
        for x in 0..80 {
            lit[y * 160 + x] = 220;
        }
    }
    let header = FrameHeader {
        camera: "a".into(),
        sequence: 1,
        captured_at_us: 0,
        width: 160,
        height: 120,
        format: PixelFormat::Gray8,
    };
    let lit = Frame::new(header, lit).unwrap();
    assert_eq!(
        analyser.analyse(&dark, 0).unwrap().score,
        0.0,
        "first: the background"
    );
    assert!(analyser.analyse(&lit, 1).unwrap().score > 0.1);
    analyser.forget("a");
    assert_eq!(
        analyser.analyse(&lit, 2).unwrap().score,
        0.0,
        "a fresh background"
    );
}

#[test]
fn detector_times_do_not_depend_on_the_rate() {
    let base = MotionConfig {
        threshold: 30,
        ..MotionConfig::default()
    };
    let at5 = detector_config(base.clone(), 5.0);
    assert_eq!((at5.end_frames, at5.threshold), (15, 30));
    assert!((at5.learn_rate - 0.05).abs() < 1e-6);
    let at10 = detector_config(base, 10.0);
    assert_eq!(at10.end_frames, 30);
    // Two steps at 10/s learn what one step does at 5/s.
    let two = 1.0 - (1.0 - at10.learn_rate).powi(2);
    assert!((two - 0.05).abs() < 1e-4, "{two}");
}
