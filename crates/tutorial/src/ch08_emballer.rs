//! Chapitre 8, emballer : une longueur devant chaque message, pour les
//! retrouver dans un flux TCP qui n'a pas de frontières.

use std::io::Write;

use vigie_core::pack::{self, Unpacker};

use crate::hex;

/// Emballe trois messages, les fait arriver en morceaux mal coupés, et
/// montre le décodeur incrémental les retrouver.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: struct_pack
    // struct.pack(">L", 258) en Python : 4 octets, gros-boutiste (big-endian).
    writeln!(out, "258 sur 4 octets : {}", hex(&258u32.to_be_bytes()))?;
    // ANCHOR_END: struct_pack

    // ANCHOR: emballer
    let mut wire = Vec::new();
    for message in ["bonjour", "", "une image"] {
        // pack ajoute à `wire` la longueur du message, puis le message.
        pack::pack(message.as_bytes(), &mut wire)?;
    }
    writeln!(out, "sur le fil, {} octets :", wire.len())?;
    writeln!(out, "    {}", hex(&wire))?;
    // ANCHOR_END: emballer

    // ANCHOR: deballer
    // Le réseau découpe où il veut. Ici : des morceaux de 1, 5, 2, 9, 3 et
    // 8 octets, qui tombent au milieu des longueurs et des messages.
    let mut unpacker = Unpacker::new();
    let mut start = 0;
    for size in [1, 5, 2, 9, 3, 8] {
        let piece = &wire[start..start + size];
        start += size;
        unpacker.feed(piece);
        writeln!(out, "reçu {size} octet(s) : {}", hex(piece))?;
        // Tous les messages complets, un par un ; Ok(None) : « pas encore ».
        while let Some(message) = unpacker.next_message()? {
            let text = String::from_utf8_lossy(&message);
            writeln!(out, "    → message complet : {text:?}")?;
        }
    }
    writeln!(
        out,
        "reste dans le tampon : {} octet(s)",
        unpacker.buffered()
    )?;
    // ANCHOR_END: deballer

    // ANCHOR: maximum
    // Une longueur vient du réseau : elle peut mentir. FF FF FF FF annonce
    // 4 Gio ; le décodeur la refuse AVANT de réserver la moindre mémoire.
    let mut unpacker = Unpacker::with_max(1_000_000);
    unpacker.feed(&[0xFF, 0xFF, 0xFF, 0xFF]);
    match unpacker.next_message() {
        Ok(_) => writeln!(out, "accepté ?!")?,
        Err(e) => writeln!(out, "FF FF FF FF : refusé : {e}")?,
    }
    // ANCHOR_END: maximum
    Ok(())
}
