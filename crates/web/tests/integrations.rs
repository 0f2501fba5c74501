//! The examples in `docs/integrations/` for go2rtc, Frigate and Motion.
//!
//! go2rtc and Frigate cannot be installed on the machines that test vigie,
//! so their files are checked as far as can be without them: they are
//! valid YAML of the shape each program reads (a real parser, not a text
//! search), and every vigie URL in them is a route that a real vigie
//! server answers with an MJPEG stream. Motion is installed in CI and
//! really runs `motion.conf` against vigie (`tests/motion.sh`); here its
//! URL is checked the same way, and its own servers are kept off vigie's
//! port.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{read_parts, start, Format};
use vigie_web::WebConfig;
use yaml_rust2::{Yaml, YamlLoader};

fn doc(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/integrations")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml(name: &str) -> Yaml {
    let mut docs = YamlLoader::load_from_str(&doc(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(docs.len(), 1, "{name}: one YAML document");
    docs.remove(0)
}

/// Every string in a YAML tree.
fn strings(node: &Yaml, out: &mut Vec<String>) {
    match node {
        Yaml::String(s) => out.push(s.clone()),
        Yaml::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Yaml::Hash(map) => map.iter().for_each(|(k, v)| {
            strings(k, out);
            strings(v, out);
        }),
        _ => {}
    }
}

/// The vigie URLs in some strings: `http://…` up to a `#` (go2rtc's
/// options) or a space.
fn vigie_urls(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .filter_map(|t| t.find("http://").map(|i| &t[i..]))
        .map(|u| u.split(['#', ' ']).next().unwrap().to_owned())
        .collect()
}

/// The path of a URL (`http://host:port/path` → `/path`).
fn path_of(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap();
    &rest[rest.find('/').expect("a path")..]
}

#[test]
fn the_go2rtc_config_has_a_stream_per_camera() {
    let config = yaml("go2rtc.yaml");
    let streams = config["streams"]
        .as_hash()
        .expect("go2rtc: a `streams` map");
    let salon = config["streams"]["salon"]
        .as_str()
        .expect("streams.salon: a URL");
    assert!(salon.ends_with("/cameras/salon/stream.mjpg"), "{salon}");
    // The transcoded copy reads the first stream by name.
    let h264 = config["streams"]["salon_h264"].as_str().unwrap();
    assert_eq!(h264, "ffmpeg:salon#video=h264");
    assert_eq!(streams.len(), 2);
}

#[test]
fn the_frigate_camera_reads_the_go2rtc_restream_of_a_transcoded_stream() {
    let config = yaml("frigate.yml");
    let source = config["go2rtc"]["streams"]["salon"][0].as_str().unwrap();
    assert!(
        source.starts_with("ffmpeg:http://")
            && source.ends_with("/cameras/salon/stream.mjpg#video=h264"),
        "{source}"
    );
    let camera = &config["cameras"]["salon"];
    let input = &camera["ffmpeg"]["inputs"][0];
    // The restream of the go2rtc stream of the same name, on Frigate's box.
    assert_eq!(input["path"].as_str(), Some("rtsp://127.0.0.1:8554/salon"));
    assert_eq!(input["input_args"].as_str(), Some("preset-rtsp-restream"));
    let roles: BTreeSet<&str> = input["roles"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert_eq!(roles, BTreeSet::from(["detect", "record"]));
    assert!(camera["detect"]["fps"]
        .as_i64()
        .is_some_and(|f| (1..=15).contains(&f)));
    // The note that Frigate transcodes MJPEG is there for the reader.
    assert!(doc("frigate.yml").contains("transcodes"));
}

/// Motion's `key value` lines.
fn motion_option(conf: &str, key: &str) -> Option<String> {
    conf.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with(';'))
        .find_map(|l| {
            l.strip_prefix(key)?
                .strip_prefix(' ')
                .map(|v| v.trim().to_owned())
        })
}

#[test]
fn the_motion_config_reads_a_camera_and_keeps_off_vigies_port() {
    let conf = doc("motion.conf");
    let url = motion_option(&conf, "netcam_url").expect("netcam_url");
    assert_eq!(url, "http://127.0.0.1:8080/cameras/porte/stream.mjpg");
    assert_eq!(
        motion_option(&conf, "webcontrol_port").as_deref(),
        Some("0")
    );
    assert_eq!(motion_option(&conf, "stream_port").as_deref(), Some("0"));
    assert_eq!(
        motion_option(&conf, "picture_output").as_deref(),
        Some("first")
    );
    assert!(motion_option(&conf, "target_dir").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_url_in_the_examples_is_a_vigie_stream() {
    let mut texts = Vec::new();
    strings(&yaml("go2rtc.yaml"), &mut texts);
    strings(&yaml("frigate.yml"), &mut texts);
    texts.push(motion_option(&doc("motion.conf"), "netcam_url").unwrap());
    let urls = vigie_urls(&texts);
    assert_eq!(urls.len(), 3, "{urls:?}");

    let rig = start(WebConfig::default()).await;
    for name in ["salon", "porte"] {
        rig.camera(name, 160, 120, 10.0, Format::Jpeg);
        rig.wait_frames(name, 2).await;
    }
    for url in &urls {
        // The same path on a real server: a stream of real JPEG pictures.
        let parts = read_parts(&rig.url(path_of(url)), 2).await;
        assert!(parts.iter().all(|p| p.starts_with(&[0xFF, 0xD8])), "{url}");
    }
    rig.stop().await;
}
