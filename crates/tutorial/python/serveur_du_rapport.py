"""Le serveur du rapport, RECONSTITUÉ pour le tutoriel vigie.

Ce n'est pas le fichier d'origine : c'est une reconstitution écrite d'après
la description du rapport « Projet Tutoré Vidéo de surveillance »
(Ana Salimata Sanou) et d'après le comportement de son server.py : un
accept(), une boucle qui lit CE client jusqu'à son départ, puis accept()
encore. Un client à la fois.

DANGER : pickle.loads sur des octets venus du réseau exécute ce que
l'envoyeur demande (chapitre 7). Ne lancez ce serveur que sur la boucle
locale, pour comparer ; vigie, lui, n'appelle jamais pickle.

Il faut OpenCV et numpy (pip install opencv-python numpy).
Usage : python3 serveur_du_rapport.py [PORT]
Un client vigie lui parle : vigie client --protocol legacy --server 127.0.0.1:PORT
"""
import pickle
import socket
import struct
import sys

import cv2

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8485

# ANCHOR: ecoute
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", port))
s.listen(10)
# ANCHOR_END: ecoute

payload_size = struct.calcsize(">L")  # 4 octets
while True:
    # ANCHOR: accepter
    conn, addr = s.accept()  # un client à la fois
    data = b""
    # ANCHOR_END: accepter
    while True:
        # ANCHOR: recevoir
        while len(data) < payload_size:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        if len(data) < payload_size:
            break  # le client est parti : retour à accept()
        packed_msg_size = data[:payload_size]
        data = data[payload_size:]
        msg_size = struct.unpack(">L", packed_msg_size)[0]
        while len(data) < msg_size:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        frame_data = data[:msg_size]
        data = data[msg_size:]
        # ANCHOR_END: recevoir
        if len(frame_data) < msg_size:
            break
        # ANCHOR: afficher
        frame = pickle.loads(frame_data, fix_imports=True, encoding="bytes")
        frame = cv2.imdecode(frame, cv2.IMREAD_COLOR)
        cv2.imshow("ImageWindow", frame)
        cv2.waitKey(1)
        # ANCHOR_END: afficher
    conn.close()
