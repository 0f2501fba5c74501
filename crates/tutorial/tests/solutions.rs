//! Les solutions des exercices qui s'appuient sur les crates de vigie
//! (chapitres 1, 6, 7, 9, 10, 13, 14 et 15), écrites comme le lecteur les écrirait, et
//! vérifiées. Les exercices sans crate de vigie ont leurs solutions dans le
//! cahier `tutorial/ma-vigie/solutions/`. L'annexe « Solutions des
//! exercices » du livre renvoie ici.

use proptest::prelude::*;
use vigie_camera::{Camera, CameraError, CameraInfo, TestPattern};
use vigie_core::jpeg;
use vigie_core::{Frame, FrameHeader, PixelFormat};
use vigie_net::legacy::{self, LegacyImage};

/// Chapitre 1 : la caméra « entrée » en 640×480, qualité 50 au lieu de 90.
#[test]
fn ch01_quality_50_is_smaller_and_keeps_the_size_in_pixels() {
    let frame = TestPattern::new("entrée", 640, 480, 15.0)
        .unwrap()
        .render(0, vigie_tutorial::MORNING_US);
    let at_90 = jpeg::encode_frame(&frame, 90).unwrap();
    let at_50 = jpeg::encode_frame(&frame, 50).unwrap();
    assert!(at_50.payload().len() < at_90.payload().len());
    let back = jpeg::decode_rgb(at_50.payload()).unwrap();
    assert_eq!((back.width, back.height), (640, 480));
    assert_eq!(back.pixels.len(), 640 * 480 * 3);
}

/// Chapitre 6 : un damier noir et blanc, cases de 16 pixels, qui s'inverse
/// à chaque image.
struct Damier {
    width: u32,
    height: u32,
    sequence: u64,
}

impl Camera for Damier {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            name: "damier".into(),
            width: self.width,
            height: self.height,
            format: PixelFormat::Rgb8,
            fps: 10.0,
        }
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let mut pixels =
            Vec::with_capacity((self.width * self.height * 3) as usize);
        for y in 0..self.height {
            for x in 0..self.width {
                let white = (u64::from(x / 16 + y / 16) + self.sequence)
                    .is_multiple_of(2);
                let v = if white { 255 } else { 0 };
                pixels.extend_from_slice(&[v, v, v]);
            }
        }
        let header = FrameHeader {
            camera: "damier".into(),
            sequence: self.sequence,
            captured_at_us: vigie_tutorial::MORNING_US,
            width: self.width,
            height: self.height,
            format: PixelFormat::Rgb8,
        };
        self.sequence += 1;
        Ok(Frame::new(header, pixels)?)
    }
}

#[test]
fn ch06_the_checkerboard_inverts_itself() {
    let mut damier = Damier {
        width: 64,
        height: 48,
        sequence: 0,
    };
    let mut described = Vec::new();
    let first =
        vigie_tutorial::ch06_capturer::describe(&mut damier, &mut described)
            .unwrap();
    let second = damier.next_frame().unwrap();
    assert!(!described.is_empty());
    // Chaque pixel est passé du noir au blanc, ou l'inverse.
    assert!(first
        .payload()
        .iter()
        .zip(second.payload())
        .all(|(a, b)| a ^ b == 255));
    // Les deux images s'enregistrent en PNG.
    for frame in [&first, &second] {
        let png = vigie_core::png::encode(frame.payload(), 64, 48, 3).unwrap();
        assert_eq!(&png[..4], b"\x89PNG");
    }
}

/// Chapitre 7 : deux autres fichiers de `fixtures/legacy/`.
#[test]
fn ch07_a_numpy_2_raw_image_and_the_trap() {
    let raw = include_bytes!("../../../fixtures/legacy/np2.4.6-p5-bgr.pkl");
    match legacy::decode(raw).unwrap() {
        LegacyImage::Bgr {
            width,
            height,
            pixels,
        } => {
            assert_eq!((width, height), (16, 16));
            assert_eq!(pixels.len(), 16 * 16 * 3);
        }
        other => panic!("une image brute attendue : {other:?}"),
    }
    let trap =
        include_bytes!("../../../fixtures/legacy/evil-posix-system-p4.pkl");
    let error = legacy::decode(trap).unwrap_err().to_string();
    assert!(error.contains("allow-list"), "{error}");
}

