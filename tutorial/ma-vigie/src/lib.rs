//! # ma-vigie : votre vigie à vous
//!
//! Chaque module est l'exercice d'un chapitre du livre. Vous écrivez le corps
//! des fonctions à la place des `todo!()`, puis vous lancez le test du
//! chapitre, par exemple `cargo test ch08`. Un `todo!()` qui reste fait
//! échouer son test avec « not yet implemented » : c'est normal, c'est ce qui
//! reste à faire.
//!
//! Les solutions sont dans `solutions/`, avec les mêmes noms ;
//! `cargo test --features solutions` les compile à la place de vos fichiers
//! (c'est ce que fait l'intégration continue de vigie, pour vérifier que
//! chaque test a une solution qui le passe).
//!
//! Les modules s'appuient les uns sur les autres, comme les chapitres : votre
//! client (chapitre 11) emballe avec VOTRE `pack` (chapitre 8) et sérialise
//! avec VOS fonctions du chapitre 7. Et les juges finaux sont les vrais
//! programmes : `vigie server` accepte-t-il votre client ? votre serveur
//! reçoit-il les images du vrai `vigie client` ?

#![deny(missing_docs)]

#[cfg_attr(feature = "solutions", path = "../solutions/ch02_echo.rs")]
pub mod ch02_echo;
#[cfg_attr(feature = "solutions", path = "../solutions/ch03_morceaux.rs")]
pub mod ch03_morceaux;
#[cfg_attr(feature = "solutions", path = "../solutions/ch04_meme_reseau.rs")]
pub mod ch04_meme_reseau;
#[cfg_attr(feature = "solutions", path = "../solutions/ch05_un_fil_par_client.rs")]
pub mod ch05_un_fil_par_client;
#[cfg_attr(feature = "solutions", path = "../solutions/ch07_octets.rs")]
pub mod ch07_octets;
#[cfg_attr(feature = "solutions", path = "../solutions/ch08_emballer.rs")]
pub mod ch08_emballer;
#[cfg_attr(feature = "solutions", path = "../solutions/ch10_serveur.rs")]
pub mod ch10_serveur;
#[cfg_attr(feature = "solutions", path = "../solutions/ch11_client.rs")]
pub mod ch11_client;
#[cfg_attr(feature = "solutions", path = "../solutions/ch13_epingler.rs")]
pub mod ch13_epingler;
