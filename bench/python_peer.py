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

The client sends as fast as it can for --seconds; pictures are drawn
before the run (a ring of 8), so drawing is not measured. The server runs
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


def pictures(width, height):
    """A ring of distinct BGR pictures: gradient, noise, a moving square."""
    rng = np.random.default_rng(1)
    base = np.zeros((height, width, 3), np.uint8)
    base[:, :, 0] = (np.arange(width) * 255 // width)[None, :]
    base[:, :, 1] = (np.arange(height) * 255 // height)[:, None]
    base[:, :, 2] = 128
    ring = []
    for i in range(RING):
        f = base.copy()
        # Noise of 0..3: at quality 90 the JPEGs come out about the size of
        # vigie's test pattern (22 KB at 640x480), so that both pipelines
        # code comparable pictures.
        f = cv2.add(f, rng.integers(0, 4, f.shape, dtype=np.uint8))
        x = 10 + i * width // (2 * RING)
        cv2.rectangle(f, (x, height // 3), (x + width // 8, height // 3 + height // 6), (0, 255, 255), -1)
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

    frames, first = (serve_tuned if args.tuned else serve_report)(conn, decode)
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
