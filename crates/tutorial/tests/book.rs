//! Le livre (`tutorial/`) tient debout : chaque inclusion de code trouve son
//! fichier et ses marques, chaque chapitre suit le même plan, chaque exemple
//! cité existe, chaque image est là.
//!
//! mdBook, lui, ne fait qu'avertir quand une inclusion échoue : ce test en
//! fait une erreur.

use std::fs;
use std::path::{Path, PathBuf};

/// Les six rubriques de chaque chapitre, dans l'ordre.
const PLAN: [&str; 6] = [
    "## Le concept",
    "## Dans le rapport (Python)",
    "## En Rust avec vigie",
    "## Essayez",
    "## Ce qui peut mal tourner",
    "## Exercice",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn book_src() -> PathBuf {
    root().join("tutorial/src")
}

/// Toutes les pages du livre : (nom, texte).
fn pages() -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = fs::read_dir(book_src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    pages.sort();
    pages
}

/// Les 15 chapitres au plan commun (le chapitre 0, « Rust pour
/// pythonistes », a le sien).
fn chapters() -> Vec<(String, String)> {
    pages()
        .into_iter()
        .filter(|(name, _)| name.starts_with("ch") && !name.starts_with("ch00"))
        .collect()
}

/// Les `{{#include …}}` d'une page, sans les accolades.
fn includes(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#include ") {
        let after = &rest[start + "{{#include ".len()..];
        let end = after.find("}}").expect("une inclusion sans }}");
        found.push(after[..end].trim().to_owned());
        rest = &after[end..];
    }
    found
}

#[test]
fn every_include_finds_its_file_and_anchor() {
    let mut count = 0;
    for (page, text) in pages() {
        for include in includes(&text) {
            count += 1;
            let mut parts = include.split(':');
            let path = parts.next().unwrap();
            let file = book_src().join(path);
            let source = fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{page} inclut {path} : {e}"));
            let rest: Vec<&str> = parts.collect();
            match rest.as_slice() {
                [] => {}
                [anchor] if anchor.parse::<usize>().is_err() => {
                    let begin = format!("ANCHOR: {anchor}\n");
                    let end = format!("ANCHOR_END: {anchor}\n");
                    assert!(
                        source.contains(&begin) && source.contains(&end),
                        "{page} inclut {path}:{anchor}, marque absente"
                    );
                }
                lines => {
                    for n in lines.iter().filter(|n| !n.is_empty()) {
                        let n: usize = n.parse().unwrap_or_else(|_| {
                            panic!(
                                "{page} inclut {include} : lignes illisibles"
                            )
                        });
                        assert!(
                            n <= source.lines().count(),
                            "{page} inclut {include} : le fichier est plus court"
                        );
                    }
                }
            }
        }
    }
    assert!(
        count > 40,
        "seulement {count} inclusions : le livre est-il là ?"
    );
}

#[test]
fn every_chapter_follows_the_plan() {
    let chapters = chapters();
    assert_eq!(chapters.len(), 15, "15 chapitres");
    for (name, text) in &chapters {
        let mut from = 0;
        for heading in PLAN {
            let at = text[from..]
                .lines()
                .position(|l| l.trim_end() == heading)
                .unwrap_or_else(|| {
                    panic!(
                        "{name} : rubrique « {heading} » absente ou mal placée"
                    )
                });
            from += text[from..]
                .lines()
                .take(at + 1)
                .map(|l| l.len() + 1)
                .sum::<usize>();
        }
        assert!(
            text[from..].contains("Indice"),
            "{name} : l'exercice n'a pas d'indice"
        );
    }
}

#[test]
fn every_cited_example_exists_and_every_example_is_cited() {
    let examples = root().join("crates/tutorial/examples");
    let all_text: String = pages().into_iter().map(|(_, t)| t).collect();
    let mut rest = all_text.as_str();
    while let Some(at) = rest.find("--example ") {
        let after = &rest[at + "--example ".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // Les exemples du livre s'appellent chNN_… ; les autres noms sont
        // ceux que le lecteur crée lui-même dans un exercice.
        let ours = name.starts_with("ch")
            && name[2..].starts_with(|c: char| c.is_ascii_digit());
        assert!(
            !ours || examples.join(format!("{name}.rs")).exists(),
            "le livre cite --example {name}, qui n'existe pas"
        );
        rest = after;
    }
    // Seuls les exemples du livre (chNN_…) doivent être cités : un exemple
    // que le lecteur ajoute pour un exercice (mon_voyage.rs…) ne fait pas
    // échouer ce test.
    for entry in fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let ours = name.starts_with("ch")
            && name[2..].starts_with(|c: char| c.is_ascii_digit());
        if !ours {
            continue;
        }
        assert!(
            all_text.contains(&format!("--example {name}")),
            "l'exemple {name} n'est cité par aucun chapitre"
        );
    }
}

