//! Chapitre 4, trouver son adresse IP : la liste des adresses de cette
//! machine, comme `vigie server` l'affiche au démarrage, avec ce que chacune
//! veut dire.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};

/// Affiche les adresses de cette machine, les plus utiles d'abord.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: lister
    // Toutes les adresses de toutes les interfaces réseau de cette machine.
    let mut interfaces = if_addrs::get_if_addrs()?;
    // Celles qu'un autre PC peut joindre d'abord, la boucle locale à la fin,
    // IPv4 avant IPv6 : le même ordre que `vigie server`.
    interfaces.sort_by_key(|i| (i.is_loopback(), i.ip().is_ipv6()));
    writeln!(out, "{:<12} {:<28} genre", "interface", "adresse")?;
    for interface in &interfaces {
        let ip = interface.ip();
        writeln!(out, "{:<12} {:<28} {}", interface.name, ip, kind(ip))?;
    }
    // ANCHOR_END: lister

    // ANCHOR: conseil
    // L'adresse à donner aux caméras : la première IPv4 privée s'il y en
    // a une, sinon la première IPv4 qui n'est ni la boucle locale ni un
    // lien local.
    let ipv4s: Vec<Ipv4Addr> = interfaces
        .iter()
        .filter_map(|i| match i.ip() {
            IpAddr::V4(v4) if !v4.is_loopback() && !v4.is_link_local() => {
                Some(v4)
            }
            _ => None,
        })
        .collect();
    let best = ipv4s.iter().find(|v4| v4.is_private()).or(ipv4s.first());
    match best {
        Some(ip) => writeln!(
            out,
            "\nsur le PC de la caméra : vigie client --server {ip}:8485"
        )?,
        None => writeln!(
            out,
            "\naucune adresse de réseau local : ce PC est-il bien branché ?"
        )?,
    }
    // ANCHOR_END: conseil
    Ok(())
}

// ANCHOR: genre
/// Ce qu'une adresse veut dire pour notre vidéosurveillance.
pub fn kind(ip: IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(v4) if v4.is_loopback() => {
            "boucle locale : cette machine seulement"
        }
        IpAddr::V4(v4) if v4.is_private() => {
            "privée : votre réseau local (peut-être)"
        }
        IpAddr::V4(v4) if v4.is_link_local() => {
            "lien local : pas de serveur DHCP trouvé"
        }
        IpAddr::V4(_) => "publique, ou autre",
        IpAddr::V6(v6) if v6.is_loopback() => "boucle locale (IPv6)",
        IpAddr::V6(v6) if v6.is_unicast_link_local() => "lien local (IPv6)",
        IpAddr::V6(_) => "IPv6 globale ou locale unique",
    }
}
// ANCHOR_END: genre
