//! # Le bac à sable : les exercices sur les crates de vigie
//!
//! Le cahier `tutorial/ma-vigie` vous fait tout écrire vous-même, sans
//! aucune crate de vigie. Les exercices de ce bac à sable, eux, s'appuient
//! sur les crates de vigie (`vigie_core`, `vigie_camera`, `vigie_net`,
//! `vigie_hub`, `vigie_trust`) et sur les fonctions des chapitres du livre
//! (`vigie_tutorial::…`) : c'est le travail d'un développeur qui se sert
//! d'une bibliothèque qu'il n'a pas écrite.
//!
//! Même méthode que dans le cahier : chaque module est l'exercice d'un
//! chapitre, vous remplacez les `todo!()`, puis vous lancez le test du
//! chapitre, par exemple `cargo test ch06`. Un `todo!()` qui reste fait
//! échouer son test avec « not yet implemented » : c'est ce qui reste à
//! faire. Le chapitre 14 est à part : sa réponse est un *test*, dans
//! `src/ch14_propriete.rs`, que `tests/exercices.rs` compile.
//!
//! Les solutions sont dans `solutions/`, avec les mêmes noms ;
//! `cargo test --features solutions` les compile à la place de vos fichiers
//! (c'est ce que fait l'intégration continue de vigie).
//!
//! Pour vos essais libres, copiez un exemple du livre dans `examples/`
//! sous un nom `mon_….rs` (voir `examples/mon_essai.rs`).

#![deny(missing_docs)]

#[cfg_attr(feature = "solutions", path = "../solutions/ch01_voyage.rs")]
pub mod ch01_voyage;
#[cfg_attr(feature = "solutions", path = "../solutions/ch06_damier.rs")]
pub mod ch06_damier;
#[cfg_attr(feature = "solutions", path = "../solutions/ch07_fichiers.rs")]
pub mod ch07_fichiers;
#[cfg_attr(feature = "solutions", path = "../solutions/ch09_qualite.rs")]
pub mod ch09_qualite;
#[cfg_attr(feature = "solutions", path = "../solutions/ch10_reveils.rs")]
pub mod ch10_reveils;
#[cfg_attr(feature = "solutions", path = "../solutions/ch11_une_seconde.rs")]
pub mod ch11_une_seconde;
#[cfg_attr(feature = "solutions", path = "../solutions/ch13_reinstalle.rs")]
pub mod ch13_reinstalle;
#[cfg_attr(feature = "solutions", path = "../solutions/ch15_mouvement.rs")]
pub mod ch15_mouvement;
