"""Une ESQUISSE pour le tutoriel vigie, chapitre 13 : ce que le client du
rapport aurait dû ajouter pour parler à travers TLS et vérifier l'identité de
son serveur. Ces lignes ne sont pas dans le rapport.

Elles ne parlent pas à un serveur vigie (son bonjour n'est pas le format du
rapport) : elles montrent l'idée, envelopper le socket puis comparer
l'empreinte du certificat avec celle qu'on a épinglée, avant d'envoyer quoi
que ce soit. Seule la bibliothèque standard de Python est utilisée.

Usage : python3 client_tls_esquisse.py ADRESSE PORT EMPREINTE_SHA256_HEX
"""
import socket
import sys

# ANCHOR: tls
import hashlib
import ssl


def ouvrir(adresse, port, empreinte_epinglee):
    """Un socket TLS vers (adresse, port), ou une erreur si l'empreinte du
    certificat n'est pas celle qu'on a épinglée."""
    contexte = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    contexte.check_hostname = False
    contexte.verify_mode = ssl.CERT_NONE  # pas d'autorité : on vérifie soi-même
    client_socket = socket.create_connection((adresse, port), timeout=5)
    client_socket = contexte.wrap_socket(client_socket)
    certificat = client_socket.getpeercert(binary_form=True)
    empreinte = hashlib.sha256(certificat).hexdigest()
    if empreinte != empreinte_epinglee.lower():
        client_socket.close()
        raise SystemExit("ce n'est pas le serveur épinglé : " + empreinte)
    # … puis, sans rien changer : client_socket.sendall(struct.pack(…) + data)
    return client_socket
# ANCHOR_END: tls


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    ouvrir(sys.argv[1], int(sys.argv[2]), sys.argv[3]).close()
    print("empreinte vérifiée")
