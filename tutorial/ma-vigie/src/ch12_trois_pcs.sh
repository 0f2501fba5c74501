#!/usr/bin/env bash
# Chapitre 12, l'exercice : un troisième PC.
#
# Remplacez ce fichier par votre copie de crates/vigie/tests/two-pcs.sh, à
# laquelle vous ajoutez un troisième PC, vigie-pc3, branché au PC 1 par un
# second câble virtuel (10.85.1.1/24 côté PC 1, 10.85.1.2/24 côté PC 3), et
# une deuxième caméra nommée « jardin » qui s'y appaire avec son propre code
# (`vigie pair` en affiche un neuf).
#
# Le test (`sudo -E cargo test ch12`, les espaces de noms réseau demandent
# root) lance ce script avec le chemin du binaire vigie en argument, et lit
# ce qu'il affiche : le tableau final du serveur doit montrer les deux
# caméras, « salon » depuis 10.85.0.2 et « jardin » depuis 10.85.1.2.
echo "ch12 : À FAIRE : copiez ici crates/vigie/tests/two-pcs.sh et ajoutez vigie-pc3" >&2
exit 1