/// Chapitre 9 : la plus haute qualité sous 20 000 octets (la mire 640×480).
#[test]
fn ch09_the_highest_quality_under_20_000_bytes() {
    let qualities: Vec<u8> = (1..=100).collect();
    let trials = vigie_tutorial::ch09_compresser::compare(&qualities).unwrap();
    let best = trials
        .iter()
        .filter(|t| t.bytes < 20_000)
        .max_by_key(|t| t.quality)
        .expect("au moins une qualité sous 20 000 octets");
    // La suivante, s'il y en a une, dépasse : c'est bien la plus haute.
    if let Some(next) = trials.iter().find(|t| t.quality == best.quality + 1) {
        assert!(next.bytes >= 20_000, "{next:?}");
    }
    println!("qualité {} : {} octets", best.quality, best.bytes);
}

/// Chapitre 13 : le serveur réinstallé. La caméra épinglée sur l'ancienne
/// identité le refuse, en montrant les deux empreintes ; un nouveau code,
/// fait pour la nouvelle identité, la fait accepter.
/// Chapitre 10 : le signal du registre ne fait pas de file. Cinq images
/// publiées pendant que la tâche ne regarde pas la réveillent UNE fois, et
/// elle voit alors la cinquième ; rien de plus n'attend ensuite.
#[test]
fn ch10_five_frames_wake_a_busy_watcher_once() {
    use vigie_hub::{Lifecycle, Registry};
    let registry = Registry::new(4, Lifecycle::default());
    let mut changes = registry.subscribe();
    let peer = "192.168.1.30:50000".parse().unwrap();
    let camera = registry
        .register("salon", vigie_net::Protocol::Native.origin(peer))
        .unwrap();
    changes.borrow_and_update(); // l'arrivée de la caméra : vue
    let pattern = TestPattern::new("salon", 32, 24, 30.0).unwrap();
    for sequence in 0..5 {
        camera.publish(
            pattern.render(sequence, vigie_tutorial::MORNING_US),
            false,
        );
    }
    let mut wakes = 0;
    while changes.has_changed().unwrap() {
        changes.borrow_and_update();
        wakes += 1;
    }
    assert_eq!(wakes, 1, "cinq changements, un seul réveil");
    let view = &registry.snapshot()[0];
    assert_eq!(view.stats.frames, 5);
    assert_eq!(view.latest.as_ref().unwrap().sequence(), 4);
}

/// Chapitre 15 : le mouvement lu dans le registre. Les images arrivent en
/// JPEG ; on les décompresse, on refait une `Frame` RGB8, et on compare
/// chaque image lue à la précédente lue. Sans réseau, pour que les comptes
/// soient exacts : lues une à une, les 20 images donnent 19 comparaisons ;
/// lues après coup, la case n'en garde qu'une.
#[test]
fn ch15_motion_read_from_the_registry() {
    use vigie_hub::{Lifecycle, Registry};
    use vigie_tutorial::ch15_plus_loin::changed_share;

    fn rgb_of(latest: &Frame) -> Frame {
        let rgb = jpeg::decode_rgb(latest.payload()).unwrap();
        let header = FrameHeader {
            format: PixelFormat::Rgb8,
            ..latest.header().clone()
        };
        Frame::new(header, rgb.pixels).unwrap()
    }

    let registry = Registry::new(4, Lifecycle::default());
    let peer = "192.168.1.31:50000".parse().unwrap();
    let camera = registry
        .register("entrée", vigie_net::Protocol::Native.origin(peer))
        .unwrap();
    let pattern = TestPattern::new("entrée", 160, 120, 15.0).unwrap();
    let jpeg_of = |sequence| {
        let frame = pattern.render(sequence, vigie_tutorial::MORNING_US);
        jpeg::encode_frame(&frame, 90).unwrap()
    };

    // Lues une à une, aussi vite qu'elles arrivent.
    let mut previous: Option<Frame> = None;
    let mut shares = Vec::new();
    for sequence in 0..20 {
        camera.publish(jpeg_of(sequence), false);
        let view = &registry.snapshot()[0];
        let now = rgb_of(view.latest.as_ref().unwrap());
        if let Some(before) = &previous {
            shares.push(changed_share(before, &now, 60));
        }
        previous = Some(now);
    }
    assert_eq!(shares.len(), 19);
    // Le carré de la mire bouge, le numéro change : chaque image diffère
    // un peu de la précédente, mais la plus grande part de l'image reste.
    assert!(shares.iter().all(|&s| s > 0.0 && s < 0.5), "{shares:?}");

    // La même image, deux fois : rien n'a changé, malgré le JPEG.
    let same = rgb_of(&jpeg_of(3));
    assert_eq!(changed_share(&same, &rgb_of(&jpeg_of(3)), 60), 0.0);

    // Vingt de plus, lues après coup : la case ne garde que la dernière.
    for sequence in 20..40 {
        camera.publish(jpeg_of(sequence), false);
    }
    let view = &registry.snapshot()[0];
    assert_eq!(view.latest.as_ref().unwrap().sequence(), 39);
    assert_eq!(view.stats.frames, 40);
}

