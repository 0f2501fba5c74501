"""Le client du rapport, RECONSTITUÉ pour le tutoriel vigie.

Ce n'est pas le fichier d'origine : c'est une reconstitution écrite d'après
la description du rapport « Projet Tutoré Vidéo de surveillance »
(Ana Salimata Sanou) et d'après le comportement de son client.py (une image
sur dix, JPEG qualité 90, pickle protocole 0, longueur sur 4 octets
gros-boutistes). Elle sert à montrer, à côté du Rust de vigie, le Python que
le rapport décrit. Seuls l'adresse et le port se donnent en arguments, au
lieu d'être écrits dans le code.

Il faut OpenCV et numpy (pip install opencv-python numpy) et une webcam.
Usage : python3 client_du_rapport.py [ADRESSE] [PORT]
Un serveur vigie le reçoit tel quel : vigie server (format « legacy »).
"""
import pickle
import socket
import struct
import sys

import cv2

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8485

# ANCHOR: connexion
client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client_socket.connect((host, port))
# ANCHOR_END: connexion

# ANCHOR: capture
cam = cv2.VideoCapture(0)
img_counter = 0
encode_param = [int(cv2.IMWRITE_JPEG_QUALITY), 90]
while True:
    ret, frame = cam.read()
    if not ret:
        break
    if img_counter % 10 == 0:  # une image sur dix seulement
        # ANCHOR: envoi
        result, frame = cv2.imencode(".jpg", frame, encode_param)
        data = pickle.dumps(frame, 0)
        size = len(data)
        client_socket.sendall(struct.pack(">L", size) + data)
        # ANCHOR_END: envoi
    img_counter += 1
# ANCHOR_END: capture

cam.release()
client_socket.close()
