"""A server in the style of the student report's server.py.

It reads what the report's server reads: a 4-byte big-endian length, then
that many bytes, then pickle.loads(..., encoding="bytes") and cv2.imdecode.
It checks every frame and prints one summary line.

pickle.loads on network data runs whatever the peer asks for: this script
exists only to prove that vigie's legacy client is understood by the
original code, on loopback, in a test. Never expose such a server.

Usage: report_server.py EXPECTED_FRAMES WIDTH HEIGHT
Prints "listening PORT", then "OK N frames WxH numpy X" or "FAIL ...".
"""
import pickle
import socket
import struct
import sys

import cv2
import numpy as np

expected, width, height = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(1)
print("listening", s.getsockname()[1], flush=True)
s.settimeout(60)
conn, addr = s.accept()
conn.settimeout(60)

data = b""
payload_size = struct.calcsize(">L")
received = 0
while received < expected:
    while len(data) < payload_size:
        chunk = conn.recv(4096)
        if not chunk:
            print(f"FAIL connection closed after {received} frames", flush=True)
            sys.exit(1)
        data += chunk
    packed_msg_size = data[:payload_size]
    data = data[payload_size:]
    msg_size = struct.unpack(">L", packed_msg_size)[0]
    while len(data) < msg_size:
        chunk = conn.recv(4096)
        if not chunk:
            print(f"FAIL connection closed mid-frame after {received} frames", flush=True)
            sys.exit(1)
        data += chunk
    frame_data = data[:msg_size]
    data = data[msg_size:]
    frame = pickle.loads(frame_data, fix_imports=True, encoding="bytes")
    if not (isinstance(frame, np.ndarray) and frame.dtype == np.uint8 and frame.ndim == 1):
        print(f"FAIL frame {received}: got {type(frame)} {getattr(frame, 'dtype', '')}", flush=True)
        sys.exit(1)
    frame = cv2.imdecode(frame, cv2.IMREAD_COLOR)
    if frame is None or frame.shape != (height, width, 3):
        shape = None if frame is None else frame.shape
        print(f"FAIL frame {received}: imdecode gave {shape}", flush=True)
        sys.exit(1)
    received += 1

conn.close()
print(f"OK {received} frames {width}x{height} numpy {np.__version__}", flush=True)
