//! Les tests des exercices du bac à sable, un groupe par chapitre :
//! `cargo test ch06` ne lance que ceux du chapitre 6. Chaque test compare
//! votre réponse à ce que les crates de vigie donnent elles-mêmes, sur
//! plusieurs entrées : une réponse recopiée d'un seul cas ne passe pas.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bac_a_sable::*;
use vigie_camera::{Camera, TestPattern};
use vigie_core::{jpeg, PixelFormat};
use vigie_hub::{Lifecycle, Registry};
use vigie_net::legacy::LegacyImage;
use vigie_tutorial::MORNING_US;

// Le chapitre 14 répond par un test : votre fichier, ou la solution.
#[cfg_attr(feature = "solutions", path = "../solutions/ch14_propriete.rs")]
#[cfg_attr(not(feature = "solutions"), path = "../src/ch14_propriete.rs")]
mod ch14_propriete;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/legacy")
        .join(name)
}

// ---- Chapitre 1 : le voyage en qualité 50 -------------------------------

#[test]
fn ch01_quality_50_is_smaller_and_keeps_the_size_in_pixels() {
    let frame = TestPattern::new("entrée", 640, 480, 15.0)
        .unwrap()
        .render(0, MORNING_US);
    for quality in [50, 90, 20] {
        let voyage = ch01_voyage::voyage(quality).unwrap();
        let expected = jpeg::encode_frame(&frame, quality).unwrap();
        assert_eq!(
            voyage.jpeg_bytes,
            expected.payload().len(),
            "qualité {quality} : la caméra « entrée », 640×480, image n° 0"
        );
        assert_eq!((voyage.width, voyage.height), (640, 480));
        assert_eq!(voyage.rgb_bytes, 640 * 480 * 3);
    }
    let at_50 = ch01_voyage::voyage(50).unwrap().jpeg_bytes;
    let at_90 = ch01_voyage::voyage(90).unwrap().jpeg_bytes;
    assert!(at_50 < at_90, "qualité 50 : {at_50} octets, 90 : {at_90}");
    println!(
        "qualité 90 : {at_90} octets ; qualité 50 : {at_50} octets ({:.1} fois moins)",
        at_90 as f64 / at_50 as f64
    );
}

// ---- Chapitre 6 : la caméra damier --------------------------------------

#[test]
fn ch06_the_checkerboard_describes_itself() {
    let damier = ch06_damier::Damier::new(64, 48);
    let info = damier.info();
    assert_eq!(info.name, "damier");
    assert_eq!((info.width, info.height), (64, 48));
    assert_eq!(info.format, PixelFormat::Rgb8);
}

#[test]
fn ch06_the_checkerboard_has_16_pixel_squares_and_inverts_itself() {
    let (width, height) = (80u32, 40u32);
    let mut damier = ch06_damier::Damier::new(width, height);
    let mut described = Vec::new();
    let first = vigie_tutorial::ch06_capturer::describe(&mut damier, &mut described).unwrap();
    assert!(String::from_utf8(described).unwrap().contains("damier"));
    let second = damier.next_frame().unwrap();
    for (frame, sequence) in [(&first, 0u64), (&second, 1)] {
        assert_eq!(frame.sequence(), sequence);
        assert_eq!((frame.width(), frame.height()), (width, height));
        assert_eq!(frame.format(), PixelFormat::Rgb8);
        for y in 0..height {
            for x in 0..width {
                let white = (u64::from(x / 16 + y / 16) + sequence) % 2 == 0;
                let at = (y * width + x) as usize * 3;
                let want = if white { [255; 3] } else { [0; 3] };
                assert_eq!(
                    frame.payload()[at..at + 3],
                    want,
                    "image n° {sequence}, pixel ({x}, {y})"
                );
            }
        }
    }
}

#[test]
fn ch06_two_pngs_that_invert_each_other() {
    let dossier = std::env::temp_dir().join(format!("bac-a-sable-ch06-{}", std::process::id()));
    std::fs::create_dir_all(&dossier).unwrap();
    let mut damier = ch06_damier::Damier::new(32, 32);
    let chemins = ch06_damier::deux_png(&mut damier, &dossier).unwrap();
    let mut images = Vec::new();
    for chemin in &chemins {
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(chemin).unwrap(),
        ));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height), (32, 32));
        pixels.truncate(info.buffer_size());
        images.push(pixels);
    }
    std::fs::remove_dir_all(&dossier).unwrap();
    assert_eq!(chemins[0].file_name().unwrap(), "damier-0.png");
    assert_eq!(chemins[1].file_name().unwrap(), "damier-1.png");
    assert!(images[0].iter().zip(&images[1]).all(|(a, b)| a ^ b == 255));
}

// ---- Chapitre 7 : deux autres fichiers de fixtures/legacy/ --------------

