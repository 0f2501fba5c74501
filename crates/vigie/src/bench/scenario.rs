//! One benchmark run: a vigie server in this process, the cameras in a
//! child process, and the figures read before and after the measured window.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use tokio_util::sync::CancellationToken;
use vigie_core::frame::now_us;
use vigie_core::{jpeg, PixelFormat};
use vigie_hub::Registry;
use vigie_net::server::{spawn_local, LocalServer};
use vigie_net::ServerConfig;

use super::args::{BenchArgs, BenchFormat, Plan, Scenario};
use super::limit::socket_copy;
use super::measure::{self, delta_secs, percentile};
use super::peer::camera_name;
use super::Report;

/// Time allowed for every camera to connect and send a first frame.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Warm-up after the first frames, before measuring.
fn warm_up(seconds: f64) -> Duration {
    Duration::from_secs_f64((seconds / 4.0).clamp(0.25, 1.0))
}

/// The state of both sides at one moment.
struct Sample {
    at: Instant,
    server_cpu: Option<Duration>,
    client_cpu: Option<Duration>,
    decode_cpu: Option<Duration>,
    /// Frames received by the server, all cameras.
    received: u64,
    /// Frames decoded by the server's consumer.
    decoded: u64,
}

/// One run of `plan`: its figures.
pub fn run(args: &BenchArgs, plan: Plan) -> anyhow::Result<Report> {
    let runtime = crate::runtime()?;
    let cameras = plan.cameras as usize;
    // TLS runs: a server identity of their own, and every camera paired
    // before the clock starts (pairing is not what is measured).
    let secure = plan.tls.then(|| Secure::new(cameras)).transpose()?;
    let config = ServerConfig {
        max_connections: cameras + 16,
        trust: secure.as_ref().map(|s| s.trust.clone()),
        insecure: !plan.tls,
        ..ServerConfig::default()
    };
    let LocalServer {
        addr,
        registry,
        shutdown: stop,
        task: server,
    } = runtime
        .block_on(spawn_local(config, cameras + 8))
        .context("cannot listen on loopback")?;
    if let Some(s) = &secure {
        s.pair_all(addr, plan.cameras)?;
    }
    let decoder = plan
        .decode
        .then(|| Decoder::spawn(&registry, plan.cameras, runtime.handle(), &stop));

    // `raw`'s limit is measured half before and half after vigie's run, so
    // that a change of load on the machine during the run weighs on both.
    let socket_before = match plan.scenario {
        Scenario::Raw => Some(
            socket_copy(plan.size.rgb_len(), args.seconds / 2.0).context("plain socket copy")?,
        ),
        _ => None,
    };
    let mut child = spawn_peer(addr, args, &plan, secure.as_ref().map(|s| s.clients.path()))?;
    let suite = child.stdout.take().map(|out| {
        thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line);
            line.trim().to_owned()
        })
    });
    let names: Vec<String> = (0..plan.cameras).map(camera_name).collect();
    let outcome = measure_window(args, &plan, &registry, &names, &mut child, decoder.as_ref());

    // Stop the cameras (they say goodbye), then the server.
    drop(child.stdin.take());
    let exited = wait_or_kill(&mut child, Duration::from_secs(10));
    stop.cancel();
    let _ = runtime.block_on(async { tokio::time::timeout(Duration::from_secs(5), server).await });
    let latencies = decoder.map(Decoder::join).unwrap_or_default();
    let (a, b, end_views) = outcome?;
    if !exited {
        eprintln!("vigie bench: the camera process did not stop in 10 s and was killed");
    }

    let secs = b.at.duration_since(a.at).as_secs_f64();
    let received = b.received.saturating_sub(a.received);
    let decoded = b.decoded.saturating_sub(a.decoded);
    let server_cpu = delta_secs(a.server_cpu, b.server_cpu);
    let client_cpu = delta_secs(a.client_cpu, b.client_cpu);
    let per_frame_ms = |cpu: Option<f64>, frames: u64| {
        cpu.filter(|_| frames > 0)
            .map(|c| c * 1000.0 / frames as f64)
    };
    let frame_bytes = end_views
        .iter()
        .filter_map(|v| v.latest.as_ref().map(|f| f.payload().len()))
        .max()
        .unwrap_or(0) as u64;

    let mut r = Report::default();
    r.text("scenario", plan.scenario.name());
    r.text("link", if plan.tls { "tls" } else { "plain" });
    if plan.tls {
        let suite = suite.and_then(|t| t.join().ok()).unwrap_or_default();
        r.text(
            "cipher_suite",
            if suite.is_empty() {
                "unknown".into()
            } else {
                suite
            },
        );
    }
    r.text("size", plan.size.to_string());
    r.text("format", plan.format.name());
    if plan.format == BenchFormat::Jpeg {
        r.int("quality", u64::from(plan.quality));
        // Which codec each side used: the camera's encoder (when it
        // encodes each frame; else the frames were encoded once, before
        // the clock), and the server's decoder.
        if plan.encode_each {
            r.text("encoder", jpeg::ENCODER_LIBRARY);
        }
        if plan.scenario == Scenario::E2e {
            r.text("decoder", jpeg::DECODER_LIBRARY);
        }
    }
    r.int("cameras", u64::from(plan.cameras));
    r.num("seconds", Some(secs), 2);
    let fps_of = |n: u64| Some(n as f64 / secs);
    match plan.scenario {
        Scenario::E2e => {
            let window: Vec<u64> = {
                let mut v: Vec<u64> = latencies
                    .iter()
                    .filter(|(t, _)| *t >= a.at && *t <= b.at)
                    .map(|&(_, l)| l)
                    .collect();
                v.sort_unstable();
                v
            };
            r.num("fps", fps_of(decoded), 1);
            r.num("received_fps", fps_of(received), 1);
            r.int("received", received);
            r.int("decoded", decoded);
            r.int("frame_bytes", frame_bytes);
            r.num(
                "client_cpu_ms_per_frame",
                per_frame_ms(client_cpu, received),
                3,
            );
            r.num(
                "server_cpu_ms_per_frame",
                per_frame_ms(server_cpu, decoded),
                3,
            );
            r.num(
                "server_decode_cpu_ms_per_frame",
                per_frame_ms(delta_secs(a.decode_cpu, b.decode_cpu), decoded),
                3,
            );
            let ms = |p| percentile(&window, p).map(|us| us as f64 / 1000.0);
            r.num("latency_p50_ms", ms(0.50), 2);
            r.num("latency_p99_ms", ms(0.99), 2);
        }
        Scenario::Ingest => {
            r.num("fps", fps_of(received), 1);
            r.int("frames", received);
            r.int("frame_bytes", frame_bytes);
            r.num(
                "mb_per_s",
                Some((received * frame_bytes) as f64 / secs / 1e6),
                1,
            );
            r.num(
                "server_cpu_ms_per_frame",
                per_frame_ms(server_cpu, received),
                4,
            );
            r.num(
                "client_cpu_ms_per_frame",
                per_frame_ms(client_cpu, received),
                4,
            );
        }
        Scenario::Fanin => {
            let fps = plan.fps.unwrap_or(0.0);
            let expected = (f64::from(plan.cameras) * fps * secs).round() as u64;
            r.num("fps", fps_of(received), 1);
            r.num("target_fps", Some(f64::from(plan.cameras) * fps), 1);
            r.int("delivered", received);
            r.int("expected", expected);
            r.num(
                "delivered_ratio",
                Some(received as f64 / expected.max(1) as f64),
                3,
            );
            r.num(
                "server_cpu_percent",
                server_cpu.map(|c| c * 100.0 / secs),
                1,
            );
            r.num(
                "client_cpu_percent",
                client_cpu.map(|c| c * 100.0 / secs),
                1,
            );
            r.num(
                "server_rss_mib",
                measure::self_rss().map(|b| b as f64 / (1024.0 * 1024.0)),
                1,
            );
            // Per camera, the registry keeps its last 512 latencies
            // (capture → arrival): the median of their medians, the worst p99.
            let mut p50s: Vec<u64> = end_views
                .iter()
                .filter_map(|v| v.stats.latency_p50.map(|d| d.as_micros() as u64))
                .collect();
            p50s.sort_unstable();
            let p99 = end_views
                .iter()
                .filter_map(|v| v.stats.latency_p99.map(|d| d.as_micros() as u64))
                .max();
            let ms = |us: Option<u64>| us.map(|us| us as f64 / 1000.0);
            r.num("latency_p50_ms", ms(percentile(&p50s, 0.5)), 2);
            r.num("latency_p99_ms", ms(p99), 2);
        }
        Scenario::Raw => {
            let fps = received as f64 / secs;
            let bytes = plan.size.rgb_len() as f64;
            let socket_after = socket_copy(plan.size.rgb_len(), args.seconds / 2.0)
                .context("plain socket copy")?;
            let socket_fps = (socket_before.unwrap_or(socket_after) + socket_after) / 2.0;
            r.num("fps", Some(fps), 1);
            r.num("gb_per_s", Some(fps * bytes / 1e9), 3);
            r.num("socket_fps", Some(socket_fps), 1);
            r.num("socket_gb_per_s", Some(socket_fps * bytes / 1e9), 3);
            r.num("ratio_to_socket", Some(fps / socket_fps), 3);
            r.num(
                "server_cpu_ms_per_frame",
                per_frame_ms(server_cpu, received),
                3,
            );
            r.num(
                "client_cpu_ms_per_frame",
                per_frame_ms(client_cpu, received),
                3,
            );
        }
    }
    Ok(r)
}

