//! Chapitre 10 : le signal du registre ne fait pas de file.
//!
//! `registry.subscribe()` rend un `watch::Receiver` : il dit « quelque
//! chose a changé », pas « combien de fois ». Plusieurs images publiées
//! pendant que l'abonné ne regarde pas le réveillent une seule fois, et il
//! voit alors la plus récente : c'est ce qui permet à la fenêtre de ne
//! jamais prendre de retard.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use vigie_camera::TestPattern;
use vigie_hub::{Lifecycle, Registry};
use vigie_tutorial::MORNING_US;

/// Ce que l'abonné a vu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reveils {
    /// Combien de fois `has_changed()` a dit « oui » avant de dire « non ».
    pub reveils: usize,
    /// Le numéro de l'image que la case de la caméra garde à la fin ;
    /// `None` si aucune image n'a été publiée.
    pub derniere: Option<u64>,
}

/// Dans un registre neuf : une caméra « salon » arrive, l'abonné marque ce
/// changement comme vu, puis `images` images sont publiées d'affilée sans
/// qu'il regarde. Compte ensuite ses réveils en attente.
pub fn publier_puis_compter(images: u64) -> anyhow::Result<Reveils> {
    todo!("chapitre 10 : subscribe, borrow_and_update, publish, puis while has_changed()?")
}
