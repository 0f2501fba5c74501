//! Chapitre 10 : le signal du registre ne fait pas de file.
//!
//! `registry.subscribe()` rend un `watch::Receiver` : il dit « quelque
//! chose a changé », pas « combien de fois ». Plusieurs images publiées
//! pendant que l'abonné ne regarde pas le réveillent une seule fois, et il
//! voit alors la plus récente : c'est ce qui permet à la fenêtre de ne
//! jamais prendre de retard.

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
    let registry = Registry::new(4, Lifecycle::default());
    let mut changes = registry.subscribe();
    let peer = "192.168.1.30:50000".parse()?;
    let camera = registry.register("salon", vigie_net::Protocol::Native.origin(peer))?;
    changes.borrow_and_update(); // l'arrivée de la caméra : vue

    let pattern = TestPattern::new("salon", 32, 24, 30.0)?;
    for sequence in 0..images {
        camera.publish(pattern.render(sequence, MORNING_US), false);
    }

    let mut reveils = 0;
    while changes.has_changed()? {
        changes.borrow_and_update();
        reveils += 1;
    }
    let derniere = registry
        .snapshot()
        .first()
        .and_then(|view| view.latest.as_ref())
        .map(|frame| frame.sequence());
    Ok(Reveils { reveils, derniere })
}