#[test]
fn the_summary_lists_every_page() {
    let summary = fs::read_to_string(book_src().join("SUMMARY.md")).unwrap();
    for (name, _) in pages() {
        if name != "SUMMARY.md" {
            assert!(
                summary.contains(&format!("({name})")),
                "SUMMARY.md ne cite pas {name}"
            );
        }
    }
    for link in summary.split("](").skip(1) {
        let target = &link[..link.find(')').unwrap()];
        assert!(
            book_src().join(target).exists(),
            "SUMMARY.md cite {target}, qui n'existe pas"
        );
    }
}

#[test]
fn every_image_exists() {
    for (page, text) in pages() {
        for link in text.split("![").skip(1) {
            let Some(open) = link.find("](") else {
                continue;
            };
            let target = &link[open + 2..];
            let target = &target[..target.find(')').unwrap()];
            assert!(
                book_src().join(target).exists(),
                "{page} montre {target}, qui n'existe pas"
            );
        }
    }
}

/// Chaque extrait inclus a sa légende, comme dans le Livre de Rust : la
/// ligne juste avant le bloc dit `*Extrait N-M — \`fichier\`*`, et nomme le
/// fichier inclus ; les numéros se suivent dans le chapitre.
#[test]
fn every_listing_has_a_caption_with_its_file() {
    for (page, text) in pages().into_iter().filter(|(n, _)| n.starts_with("ch"))
    {
        let chapter: usize = page[2..4].parse().unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut number = 0;
        for (i, line) in lines.iter().enumerate() {
            let Some(include) = line.strip_prefix("{{#include ") else {
                continue;
            };
            if i == 0 || !lines[i - 1].starts_with("```") {
                continue; // une inclusion hors d'un bloc de code
            }
            number += 1;
            let path = include.split([':', '}']).next().unwrap();
            let path = path.trim_start_matches("../");
            let caption = lines[..i - 1]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or(&"");
            assert!(
                caption.starts_with(&format!("*Extrait {chapter}-{number} — "))
                    && caption.contains(&format!("{path}`")),
                "{page}, ligne {} : l'extrait de {path} n'a pas de légende \
                 « *Extrait {chapter}-{number} — `{path}`* » (trouvé : {caption:?})",
                i + 1
            );
        }
    }
}

/// L'image de la mire montrée au chapitre 14 est une copie d'un instantané
/// de vigie-camera : elle doit rester identique à l'original.
#[test]
fn the_snapshot_shown_in_the_book_is_the_real_one() {
    let copy = book_src().join("images/mire-jardin-320x240-42.png");
    let original = root().join(
        "crates/camera/tests/snapshots/snapshots__jardin_320x240_42.snap.png",
    );
    assert_eq!(
        fs::read(&copy).unwrap(),
        fs::read(&original).unwrap(),
        "{} a changé : recopiez-le dans {}",
        original.display(),
        Path::new("tutorial/src/images").display()
    );
}

/// Les captures d'écran du livre sont des copies de `screenshot/` (mdBook ne
/// sert que ce qui est sous `tutorial/src`) : elles doivent rester
/// identiques aux originales, que `screenshot/make-screenshots.sh` et les
/// tests du navigateur régénèrent.
#[test]
fn the_screenshots_in_the_book_are_the_current_ones() {
    let mut copies = 0;
    for entry in fs::read_dir(book_src().join("images")).unwrap() {
        let path = entry.unwrap().path();
        let original =
            root().join("screenshot").join(path.file_name().unwrap());
        if original.exists() {
            copies += 1;
            assert_eq!(
                fs::read(&path).unwrap(),
                fs::read(&original).unwrap(),
                "{} a changé : recopiez-le dans tutorial/src/images/",
                original.display()
            );
        }
    }
    assert!(copies >= 4, "{copies} captures d'écran dans le livre");
}

/// Les scripts Python reconstitués du rapport sont du Python valide (sans
/// OpenCV ni webcam, on ne peut que les compiler). Sans Python 3, le test le
/// dit et passe.
#[test]
fn the_reconstructed_report_scripts_compile() {
    let dir = root().join("crates/tutorial/python");
    for script in ["client_du_rapport.py", "serveur_du_rapport.py"] {
        let code = fs::read_to_string(dir.join(script)).unwrap();
        assert!(
            code.contains("RECONSTITUÉ"),
            "{script} doit se dire reconstitué"
        );
        let checked = std::process::Command::new("python3")
            .args([
                "-c",
                "import ast, sys; ast.parse(open(sys.argv[1]).read())",
            ])
            .arg(dir.join(script))
            .output();
        let Ok(output) = checked else {
            eprintln!("pas de python3 : {script} n'est pas vérifié");
            return;
        };
        assert!(output.status.success(), "{script} : {output:?}");
    }
    // L'esquisse TLS du chapitre 13 n'est pas une reconstitution : elle le
    // dit, et elle doit au moins être du Python valide.
    let sketch = "client_tls_esquisse.py";
    let code = fs::read_to_string(dir.join(sketch)).unwrap();
    assert!(code.contains("ESQUISSE"), "{sketch} doit se dire esquisse");
    if let Ok(output) = std::process::Command::new("python3")
        .args(["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())"])
        .arg(dir.join(sketch))
        .output()
    {
        assert!(output.status.success(), "{sketch} : {output:?}");
    }
}

