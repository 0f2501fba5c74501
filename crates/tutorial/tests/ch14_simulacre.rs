//! Chapitre 14 : un simulacre (mock) fait par mockall. Il joue une caméra
//! dont on dicte chaque réponse, pour vérifier comment le `Pipeline` réagit
//! à une panne, sans webcam et sans attendre qu'un câble se débranche.

// ANCHOR: simulacre
use mockall::mock;
use vigie_camera::{Camera, CameraError, CameraInfo, Pipeline};
use vigie_core::{Frame, FrameHeader, PixelFormat};

mock! {
    Cam {}
    impl Camera for Cam {
        fn info(&self) -> CameraInfo;
        fn next_frame(&mut self) -> Result<Frame, CameraError>;
    }
}

fn grey_frame(sequence: u64) -> Frame {
    let header = FrameHeader {
        camera: "simulacre".into(),
        sequence,
        captured_at_us: 0,
        width: 8,
        height: 8,
        format: PixelFormat::Gray8,
    };
    Frame::new(header, vec![128; 64]).unwrap()
}

#[test]
fn the_pipeline_passes_camera_errors_on_and_keeps_going() {
    let mut camera = MockCam::new();
    let mut calls = 0;
    // Exactement trois appels : une image, une panne, une image.
    camera.expect_next_frame().times(3).returning(move || {
        calls += 1;
        match calls {
            2 => Err(CameraError::Disconnected("débranchée".into())),
            n => Ok(grey_frame(n)),
        }
    });
    let mut pipeline = Pipeline::new(camera).jpeg(75).unwrap();

    assert_eq!(pipeline.next_frame().unwrap().format(), PixelFormat::Jpeg);
    let error = pipeline.next_frame().unwrap_err();
    assert_eq!(error.to_string(), "camera disconnected: débranchée");
    assert_eq!(pipeline.next_frame().unwrap().sequence(), 3);
    // En sortant, mockall vérifie que next_frame a bien été appelée 3 fois.
}
// ANCHOR_END: simulacre
