"""The report's pipeline in Python, for `bench/compare.sh`.

Client (as the report's client.py): cv2.imencode('.jpg', frame, quality 90)
-> pickle.dumps(image, PROTOCOL) -> struct.pack(">L", len) + data -> sendall.
With --format raw the numpy frame itself is pickled (no JPEG).
Server (as the report's server.py): recv(4096) in a loop, `data += chunk`,
struct.unpack, pickle.loads, cv2.imdecode for each frame.
--tuned: the server reads with recv_into into a preallocated bytearray
instead (run it with MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ set).
--ingest: the counterpart of `vigie bench ingest`: the client sends
messages pickled once, before the run, and the server unpickles each one
but does not decode it (a headless server, recording or relaying).

The client sends as fast as it can for --seconds; pictures (like vigie's
test pattern: colour bars, a grey ramp, a moving square with a border, three
lines of text) are drawn before the run (a ring of 8) and cycled, so
drawing is not measured.
--profile FILE: the server runs under cProfile and writes its statistics
to FILE (see docs/PERFORMANCE.md, "Where the Python server's time goes"). The server runs
in a child process, so each side's CPU time is its own.

Prints one JSON line: {"fps": ..., "frames": ..., "seconds": ...,
"client_cpu_ms_per_frame": ..., "server_cpu_ms_per_frame": ..., ...}.

pickle.loads on network data runs whatever the peer asks for: this script
listens on 127.0.0.1 only, and talks to itself.
"""
import argparse
import json
import os
import pickle
import socket
import struct
import subprocess
import sys
import time

import cv2
import numpy as np

RING = 8


# vigie's 75 % colour bars (RGB), in the classic order.
BARS = [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0),
        (191, 0, 191), (191, 0, 0), (0, 0, 191)]


