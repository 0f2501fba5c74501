//! `vigie bench`: how fast vigie moves frames, measured over real loopback
//! sockets, in one process tree.
//!
//! The server side runs in this process, with vigie_net's own server and
//! registry; the cameras run in a child process (this same binary, with a
//! hidden `--peer` option), so that each side's CPU time can be read from
//! `/proc`. Each run waits for every camera's first frame, warms up briefly,
//! then measures for `--seconds`.
//!
//! | Scenario | Cameras | Client | Server | Reports |
//! |----------|---------|--------|--------|---------|
//! | `e2e`    | 1, flat out | encodes each frame | decodes each frame | fps, CPU ms/frame each side, capture→decoded latency |
//! | `ingest` | 4, flat out | pre-encoded | no decoding | fps, MB/s, CPU ms/frame |
//! | `fanin`  | 64 at 15 fps, 640×480 | pre-encoded | no decoding | delivered/expected, CPU %, RSS, capture→arrival latency |
//! | `raw`    | 1, flat out, RGB | raw | no decoding | fps, GB/s, against a plain socket copy |
//!
//! `--link both` (the default) runs each of `e2e`, `ingest` and `raw` twice,
//! in plaintext and then over TLS 1.3 with paired cameras, and prints a
//! third report with the ratios (`fps_ratio`, `mb_per_s_ratio`,
//! `gb_per_s_ratio`) and the cipher suite: the cost of encryption, measured
//! in one command on one machine, as the noise of a shared machine demands.

mod args;
mod limit;
mod measure;
mod peer;
mod scenario;

use anyhow::Context;
use serde_json::Value;

pub use args::BenchArgs;

/// Runs the benchmarks asked for (or, with the hidden `--peer`, the camera
/// side of one). Options clap cannot check are usage errors; a run that
/// fails is a runtime error naming its scenario.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    args.validate()?;
    let plans = args.plans();
    if let Some(server) = args.peer {
        return peer::run(server, plans[0], args.seconds, args.peer_tls.as_deref());
    }
    if !cfg!(target_os = "linux") {
        eprintln!("vigie bench: CPU and memory figures come from /proc; they will be missing here");
    }
    let show = |report: &Report| {
        if args.json {
            println!("{}", report.json());
        } else {
            print!("{}", report.table());
        }
    };
    let mut plaintext: Option<(args::Plan, Report)> = None;
    for plan in plans {
        let report = scenario::run(&args, plan).context(plan.scenario.name())?;
        show(&report);
        match plaintext.take() {
            // The same run in plaintext just before: the cost of TLS.
            Some((plain, before)) if plan.tls && plain.size == plan.size => {
                show(&tls_ratios(&before, &report));
            }
            _ if !plan.tls => plaintext = Some((plan, report)),
            _ => {}
        }
    }
    Ok(())
}

/// What TLS costs: each throughput figure over TLS divided by the same in
/// plaintext, measured one after the other in the same command.
fn tls_ratios(plain: &Report, tls: &Report) -> Report {
    let mut r = Report::default();
    for key in ["scenario", "size"] {
        if let Some(Value::String(s)) = tls.get(key) {
            r.text(key, s.clone());
        }
    }
    r.text("link", "tls/plain");
    if let Some(Value::String(s)) = tls.get("cipher_suite") {
        r.text("cipher_suite", s.clone());
    }
    for (key, ratio) in [
        ("fps", "fps_ratio"),
        ("mb_per_s", "mb_per_s_ratio"),
        ("gb_per_s", "gb_per_s_ratio"),
    ] {
        let (Some(a), Some(b)) = (
            plain.get(key).and_then(Value::as_f64),
            tls.get(key).and_then(Value::as_f64),
        ) else {
            continue;
        };
        r.num(ratio, (a > 0.0).then(|| b / a), 3);
    }
    r
}

/// The figures of one run, in the order they are printed.
#[derive(Debug, Default)]
pub struct Report {
    fields: Vec<(&'static str, Value)>,
}

impl Report {
    /// A text figure.
    pub fn text(&mut self, key: &'static str, value: impl Into<String>) {
        self.fields.push((key, Value::String(value.into())));
    }

    /// A whole number.
    pub fn int(&mut self, key: &'static str, value: u64) {
        self.fields.push((key, Value::from(value)));
    }

    /// A number rounded to `decimals`; missing or not finite is `null`.
    pub fn num(&mut self, key: &'static str, value: Option<f64>, decimals: i32) {
        let v = value
            .filter(|v| v.is_finite())
            .map(|v| {
                let scale = 10f64.powi(decimals);
                Value::from((v * scale).round() / scale)
            })
            .unwrap_or(Value::Null);
        self.fields.push((key, v));
    }

    /// The figure named `key`, if this report has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// One JSON object on one line, keys in order.
    pub fn json(&self) -> String {
        let body: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{}:{v}", Value::from(*k)))
            .collect();
        format!("{{{}}}", body.join(","))
    }

    /// A two-column table, one figure a line.
    pub fn table(&self) -> String {
        let width = self.fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (k, v) in &self.fields {
            let shown = match v {
                Value::String(s) => s.clone(),
                Value::Null => "-".to_owned(),
                other => other.to_string(),
            };
            out.push_str(&format!("{k:<width$}  {shown}\n"));
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_print_as_json_and_as_a_table() {
        let mut r = Report::default();
        r.text("scenario", "e2e");
        r.num("fps", Some(123.456), 1);
        r.num("latency_p99_ms", None, 2);
        r.num("nan", Some(f64::NAN), 2);
        r.int("frames", 42);
        let json: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
        assert_eq!(json["fps"], 123.5);
        assert_eq!(json["scenario"], "e2e");
        assert!(json["latency_p99_ms"].is_null() && json["nan"].is_null());
        assert!(r.json().starts_with(r#"{"scenario":"e2e","fps":"#));
        let table = r.table();
        assert!(table.contains("fps             123.5\n"), "{table}");
        assert!(table.contains("latency_p99_ms  -\n"), "{table}");
        assert_eq!(r.get("frames"), Some(&Value::from(42)));
    }
}
