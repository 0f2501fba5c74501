//! Chaque exemple du tutoriel, exécuté comme le lecteur l'exécute, et ce
//! qu'il affiche vérifié.
//!
//! Quand la sortie d'un exemple ne dépend ni de l'heure, ni des ports, ni de
//! la machine, elle est comparée mot pour mot avec `expected/<exemple>.txt`,
//! le fichier que le livre inclut dans sa rubrique « Essayez » : le livre ne
//! peut donc pas montrer autre chose que ce que l'exemple affiche. Après une
//! modification voulue, `VIGIE_TUTORIAL_BLESS=1 cargo test -p vigie-tutorial`
//! réécrit ces fichiers ; relisez le diff avant de le garder.

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;

use vigie_tutorial::*;

type Run = fn(&mut dyn Write) -> anyhow::Result<()>;

/// Exécute un exemple et rend ce qu'il a affiché.
fn output(run: Run) -> String {
    let mut out = Vec::new();
    run(&mut out).expect("l'exemple a échoué");
    String::from_utf8(out).expect("l'exemple écrit de l'UTF-8")
}

/// Compare la sortie de l'exemple avec `expected/<name>.txt`.
fn check_expected(name: &str, run: Run) {
    let got = output(run);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("expected")
        .join(format!("{name}.txt"));
    if std::env::var_os("VIGIE_TUTORIAL_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("\r\n", "\n");
    assert!(
        got == want,
        "{name} n'affiche plus ce que montre le livre ({}).\n--- attendu\n{want}\n--- obtenu\n{got}",
        path.display()
    );
}

/// Comme `check_expected`, pour une sortie dont les nombres dépendent un peu
/// du processeur (la taille d'un JPEG, selon les instructions SIMD) : le
/// texte doit être le même mot pour mot, et chaque nombre à 10 % près de
/// celui que montre le livre. Les octets en hexadécimal peuvent différer.
fn check_figures(name: &str, run: Run) {
    let got = output(run);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("expected")
        .join(format!("{name}.txt"));
    if std::env::var_os("VIGIE_TUTORIAL_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("\r\n", "\n");
    let number = |t: &str| {
        t.trim_end_matches([',', ';', ')'])
            .replace(',', ".")
            .parse::<f64>()
            .ok()
    };
    let hex =
        |t: &str| t.len() == 2 && t.chars().all(|c| c.is_ascii_hexdigit());
    let (g, w): (Vec<&str>, Vec<&str>) = (
        got.split_whitespace().collect(),
        want.split_whitespace().collect(),
    );
    let close = g.len() == w.len()
        && g.iter().zip(&w).all(|(a, b)| {
            a == b
                || (hex(a) && hex(b))
                || matches!((number(a), number(b)),
                    (Some(x), Some(y)) if (x - y).abs() <= 0.1 * y.abs().max(1.0))
        });
    assert!(
        close,
        "{name} n'affiche plus ce que montre le livre ({}) ; \
         VIGIE_TUTORIAL_BLESS=1 le régénère.\n--- attendu\n{want}\n--- obtenu\n{got}",
        path.display()
    );
}

/// Pour une sortie qui dépend de l'horloge et du hasard (chapitre 11) : le
/// fichier que le livre inclut est un exemple réel, produit par
/// `VIGIE_TUTORIAL_BLESS=1` ; ce test vérifie qu'une exécution d'aujourd'hui
/// a toujours la même forme (les mêmes mots, ligne par ligne), les nombres
/// pouvant différer.
fn check_shape(name: &str, run: Run) {
    let got = output(run);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("expected")
        .join(format!("{name}.txt"));
    if std::env::var_os("VIGIE_TUTORIAL_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("\r\n", "\n");
    let words = |text: &str| -> Vec<Vec<String>> {
        text.lines()
            .map(|l| {
                l.split_whitespace()
                    .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    };
    assert!(
        words(&got) == words(&want),
        "{name} n'a plus la forme que montre le livre ({}) ; \
         VIGIE_TUTORIAL_BLESS=1 le régénère.\n--- attendu\n{want}\n--- obtenu\n{got}",
        path.display()
    );
}

#[test]
fn ch15_the_sample_in_the_book_has_todays_shape() {
    check_shape("ch15_plus_loin", ch15_plus_loin::run);
}

#[test]
fn ch11_the_sample_in_the_book_has_todays_shape() {
    check_shape("ch11_client", ch11_client::run);
}

#[test]
fn ch01_the_figures_in_the_book_are_this_machines() {
    check_figures("ch01_projet", ch01_projet::run);
}

#[test]
fn ch09_the_figures_in_the_book_are_this_machines() {
    check_figures("ch09_compresser", ch09_compresser::run);
}

#[test]
fn ch01_an_image_makes_the_whole_trip() {
    let text = output(ch01_projet::run);
    for step in 1..=7 {
        assert!(
            text.contains(&format!("{step}. ")),
            "étape {step} :\n{text}"
        );
    }
    assert!(text.contains("« salon » n° 0, 320×240 RGB8, 230400 octets"));
    assert!(text.contains("« salon » n° 0, 320×240 JPEG"));
    assert!(text.contains("320×240 pixels RGB, 230400 octets"));
    // La taille du JPEG peut varier un peu d'une machine à l'autre (SIMD) :
    // seul l'ordre de grandeur est vérifié.
    let jpeg: usize = text
        .lines()
        .find(|l| l.contains("octets de JPEG"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .expect("la ligne du JPEG");
    assert!((2_000..60_000).contains(&jpeg), "{jpeg} octets de JPEG");
}

#[test]
fn ch02_a_minimal_tcp_exchange() {
    let text = output(ch02_socket::run);
    assert!(text.contains("serveur : j'écoute sur 127.0.0.1:"), "{text}");
    assert!(text.contains("m'a dit \"bonjour serveur\""), "{text}");
    assert!(
        text.contains("le serveur m'a répondu \"bien reçu : bonjour serveur\""),
        "{text}"
    );
}

#[test]
fn ch03_tcp_is_a_stream_udp_keeps_datagrams() {
    check_expected("ch03_adresse", ch03_adresse::run);
}

#[test]
fn ch04_lists_this_machines_addresses() {
    let text = output(ch04_adresse_ip::run);
    assert!(text.starts_with("interface"), "{text}");
    assert!(text.contains("127.0.0.1"), "{text}");
    assert!(text.contains("boucle locale"), "{text}");
    assert!(
        text.contains("vigie client --server")
            || text.contains("aucune adresse"),
        "{text}"
    );
}

#[test]
fn ch04_kinds_of_addresses() {
    let kind = |s: &str| ch04_adresse_ip::kind(s.parse::<IpAddr>().unwrap());
    assert!(kind("127.0.0.1").starts_with("boucle locale"));
    assert!(kind("192.168.1.20").starts_with("privée"));
    assert!(kind("10.85.0.1").starts_with("privée"));
    assert!(kind("172.16.4.2").starts_with("privée"));
    assert!(kind("169.254.10.3").starts_with("lien local"));
    assert!(kind("8.8.8.8").starts_with("publique"));
    assert!(kind("::1").starts_with("boucle locale"));
    assert!(kind("fe80::1").starts_with("lien local"));
}

#[test]
fn ch05_one_client_then_many() {
    check_expected("ch05_client_serveur", ch05_client_serveur::run);
}

#[test]
fn ch06_a_frame_of_the_test_pattern() {
    check_expected("ch06_capturer", ch06_capturer::run);
}

#[test]
fn ch06_the_png_is_a_png() {
    let png = ch06_capturer::png_of_the_pattern().unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn ch07_serialize_and_refuse_the_evil_pickle() {
    check_expected("ch07_serialiser", ch07_serialiser::run);
}

#[test]
fn ch08_messages_found_again_in_pieces() {
    check_expected("ch08_emballer", ch08_emballer::run);
}

#[test]
fn ch09_lower_quality_smaller_files_larger_errors() {
    let trials = ch09_compresser::compare(&[30, 60, 90]).unwrap();
    let raw = 640 * 480 * 3;
    for pair in trials.windows(2) {
        assert!(pair[0].bytes < pair[1].bytes, "{trials:?}");
        assert!(pair[0].mean_error > pair[1].mean_error, "{trials:?}");
    }
    assert!(trials.iter().all(|t| t.bytes < raw / 10), "{trials:?}");
    let text = output(ch09_compresser::run);
    assert!(text.contains("brut (RGB)  :  921600 octets"), "{text}");
    assert!(text.contains("à 15 images/s : brut 111 Mbit/s"), "{text}");
    assert_eq!(text.matches("qualité").count(), 6, "{text}");
}

#[test]
fn ch10_the_server_side() {
    check_expected("ch10_serveur", ch10_serveur::run);
}

#[test]
fn ch11_pace_backoff_and_a_late_server() {
    let text = output(ch11_client::run);
    // La cadence : 5 images, la dernière au moins 4 × 40 ms après la première.
    let last_at: u64 = text
        .lines()
        .find(|l| l.contains("image n° 4 capturée à"))
        .and_then(|l| l.split_whitespace().rev().nth(1))
        .and_then(|n| n.parse().ok())
        .expect("la ligne de l'image n° 4");
    assert!(last_at >= 160, "{text}");
    // Les attentes : doublées à chaque fois, à 25 % près, 10 s au plus.
    let waits: Vec<f64> = text
        .lines()
        .filter(|l| l.contains("ratée : attendre"))
        .map(|l| l.split_whitespace().rev().nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(waits.len(), 7, "{text}");
    for (wait, base) in waits.iter().zip([0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0])
    {
        assert!(
            *wait >= base * 0.75 - 0.01 && *wait <= base * 1.25 + 0.01,
            "{text}"
        );
    }
    assert!(
        text.contains("images envoyées : 5, connexions réussies : 1"),
        "{text}"
    );
}

#[test]
fn ch12_the_probe_tells_open_from_refused() {
    check_expected("ch12_deux_pc", ch12_deux_pc::run);
}

#[test]
fn ch12_the_probe_names_unknown_hosts() {
    let verdict = ch12_deux_pc::probe(
        "nom-qui-n-existe-pas.invalid",
        std::time::Duration::from_secs(1),
    );
    assert!(
        matches!(verdict, ch12_deux_pc::Verdict::UnknownHost(_)),
        "{verdict:?}"
    );
}

#[test]
fn ch13_the_bytes_on_the_wire_match_the_book() {
    check_figures("ch13_chiffrer", ch13_chiffrer::run);
}

#[test]
fn ch13_tls_hides_names_and_pictures_and_the_intruder_gets_nothing() {
    let text = output(ch13_chiffrer::run);
    let (plain, rest) = text.split_once("Dans TLS 1.3").expect("deux essais");
    let (tls, intruder) = rest
        .split_once("Un intermédiaire")
        .expect("l'intermédiaire");
    // En clair : le protocole de vigie se reconnaît, le nom et les images
    // se lisent.
    assert!(plain.contains("les 16 premiers : 56 49 47 49"), "{text}");
    assert!(plain.contains("« salon » se lit en clair : oui"), "{text}");
    assert!(plain.contains("(FF D8 FF…) : 3 sur 3"), "{text}");
    // Dans TLS : un enregistrement de poignée de main, rien de lisible.
    assert!(tls.contains("les 16 premiers : 16 03"), "{text}");
    assert!(tls.contains("« salon » se lit en clair : non"), "{text}");
    assert!(tls.contains("(FF D8 FF…) : 0 sur 3"), "{text}");
    // Le serveur a tout reçu, les deux fois.
    assert_eq!(
        text.matches("le serveur a reçu 3 images").count(),
        2,
        "{text}"
    );
    // L'intermédiaire est refusé, les deux fois, sans rien lire.
    assert!(intruder.contains("does not fit the pairing code"), "{text}");
    assert!(intruder.contains("is not the pinned one"), "{text}");
    assert!(
        intruder.contains("<empreinte de l'intermédiaire>"),
        "{text}"
    );
    assert_eq!(
        intruder
            .matches("lus en clair par l'intermédiaire : 0")
            .count(),
        2,
        "{text}"
    );
}

#[test]
fn ch14_a_cardboard_camera_and_the_pattern_in_ascii() {
    check_expected("ch14_tester", ch14_tester::run);
}

#[test]
fn ch15_the_report_client_and_motion() {
    let text = output(ch15_plus_loin::run);
    assert!(text.contains("caméra « legacy-127.0.0.1:"), "{text}");
    assert!(text.contains("protocole legacy, 3 images reçues"), "{text}");
    assert!(
        text.contains("la même image        : 0.0 % des pixels ont changé"),
        "{text}"
    );
    assert!(!text.contains("plus tard  : 0.0 %"), "{text}");
    // One crossing of the room: one event that starts and ends; the light
    // change: none.
    let (crossing, light) = text
        .split_once("Puis 20 s de la scène light-change")
        .unwrap();
    assert_eq!(crossing.matches(" : mouvement (").count(), 1, "{text}");
    assert_eq!(crossing.matches(" : calme revenu").count(), 1, "{text}");
    assert!(light.contains("aucun événement"), "{text}");
}
