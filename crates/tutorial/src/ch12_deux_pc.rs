//! Chapitre 12, la démo sur deux PC : une sonde qui essaie de se connecter
//! à un serveur et dit, en français, ce que la réponse veut dire.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Ce que la sonde a constaté.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Un programme écoute à cette adresse.
    Open,
    /// La machine a répondu « personne n'écoute sur ce port ».
    Refused,
    /// Aucune réponse dans le temps imparti.
    NoAnswer,
    /// Le système ne sait pas comment atteindre cette adresse.
    Unreachable(String),
    /// Le nom de machine ne correspond à aucune adresse.
    UnknownHost(String),
}

// ANCHOR: verdicts
impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Open => f.write_str(
                "ouvert : un programme écoute, la caméra pourra s'y connecter",
            ),
            Verdict::Refused => f.write_str(
                "refusé : la machine répond, mais rien n'écoute sur ce port \
                 (serveur pas lancé ? mauvais port ?)",
            ),
            Verdict::NoAnswer => f.write_str(
                "pas de réponse : un pare-feu jette les paquets, ou l'adresse \
                 n'est pas sur ce réseau",
            ),
            Verdict::Unreachable(e) => {
                write!(f, "injoignable : pas de chemin vers ce réseau ({e})")
            }
            Verdict::UnknownHost(e) => write!(f, "nom inconnu : {e}"),
        }
    }
}
// ANCHOR_END: verdicts

// ANCHOR: sonde
/// Essaie d'ouvrir une connexion TCP vers `server` (« HÔTE » ou
/// « HÔTE:PORT », comme `vigie client --server`), sans rien envoyer.
pub fn probe(server: &str, patience: Duration) -> Verdict {
    let server = vigie_net::client::with_default_port(server);
    let targets = match server.to_socket_addrs() {
        Ok(targets) => targets,
        Err(e) => return Verdict::UnknownHost(e.to_string()),
    };
    let mut verdict =
        Verdict::UnknownHost(format!("{server} n'a aucune adresse"));
    for target in targets {
        verdict = match TcpStream::connect_timeout(&target, patience) {
            Ok(_) => return Verdict::Open,
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                Verdict::Refused
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::TimedOut | ErrorKind::WouldBlock
                ) =>
            {
                Verdict::NoAnswer
            }
            Err(e) => Verdict::Unreachable(e.to_string()),
        };
    }
    verdict
}
// ANCHOR_END: sonde

/// Sonde les adresses données, ou, sans adresse, fait la démonstration sur
/// la boucle locale : un port ouvert, puis un port fermé.
pub fn run_with_args(
    args: &[String],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if args.is_empty() {
        return run(out);
    }
    for server in args {
        let verdict = probe(server, Duration::from_secs(3));
        writeln!(out, "{server} : {verdict}")?;
    }
    Ok(())
}

/// La démonstration : un port où l'on écoute, puis un port fermé.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: demo
    // Windows met environ 2 s à dire « refusé » sur la boucle locale :
    // assez de patience pour l'attendre.
    let patience = Duration::from_secs(5);
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let open = listener.local_addr()?.to_string();
    let verdict = probe(&open, patience);
    writeln!(out, "avec un serveur à l'écoute : {verdict}")?;

    drop(listener); // on ferme : plus personne n'écoute sur ce port
    let verdict = probe(&open, patience);
    writeln!(out, "sans serveur               : {verdict}")?;
    // ANCHOR_END: demo
    Ok(())
}