#[test]
fn ch07_a_numpy_2_raw_image() {
    match ch07_fichiers::lire(&fixture("np2.4.6-p5-bgr.pkl")).unwrap() {
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
    // Et un JPEG du rapport, pour voir l'autre cas.
    let jpeg = ch07_fichiers::lire(&fixture("np1.26.4-p4-jpeg.pkl"));
    assert!(
        matches!(jpeg, Ok(LegacyImage::Jpeg(_))),
        "un JPEG attendu : {jpeg:?}"
    );
}

#[test]
fn ch07_the_trap_is_refused_and_the_file_named() {
    let trap = fixture("evil-posix-system-p4.pkl");
    let error = ch07_fichiers::lire(&trap).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("allow-list"), "{message}");
    assert!(message.contains("evil-posix-system-p4.pkl"), "{message}");
}

#[test]
fn ch07_a_missing_file_is_named_in_the_error() {
    let error = ch07_fichiers::lire(&fixture("absent.pkl")).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("absent.pkl"), "{message}");
}

// ---- Chapitre 9 : la plus haute qualité sous une taille -----------------

#[test]
fn ch09_the_highest_quality_under_a_size() {
    // La référence : la même image, compressée à chaque qualité.
    let frame = TestPattern::new("jardin", 640, 480, 15.0)
        .unwrap()
        .render(42, MORNING_US);
    let sizes: Vec<usize> = (1..=100)
        .map(|q| jpeg::encode_frame(&frame, q).unwrap().payload().len())
        .collect();
    let best_under = |limit: usize| (1..=100u8).rev().find(|&q| sizes[q as usize - 1] < limit);
    for limit in [20_000, 12_345, 50_000, usize::MAX] {
        let found = ch09_qualite::plus_haute_qualite_sous(limit).unwrap();
        let want = best_under(limit).expect("une qualité sous la limite");
        let found = found.unwrap_or_else(|| panic!("limite {limit} : None"));
        assert_eq!(found.quality, want, "limite {limit}");
        assert_eq!(found.bytes, sizes[want as usize - 1], "limite {limit}");
        assert!(found.encode_time > Duration::ZERO);
        if limit == 20_000 {
            println!(
                "qualité {} : {} octets, compressée en {:?}",
                found.quality, found.bytes, found.encode_time
            );
        }
    }
    assert!(ch09_qualite::plus_haute_qualite_sous(10).unwrap().is_none());
}

// ---- Chapitre 10 : le signal du registre ne fait pas de file ------------

#[test]
fn ch10_five_frames_wake_a_busy_watcher_once() {
    let five = ch10_reveils::publier_puis_compter(5).unwrap();
    assert_eq!(five.reveils, 1, "cinq changements, un seul réveil");
    assert_eq!(five.derniere, Some(4), "la case garde la cinquième");
    let one = ch10_reveils::publier_puis_compter(1).unwrap();
    assert_eq!((one.reveils, one.derniere), (1, Some(0)));
    let none = ch10_reveils::publier_puis_compter(0).unwrap();
    assert_eq!((none.reveils, none.derniere), (0, None));
}

// ---- Chapitre 11 : une seconde exactement -------------------------------

#[test]
fn ch11_one_second_then_a_clean_stop() {
    let summary =
        vigie_tutorial::block_on(ch11_une_seconde::pendant(Duration::from_secs(1))).unwrap();
    println!("{summary:?}");
    // Une image à 0 ms, puis une toutes les 40 ms : 26 au plus en 1 s.
    assert!(summary.frames_captured <= 26, "{summary:?}");
    // Plus que les 5 de l'exemple : le client s'est arrêté à l'heure, pas
    // au compte.
    assert!(summary.frames_captured > 5, "{summary:?}");
    assert!(summary.frames_sent >= 1, "{summary:?}");
    assert!(
        summary.frames_sent <= summary.frames_captured,
        "{summary:?}"
    );
    assert_eq!(summary.connections, 1, "{summary:?}");
}

// ---- Chapitre 13 : le serveur réinstallé --------------------------------