type Window = (Sample, Sample, Vec<vigie_hub::CameraView>);

fn measure_window(
    args: &BenchArgs,
    plan: &Plan,
    registry: &Registry,
    names: &[String],
    child: &mut Child,
    decoder: Option<&Decoder>,
) -> anyhow::Result<Window> {
    let started = Instant::now();
    loop {
        let views = registry.snapshot();
        let ready = names
            .iter()
            .all(|n| views.iter().any(|v| &v.name == n && v.stats.frames > 0));
        if ready {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(anyhow!("the camera process stopped early ({status})"));
        }
        if started.elapsed() > START_TIMEOUT {
            let got = views.iter().filter(|v| v.stats.frames > 0).count();
            return Err(anyhow!(
                "only {got} of {} cameras sent a frame within {} s",
                plan.cameras,
                START_TIMEOUT.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(20));
    }
    thread::sleep(warm_up(args.seconds));
    let client_dir = PathBuf::from(format!("/proc/{}", child.id()));
    let take = || Sample {
        at: Instant::now(),
        server_cpu: measure::cpu_time(Path::new("/proc/self")),
        client_cpu: measure::cpu_time(&client_dir),
        decode_cpu: decoder.and_then(|d| d.cpu_time()),
        received: registry.snapshot().iter().map(|v| v.stats.frames).sum(),
        decoded: decoder.map_or(0, |d| d.decoded.load(Ordering::Relaxed)),
    };
    let a = take();
    thread::sleep(Duration::from_secs_f64(args.seconds));
    let b = take();
    if let Ok(Some(status)) = child.try_wait() {
        return Err(anyhow!(
            "the camera process stopped during the run ({status})"
        ));
    }
    Ok((a, b, registry.snapshot()))
}

fn spawn_peer(
    addr: std::net::SocketAddr,
    args: &BenchArgs,
    plan: &Plan,
    tls: Option<&Path>,
) -> anyhow::Result<Child> {
    let exe = std::env::current_exe().context("finding the vigie binary")?;
    let mut command = Command::new(exe);
    command.args(["bench", plan.scenario.name()]);
    if let Some(dir) = tls {
        command.arg("--peer-tls").arg(dir);
    }
    command
        .arg("--peer")
        .arg(addr.to_string())
        .args(["--size", &plan.size.to_string()])
        .args(["--quality", &plan.quality.to_string()])
        .args(["--format", plan.format.name()])
        .args(["--cameras", &plan.cameras.to_string()])
        .args(["--fps", &args.fps.to_string()])
        .args(["--seconds", &args.seconds.to_string()])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting the camera process")
}

/// Waits for `child` to exit, and kills it (by its own handle) after `limit`.
fn wait_or_kill(child: &mut Child, limit: Duration) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if let Ok(Some(_)) = child.try_wait() {
            return true;
        }
        thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    false
}

/// The server-side consumer of `e2e`: a thread that decodes every frame it
/// finds in the registry's slots, and notes when and how late each one was.
struct Decoder {
    thread: thread::JoinHandle<Vec<(Instant, u64)>>,
    decoded: Arc<AtomicU64>,
    dir: Arc<Mutex<Option<PathBuf>>>,
}

impl Decoder {
    fn spawn(
        registry: &Registry,
        cameras: u32,
        handle: &tokio::runtime::Handle,
        stop: &CancellationToken,
    ) -> Decoder {
        let decoded = Arc::new(AtomicU64::new(0));
        let dir = Arc::new(Mutex::new(None));
        let (registry, handle, stop) = (registry.clone(), handle.clone(), stop.clone());
        let (count, my_dir) = (decoded.clone(), dir.clone());
        let names: Vec<String> = (0..cameras).map(camera_name).collect();
        let thread = thread::Builder::new()
            .name("bench-decode".into())
            .spawn(move || {
                *my_dir.lock().unwrap_or_else(|p| p.into_inner()) = measure::this_thread_dir();
                let mut changes = registry.subscribe();
                let mut last: HashMap<&str, u64> = HashMap::new();
                let mut seen = Vec::with_capacity(1 << 16);
                // Reused for every frame, as a consumer that decodes every
                // frame should.
                let mut pixels = Vec::new();
                loop {
                    let changed = handle.block_on(async {
                        tokio::select! {
                            r = changes.changed() => r.is_ok(),
                            _ = stop.cancelled() => false,
                        }
                    });
                    if !changed {
                        break;
                    }
                    for name in &names {
                        let Some(frame) = registry.latest(name) else {
                            continue;
                        };
                        if last.get(name.as_str()) == Some(&frame.sequence()) {
                            continue;
                        }
                        last.insert(name, frame.sequence());
                        let decoded = match frame.format() {
                            PixelFormat::Jpeg => {
                                jpeg::decode_rgb_into(frame.payload(), &mut pixels).is_ok()
                            }
                            _ => jpeg::frame_to_rgb(&frame).is_ok(),
                        };
                        if decoded {
                            let lat = now_us().saturating_sub(frame.captured_at_us());
                            seen.push((Instant::now(), lat));
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                seen
            })
            .expect("spawning the decoding thread");
        Decoder {
            thread,
            decoded,
            dir,
        }
    }

    fn cpu_time(&self) -> Option<Duration> {
        let dir = self.dir.lock().unwrap_or_else(|p| p.into_inner()).clone()?;
        measure::cpu_time(&dir)
    }

    fn join(self) -> Vec<(Instant, u64)> {
        self.thread.join().unwrap_or_default()
    }
}

/// A TLS run's trust material, in a temporary folder removed at the end:
/// the server's identity, and the cameras' pins and tokens.
struct Secure {
    folder: PathBuf,
    trust: Arc<vigie_trust::ServerTrust>,
    clients: vigie_trust::StateDir,
}

impl Secure {
    fn new(cameras: usize) -> anyhow::Result<Secure> {
        let folder = std::env::temp_dir().join(format!("vigie-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        let state = vigie_trust::StateDir::open(&folder)?;
        let clients = state.subdir("cameras")?;
        let limits = vigie_trust::pairing::PairingLimits {
            max_codes: cameras + 1,
            ..Default::default()
        };
        let clock = Arc::new(vigie_trust::pairing::SystemClock);
        let (trust, _) = vigie_trust::ServerTrust::open_with_limits(state, clock, limits)?;
        Ok(Secure {
            folder,
            trust: Arc::new(trust),
            clients,
        })
    }

    /// Pairs cameras `bench-0`… with the server at `addr`, as `vigie client
    /// --pair` would, and writes their pins for the camera process.
    fn pair_all(&self, addr: std::net::SocketAddr, cameras: u32) -> anyhow::Result<()> {
        let mut pins = vigie_trust::PinStore::load(&self.clients)?;
        let loopback = std::net::IpAddr::from([127, 0, 0, 1]);
        for i in 0..cameras {
            let name = camera_name(i);
            let code = self.trust.issue_code()?;
            let token = self
                .trust
                .pair(&code.secret(), &name, loopback)
                .map_err(|e| anyhow!("pairing {name}: {e:?}"))?;
            let now = std::time::SystemTime::now();
            pins.record_pairing(
                &addr.to_string(),
                self.trust.fingerprint(),
                &name,
                token,
                now,
            )?;
        }
        Ok(())
    }
}

impl Drop for Secure {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}
