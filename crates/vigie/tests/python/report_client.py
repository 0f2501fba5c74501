"""A client in the style of the student report's client.py.

The report's client captured the webcam with OpenCV; this one draws a
synthetic picture instead (no webcam on CI), then does exactly what the
report does for each frame: JPEG-encode at quality 90, pickle with
protocol 0, prefix with struct.pack(">L"), send.

Usage: report_client.py HOST PORT FRAMES
"""
import pickle
import socket
import struct
import sys

import cv2
import numpy as np

host, port, frames = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client_socket.connect((host, port))
encode_param = [int(cv2.IMWRITE_JPEG_QUALITY), 90]

for img_counter in range(frames):
    frame = np.zeros((240, 320, 3), np.uint8)
    frame[:, :, 0] = np.arange(320, dtype=np.uint8)[None, :]  # blue ramp
    cv2.rectangle(frame, (10 + 5 * img_counter, 100), (60 + 5 * img_counter, 150), (0, 255, 255), -1)
    result, image = cv2.imencode(".jpg", frame, encode_param)
    data = pickle.dumps(image, 0)
    size = len(data)
    client_socket.sendall(struct.pack(">L", size) + data)

client_socket.close()
print(f"sent {frames} frames with numpy {np.__version__}")