#[test]
fn ch13_a_reinstalled_server_is_refused_until_paired_again() {
    use ch13_reinstalle::Issue;
    use tokio::net::TcpListener;
    use tokio::time::timeout;
    use tokio_rustls::TlsAcceptor;
    use vigie_trust::tls::{self, TrustFailure};
    use vigie_trust::{PairingCode, PairingSecret, ServerIdentity};

    let old = ServerIdentity::generate().unwrap();
    let new = ServerIdentity::generate().unwrap();
    vigie_tutorial::block_on(async {
        // Le serveur réinstallé, avec sa nouvelle identité.
        let acceptor = TlsAcceptor::from(Arc::new(tls::server_config(&new).unwrap()));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let _ = timeout(Duration::from_secs(5), acceptor.accept(tcp)).await;
                });
            }
        });
        // Chaque poignée de main a 5 s ; au-delà, la caméra de l'élève
        // attend en vain et le test le dit.
        async fn within<F: std::future::Future<Output = anyhow::Result<Issue>>>(f: F) -> Issue {
            timeout(Duration::from_secs(5), f)
                .await
                .expect("la poignée de main n'a pas fini en 5 s")
                .expect("une issue (acceptée ou refusée), pas une panne")
        }

        // Épinglée sur l'ancienne empreinte : refusé, les deux montrées.
        let issue = within(ch13_reinstalle::avec_epingle(address, old.fingerprint())).await;
        match issue {
            Issue::Refusee(failure @ TrustFailure::NotPinned(_)) => {
                let TrustFailure::NotPinned(mismatch) = &failure else {
                    unreachable!()
                };
                assert_eq!(mismatch.pinned, old.fingerprint());
                assert_eq!(mismatch.presented, new.fingerprint());
                let line = failure.to_string();
                assert!(line.contains(&old.fingerprint().to_string()), "{line}");
                assert!(line.contains(&new.fingerprint().to_string()), "{line}");
            }
            other => panic!("un refus d'épinglage attendu : {other:?}"),
        }

        // Épinglée sur la nouvelle : acceptée.
        let issue = within(ch13_reinstalle::avec_epingle(address, new.fingerprint())).await;
        assert!(
            matches!(&issue, Issue::Acceptee(f) if *f == new.fingerprint()),
            "{issue:?}"
        );

        // Un code fait pour l'ancienne identité : refusé.
        let stale = PairingCode::new(PairingSecret::random().unwrap(), &old.fingerprint());
        let issue = within(ch13_reinstalle::avec_code(address, &stale)).await;
        assert!(
            matches!(&issue, Issue::Refusee(TrustFailure::NotThePairingServer { presented })
                if *presented == new.fingerprint()),
            "{issue:?}"
        );

        // Un nouveau code, pour la nouvelle identité : accepté, et la
        // caméra voit (et épinglera) la nouvelle empreinte.
        let code = PairingCode::new(PairingSecret::random().unwrap(), &new.fingerprint());
        let issue = within(ch13_reinstalle::avec_code(address, &code)).await;
        assert!(
            matches!(&issue, Issue::Acceptee(f) if *f == new.fingerprint()),
            "{issue:?}"
        );
    });
}

#[test]
fn ch13_no_server_is_an_error_not_a_refusal() {
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let identity = vigie_trust::ServerIdentity::generate().unwrap();
    let result = vigie_tutorial::block_on(ch13_reinstalle::avec_epingle(
        address,
        identity.fingerprint(),
    ));
    assert!(result.is_err(), "{result:?}");
}

// ---- Chapitre 15 : le mouvement lu dans le registre ---------------------

#[test]
fn ch15_the_jpeg_becomes_an_rgb_frame_with_its_description() {
    let frame = TestPattern::new("entrée", 160, 120, 15.0)
        .unwrap()
        .render(7, MORNING_US);
    let file = jpeg::encode_frame(&frame, 90).unwrap();
    let rgb = ch15_mouvement::en_rgb(&file).unwrap();
    assert_eq!(rgb.format(), PixelFormat::Rgb8);
    assert_eq!(rgb.camera(), "entrée");
    assert_eq!(rgb.sequence(), 7);
    assert_eq!((rgb.width(), rgb.height()), (160, 120));
    assert_eq!(rgb.payload().len(), 160 * 120 * 3);
}

#[test]
fn ch15_motion_read_from_the_registry() {
    let registry = Registry::new(4, Lifecycle::default());
    let mut reader = ch15_mouvement::Lecteur::new(60);
    assert_eq!(reader.lire(&registry).unwrap(), None, "un registre vide");
    let peer = "192.168.1.31:50000".parse().unwrap();
    let camera = registry
        .register("entrée", vigie_net::Protocol::Native.origin(peer))
        .unwrap();
    let pattern = TestPattern::new("entrée", 160, 120, 15.0).unwrap();
    let jpeg_of = |sequence| {
        let frame = pattern.render(sequence, MORNING_US);
        jpeg::encode_frame(&frame, 90).unwrap()
    };

    // Lues une à une, aussi vite qu'elles arrivent : 20 images, 19 parts.
    let mut shares = Vec::new();
    for sequence in 0..20 {
        camera.publish(jpeg_of(sequence), false);
        shares.extend(reader.lire(&registry).unwrap());
    }
    assert_eq!(shares.len(), 19);
    // Le carré de la mire bouge, le numéro change : chaque image diffère un
    // peu de la précédente, mais la plus grande part reste.
    assert!(shares.iter().all(|&s| s > 0.0 && s < 0.5), "{shares:?}");

    // La même image, relue : rien n'a changé, malgré le JPEG.
    assert_eq!(reader.lire(&registry).unwrap(), Some(0.0));

    // Un seuil de 255 : rien ne dépasse jamais, même entre deux images
    // différentes.
    let mut blind = ch15_mouvement::Lecteur::new(255);
    blind.lire(&registry).unwrap();
    camera.publish(jpeg_of(20), false);
    assert_eq!(blind.lire(&registry).unwrap(), Some(0.0));
}