/// Les extraits inclus par numéros de lignes depuis des fichiers que ce livre
/// ne possède pas : (fichier, première ligne, dernière ligne, début attendu
/// de la première ligne, dernière ligne attendue). Si le fichier bouge, ce
/// test le dit, au lieu de laisser le livre montrer autre chose.
const LINE_RANGES: [(&str, usize, usize, &str, &str); 2] = [
    (
        "crates/camera/src/lib.rs",
        49,
        61,
        "/// A source of frames.",
        "}",
    ),
    (
        "crates/core/src/pack.rs",
        73,
        106,
        "/// Reads the length prefix at the start of `buf`",
        "}",
    ),
];

#[test]
fn line_range_includes_still_show_what_they_should() {
    let all_text: String = pages().into_iter().map(|(_, t)| t).collect();
    for (file, first, last, starts, ends) in LINE_RANGES {
        let include = format!("{{{{#include ../../{file}:{first}:{last}}}}}");
        assert!(
            all_text.contains(&include),
            "le livre n'inclut plus {include}"
        );
        let source = fs::read_to_string(root().join(file)).unwrap();
        let lines: Vec<&str> = source.lines().collect();
        assert!(
            lines[first - 1].starts_with(starts) && lines[last - 1] == ends,
            "{file}:{first}:{last} a bougé : ajustez les numéros de lignes \
             dans le livre et dans LINE_RANGES (la ligne {first} est {:?})",
            lines[first - 1]
        );
    }
    // Aucune autre inclusion par numéros de lignes : elles sont toutes ici.
    let ranged = includes(&all_text)
        .into_iter()
        .filter(|i| i.split(':').count() == 3)
        .count();
    assert_eq!(ranged, LINE_RANGES.len());
}

/// Le script Python du chapitre 7 fabrique bien un pickle qui appelle
/// `system` (sans jamais le relire). Sans Python 3, le test le dit et passe.
#[test]
fn the_python_trap_builds_a_system_call() {
    let script = root().join("crates/tutorial/python/piege_pickle.py");
    let mut python = std::process::Command::new("python3");
    let Ok(output) = python.arg(&script).output() else {
        eprintln!("pas de python3 : le script du chapitre 7 n'est pas lancé");
        return;
    };
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("system") && printed.contains("echo pwned"),
        "{printed}"
    );
}

/// Chaque exercice dit comment vérifier la réponse (`cargo test chNN`, dans
/// le cahier ou le bac à sable), et ce qu'il annonce existe : un fichier à
/// compléter dans `src/`, sa solution du même nom dans `solutions/`, et un
/// test `chNN_…` qui les juge.
#[test]
fn every_exercise_has_a_skeleton_a_check_and_a_solution() {
    for (page, text) in chapters() {
        let chapter = &page[2..4];
        let exercise = &text[text.find("## Exercice").unwrap()..];
        let command = format!("cargo test ch{chapter}");
        let mut checks = 0;
        let mut rest = exercise;
        while let Some(at) = rest.find(&command) {
            // Le paquet est le dernier nommé avant la commande, ou, au
            // chapitre 12, juste après (« (dans `tutorial/ma-vigie`) »).
            let before = &rest[..at];
            let after = &rest[at..rest.len().min(at + 120)];
            let named = |s: &str| {
                ["ma-vigie", "bac-a-sable"]
                    .into_iter()
                    .filter_map(|c| {
                        s.rfind(&format!("tutorial/{c}")).map(|i| (i, c))
                    })
                    .max()
                    .map(|(_, c)| c)
            };
            let krate =
                named(before).or_else(|| named(after)).unwrap_or_else(|| {
                    panic!("{page} : « {command} », dans quel paquet ?")
                });
            let dir = root().join("tutorial").join(krate);
            let skeletons: Vec<String> = fs::read_dir(dir.join("src"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&format!("ch{chapter}_")))
                .collect();
            assert!(
                !skeletons.is_empty(),
                "{page} : pas de src/ch{chapter}_… dans {krate}"
            );
            let mut sources = String::new();
            for skeleton in &skeletons {
                assert!(
                    dir.join("solutions").join(skeleton).exists(),
                    "{krate}/src/{skeleton} n'a pas de solution"
                );
                sources += &fs::read_to_string(dir.join("src").join(skeleton))
                    .unwrap();
            }
            for test in fs::read_dir(dir.join("tests")).unwrap() {
                let path = test.unwrap().path();
                if path.extension().is_some_and(|e| e == "rs") {
                    sources += &fs::read_to_string(path).unwrap();
                }
            }
            assert!(
                sources.contains(&format!("fn ch{chapter}_")),
                "{page} : aucun test ch{chapter}_… dans {krate}"
            );
            checks += 1;
            rest = &rest[at + command.len()..];
        }
        assert!(
            checks > 0,
            "{page} : l'exercice ne dit pas comment vérifier (« {command} »)"
        );
    }
}