def pictures(width, height):
    """A ring of distinct BGR pictures like vigie's test pattern (see
    crates/camera/src/test_pattern.rs): colour bars on the top two thirds, a
    grey ramp below, a square with a black border that moves from frame to
    frame, and three lines of text on dark bands (name, frame number, time).
    Both pipelines then code the same kind of picture: flat areas, sharp
    edges, text, no noise. Drawn before the clock, then cycled."""
    base = np.zeros((height, width, 3), np.uint8)
    bars_h = height * 2 // 3
    for i, (r, g, b) in enumerate(BARS):
        base[:bars_h, width * i // 7:width * (i + 1) // 7] = (b, g, r)
    ramp = (np.arange(width) * 255 // max(width - 1, 1)).astype(np.uint8)
    base[bars_h:, :, :] = ramp[None, :, None]
    side = max(min(width, height) // 5, 4)
    border = max(side // 12, 1)
    travel = max(width - side, 1)
    step = max(width // 60, 1)
    line = max(height // 10, 8)
    font_scale = line / 40
    thickness = max(line // 16, 1)
    ring = []
    for i in range(RING):
        f = base.copy()
        pos = (i * step) % (2 * travel)
        x = pos if pos < travel else 2 * travel - pos
        y = bars_h - side // 2
        cv2.rectangle(f, (x, y), (x + side - 1, y + side - 1), (0, 0, 0), -1)
        cv2.rectangle(f, (x + border, y + border),
                      (x + side - 1 - border, y + side - 1 - border), (255, 128, 0), -1)
        texts = [(line // 4, "salon"), (line // 4 + line, f"#{i:06d}"),
                 (height - line - line // 4, f"2026-11-24 12:34:56.{i:03d} UTC")]
        for top, text in texts:
            (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, thickness)
            band = f[top:top + line, :tw + line // 2]
            band[:] = (band.astype(np.uint16) * 85 // 255).astype(np.uint8)
            cv2.putText(f, text, (line // 4, top + line * 3 // 4), cv2.FONT_HERSHEY_SIMPLEX,
                        font_scale, (255, 255, 255), thickness, cv2.LINE_AA)
        ring.append(f)
    return ring


def client(port, args):
    ring = pictures(args.width, args.height)
    param = [int(cv2.IMWRITE_JPEG_QUALITY), args.quality]
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sent = 0
    cpu0, start = time.process_time(), time.monotonic()
    end = start + args.seconds
    packed = None
    if args.ingest:
        packed = []
        for frame in ring:
            if args.format == "jpeg":
                frame = cv2.imencode(".jpg", frame, param)[1]
            data = pickle.dumps(frame, args.protocol)
            packed.append(struct.pack(">L", len(data)) + data)
    while time.monotonic() < end:
        frame = ring[sent % RING]
        if packed is not None:
            s.sendall(packed[sent % RING])
            data = packed[sent % RING]
            sent += 1
            continue
        if args.format == "jpeg":
            result, image = cv2.imencode(".jpg", frame, param)
            data = pickle.dumps(image, args.protocol)
        else:
            data = pickle.dumps(frame, args.protocol)
        s.sendall(struct.pack(">L", len(data)) + data)
        sent += 1
    cpu = time.process_time() - cpu0
    s.close()
    return sent, cpu, len(data)


def serve_report(conn, decode):
    """The report's loop: recv(4096), data += chunk."""
    data = b""
    payload_size = struct.calcsize(">L")
    frames = 0
    first = None
    while True:
        while len(data) < payload_size:
            chunk = conn.recv(4096)
            if not chunk:
                return frames, first
            data += chunk
        msg_size = struct.unpack(">L", data[:payload_size])[0]
        data = data[payload_size:]
        while len(data) < msg_size:
            chunk = conn.recv(4096)
            if not chunk:
                return frames, first
            data += chunk
        frame_data = data[:msg_size]
        data = data[msg_size:]
        decode(frame_data)
        frames += 1
        if first is None:
            first = (time.monotonic(), time.process_time())


def recv_exact(conn, view, n):
    got = 0
    while got < n:
        k = conn.recv_into(view[got:n], n - got)
        if k == 0:
            return False
        got += k
    return True


def serve_tuned(conn, decode):
    """recv_into a preallocated bytearray, grown only when a frame is larger."""
    buf = bytearray(1 << 20)
    head = bytearray(4)
    frames = 0
    first = None
    while True:
        if not recv_exact(conn, memoryview(head), 4):
            return frames, first
        n = struct.unpack(">L", head)[0]
        if n > len(buf):
            buf = bytearray(n)
        view = memoryview(buf)
        if not recv_exact(conn, view, n):
            return frames, first
        decode(view[:n])
        frames += 1
        if first is None:
            first = (time.monotonic(), time.process_time())


def server(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    print(s.getsockname()[1], flush=True)
    s.settimeout(60)
    conn, _ = s.accept()
    conn.settimeout(60)

    def decode(frame_data):
        frame = pickle.loads(frame_data, fix_imports=True, encoding="bytes")
        if args.ingest:
            return
        if args.format == "jpeg":
            frame = cv2.imdecode(frame, cv2.IMREAD_COLOR)
        if frame is None or frame.shape != (args.height, args.width, 3):
            raise SystemExit(f"bad frame: {None if frame is None else frame.shape}")

    serve = serve_tuned if args.tuned else serve_report
    if args.profile:
        import cProfile
        # CPU time, not wall time: on a shared machine the wall clock
        # counts the time other processes had the cores.
        profiler = cProfile.Profile(time.process_time)
        frames, first = profiler.runcall(serve, conn, decode)
        profiler.dump_stats(args.profile)
    else:
        frames, first = serve(conn, decode)
    t1, c1 = time.monotonic(), time.process_time()
    # Counted from the first whole frame, which is not counted.
    if first is None or frames < 2:
        out = {"frames": frames, "seconds": 0, "cpu": 0}
    else:
        out = {"frames": frames - 1, "seconds": t1 - first[0], "cpu": c1 - first[1]}
    print(json.dumps(out), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="640x480")
    p.add_argument("--format", choices=["jpeg", "raw"], default="jpeg")
    p.add_argument("--quality", type=int, default=90)
    p.add_argument("--protocol", type=int, default=0)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--tuned", action="store_true")
    p.add_argument("--ingest", action="store_true")
    p.add_argument("--profile", metavar="FILE", help="profile the server with cProfile into FILE")
    p.add_argument("--server", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.width, args.height = (int(v) for v in args.size.lower().split("x"))
    if args.server:
        server(args)
        return
    child = subprocess.Popen(
        [sys.executable, __file__, "--server"] + sys.argv[1:],
        stdout=subprocess.PIPE,
        text=True,
    )
    port = int(child.stdout.readline())
    sent, client_cpu, message_bytes = client(port, args)
    srv = json.loads(child.stdout.readline())
    child.wait(timeout=120)
    frames, secs = srv["frames"], srv["seconds"]
    fps = frames / secs if secs > 0 else 0.0
    print(json.dumps({
        "pipeline": ("python-tuned" if args.tuned else "python") + ("-ingest" if args.ingest else ""),
        "size": args.size,
        "format": args.format,
        "protocol": args.protocol,
        "fps": round(fps, 1),
        "frames": frames,
        "seconds": round(secs, 2),
        "sent": sent,
        "message_bytes": message_bytes,
        "client_cpu_ms_per_frame": round(client_cpu * 1000 / max(sent, 1), 3),
        "server_cpu_ms_per_frame": round(srv["cpu"] * 1000 / max(frames, 1), 3),
        "numpy": np.__version__,
        "opencv": cv2.__version__,
        "malloc_env": bool(os.environ.get("MALLOC_MMAP_THRESHOLD_")),
    }))


if __name__ == "__main__":
    main()
