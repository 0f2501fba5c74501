//! What the benchmark reads from the system: CPU time and memory from
//! `/proc` (Linux), and percentiles of latency samples.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

/// CPU time (user + system) from the text of a `/proc/…/stat` file, in clock
/// ticks. The second field (the command name) is in parentheses and may
/// hold spaces or parentheses, so fields are counted after the *last* `)`.
pub fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // After the name come field 3 (state) … field 14 (utime), 15 (stime).
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// The value of `VmRSS:` in the text of a `/proc/…/status` file, in bytes.
pub fn parse_status_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let mut words = line["VmRSS:".len()..].split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => Some(value * 1024),
        Some(_) => None,
    }
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on every Linux we know).
pub fn clock_ticks() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// CPU time used so far by the process or thread whose `/proc` directory is
/// `dir` (`/proc/self`, `/proc/1234`, `/proc/self/task/5678`).
pub fn cpu_time(dir: &Path) -> Option<Duration> {
    let text = std::fs::read_to_string(dir.join("stat")).ok()?;
    let ticks = parse_stat_ticks(&text)?;
    Some(Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64))
}

/// This process's resident memory, in bytes.
pub fn self_rss() -> Option<u64> {
    parse_status_rss(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// The `/proc` directory of the calling thread (`/proc/<pid>/task/<tid>`),
/// so that another thread can read its CPU time.
pub fn this_thread_dir() -> Option<std::path::PathBuf> {
    std::fs::read_link("/proc/thread-self").ok().map(|p| {
        if p.is_absolute() {
            p
        } else {
            Path::new("/proc").join(p)
        }
    })
}

/// The `p`-th quantile (0.0–1.0) of `sorted`, nearest rank (the sample at
/// index `round((n - 1) p)`), as `vigie_hub::stats` computes it.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() - 1) as f64 * p.clamp(0.0, 1.0)).round() as usize;
    Some(sorted[i])
}

/// The difference `later - earlier` of two optional readings, in seconds.
pub fn delta_secs(earlier: Option<Duration>, later: Option<Duration>) -> Option<f64> {
    Some(later?.saturating_sub(earlier?).as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_after_the_name() {
        // A name with spaces and a parenthesis, as a thread can have.
        let stat = "4242 (vigie (x) y) S 1 4242 4242 0 -1 4194304 1000 0 0 0 \
                    250 75 0 0 20 0 3 0 12345 1000000 500 18446744073709551615";
        assert_eq!(parse_stat_ticks(stat), Some(325));
        assert_eq!(parse_stat_ticks("garbage"), None);
        assert_eq!(parse_stat_ticks("1 (x) S 1 2"), None);
    }

    #[test]
    fn rss_is_read_in_bytes() {
        let status = "Name:\tvigie\nVmPeak:\t  9000 kB\nVmRSS:\t   17920 kB\nThreads:\t3\n";
        assert_eq!(parse_status_rss(status), Some(17920 * 1024));
        assert_eq!(parse_status_rss("Name:\tx\n"), None);
    }

    #[test]
    fn this_process_can_be_read() {
        if cfg!(target_os = "linux") {
            assert!(cpu_time(Path::new("/proc/self")).is_some());
            assert!(self_rss().unwrap() > 0);
            let dir = this_thread_dir().unwrap();
            assert!(cpu_time(&dir).is_some(), "{dir:?}");
        }
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), Some(51)); // index round(49.5) = 50
        assert_eq!(percentile(&v, 0.99), Some(99));
        assert_eq!(percentile(&v, 1.0), Some(100));
        assert_eq!(percentile(&v, 0.0), Some(1));
        assert_eq!(percentile(&[7], 0.99), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn deltas_need_both_readings() {
        let s = Duration::from_secs;
        assert_eq!(delta_secs(Some(s(1)), Some(s(3))), Some(2.0));
        assert_eq!(delta_secs(None, Some(s(3))), None);
        assert_eq!(delta_secs(Some(s(3)), Some(s(1))), Some(0.0));
    }
}
