//! dist/vigie.service: a unit systemd accepts, with the protections the
//! README promises. Checked by `systemd-analyze verify` where systemd is
//! installed, and by reading it everywhere.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn unit_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist/vigie.service");
    std::fs::read_to_string(path).expect("dist/vigie.service")
}

/// Section → key → values (a key may repeat), refusing any other line.
fn parse(text: &str) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut sections: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut current = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name.to_string());
            sections.entry(name.to_string()).or_default();
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("line {}: neither a section nor Key=Value: {line}", n + 1));
        let section = current
            .as_ref()
            .unwrap_or_else(|| panic!("line {}: outside a section", n + 1));
        assert!(
            key.chars().all(|c| c.is_ascii_alphanumeric()),
            "line {}: key {key:?}",
            n + 1
        );
        let keys = sections.get_mut(section).unwrap();
        keys.entry(key.to_string())
            .or_default()
            .push(value.to_string());
    }
    sections
}

#[test]
fn the_unit_has_what_a_service_at_home_needs() {
    let unit = parse(&unit_text());
    assert_eq!(
        unit.keys().collect::<Vec<_>>(),
        ["Install", "Service", "Unit"]
    );
    let service = &unit["Service"];
    let one = |key: &str| -> &str {
        let values = service.get(key).unwrap_or_else(|| panic!("{key} missing"));
        assert_eq!(values.len(), 1, "{key} once");
        &values[0]
    };
    assert_eq!(one("DynamicUser"), "yes");
    assert_eq!(one("StateDirectory"), "vigie");
    assert_eq!(one("ProtectSystem"), "strict");
    assert_eq!(one("Restart"), "on-failure");
    let files: u64 = one("LimitNOFILE").parse().expect("a number");
    assert!(files >= 4096, "LimitNOFILE={files}");
    let credential = one("LoadCredential");
    assert!(
        credential.starts_with("http-password:/etc/vigie/"),
        "{credential}"
    );
    assert!(one("EnvironmentFile").starts_with("-/etc/vigie/"));
    let start = one("ExecStart");
    assert!(
        start.contains("VIGIE_HTTP_PASSWORD=")
            && start.contains("$CREDENTIALS_DIRECTORY/http-password"),
        "{start}"
    );
    assert!(
        start.contains("vigie server --config /etc/vigie/vigie.toml"),
        "{start}"
    );
    assert!(one("ExecReload").contains("-HUP"), "a reload is SIGHUP");
    assert_eq!(unit["Install"]["WantedBy"], ["multi-user.target"]);
}

#[test]
fn systemd_accepts_the_unit_without_a_warning() {
    if !vigie_testkit::runs("systemd-analyze") {
        eprintln!("SKIP: systemd-analyze not installed; the unit was only read");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let verify = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&path)
            .output()
            .expect("systemd-analyze runs");
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.success(), said)
    };
    let (ok, said) = verify("vigie.service", &unit_text());
    let about_us: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("vigie.service"))
        .collect();
    assert!(ok && about_us.is_empty(), "systemd-analyze verify:\n{said}");
    // The check is real: a mistake is reported (as a warning: verify still exits 0).
    let (_, said) = verify(
        "broken.service",
        "[Service]\nExecStart=/bin/true\nRestart=sometimes\n",
    );
    assert!(said.contains("broken.service"), "{said}");
}