#[test]
fn ch13_a_reinstalled_server_is_refused_until_paired_again() {
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::net::{TcpListener, TcpStream};
    use tokio::time::timeout;
    use tokio_rustls::{TlsAcceptor, TlsConnector};
    use vigie_trust::tls::{self, TrustFailure};
    use vigie_trust::{PairingCode, PairingSecret, ServerIdentity};

    let old = ServerIdentity::generate().unwrap();
    let new = ServerIdentity::generate().unwrap();
    vigie_tutorial::block_on(async {
        // Le serveur réinstallé : la nouvelle identité, deux connexions.
        let acceptor =
            TlsAcceptor::from(Arc::new(tls::server_config(&new).unwrap()));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            for _ in 0..2 {
                let (tcp, _) = listener.accept().await.unwrap();
                // Le premier client raccroche pendant la poignée de main.
                let _ =
                    timeout(Duration::from_secs(5), acceptor.accept(tcp)).await;
            }
        });
        let patience = Duration::from_secs(5);

        // La caméra épinglée sur l'ancienne empreinte refuse.
        let pinned = tls::pinned_client_config(old.fingerprint()).unwrap();
        let tcp = TcpStream::connect(address).await.unwrap();
        let error = timeout(
            patience,
            TlsConnector::from(Arc::new(pinned))
                .connect(tls::server_name(), tcp),
        )
        .await
        .unwrap()
        .expect_err("l'ancienne empreinte ne doit pas passer");
        match TrustFailure::from_io_error(&error) {
            Some(failure @ TrustFailure::NotPinned(mismatch)) => {
                assert_eq!(mismatch.pinned, old.fingerprint());
                assert_eq!(mismatch.presented, new.fingerprint());
                let line = failure.to_string();
                assert!(
                    line.contains(&old.fingerprint().to_string()),
                    "{line}"
                );
                assert!(
                    line.contains(&new.fingerprint().to_string()),
                    "{line}"
                );
            }
            other => panic!("un refus d'épinglage attendu : {other:?}"),
        }

        // Un nouveau code, pour la nouvelle identité : accepté, et la
        // caméra voit (et épinglera) la nouvelle empreinte.
        let code = PairingCode::new(
            PairingSecret::random().unwrap(),
            &new.fingerprint(),
        );
        let pairing = tls::pairing_client_config(&code).unwrap();
        let tcp = TcpStream::connect(address).await.unwrap();
        let stream = timeout(
            patience,
            TlsConnector::from(Arc::new(pairing))
                .connect(tls::server_name(), tcp),
        )
        .await
        .unwrap()
        .expect("le nouveau code doit faire accepter le nouveau serveur");
        assert_eq!(
            tls::peer_fingerprint(stream.get_ref().1),
            Some(new.fingerprint())
        );
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Chapitre 14 : compresser puis décompresser garde la taille en pixels.
    #[test]
    fn ch14_jpeg_keeps_width_and_height(
        quality in 1u8..=100,
        width in 16u32..=128,
        height in 16u32..=96,
    ) {
        let frame = TestPattern::new("p", width, height, 10.0).unwrap().render(0, 0);
        let file = jpeg::encode_frame(&frame, quality).unwrap();
        let back = jpeg::decode_rgb(file.payload()).unwrap();
        prop_assert_eq!((back.width, back.height), (width, height));
    }
}
