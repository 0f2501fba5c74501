//! Le livre lisible sur la forge : `tutorial/rendered/` contient une copie de
//! chaque page où chaque `{{#include …}}` est remplacé par ce qu'il inclut.
//! Une forge (GitHub, GitLab, Gitea) montre le Markdown tel quel : sans
//! cette copie, on n'y verrait que des lignes `{{#include …}}`.
//!
//! Ce test échoue si une copie n'est plus à jour ;
//! `UPDATE_RENDERED=1 cargo test -p vigie-tutorial --test rendered` les
//! régénère toutes.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Les lignes de marque (`ANCHOR: x`, `ANCHOR_END: x`), que mdBook retire.
fn is_anchor_line(line: &str) -> bool {
    line.contains("ANCHOR:") || line.contains("ANCHOR_END:")
}

/// Ce qu'inclut `{{#include spec}}`, vu depuis le dossier `base`.
fn expand_one(base: &Path, spec: &str) -> String {
    let mut parts = spec.split(':');
    let path = parts.next().unwrap();
    let source = fs::read_to_string(base.join(path))
        .unwrap_or_else(|e| panic!("{path} : {e}"));
    let rest: Vec<&str> = parts.collect();
    let lines: Vec<&str> = match rest.as_slice() {
        [] => source.lines().collect(),
        [anchor] if anchor.parse::<usize>().is_err() => source
            .lines()
            .skip_while(|l| !l.contains(&format!("ANCHOR: {anchor}")))
            .skip(1)
            .take_while(|l| !l.contains(&format!("ANCHOR_END: {anchor}")))
            .collect(),
        [first, last] => {
            let first: usize = first.parse().unwrap();
            let last: usize = last.parse().unwrap();
            source
                .lines()
                .skip(first - 1)
                .take(last + 1 - first)
                .collect()
        }
        _ => panic!("inclusion illisible : {spec}"),
    };
    let kept: Vec<&str> =
        lines.into_iter().filter(|l| !is_anchor_line(l)).collect();
    kept.join("\n")
}

/// Une page du livre, ses inclusions remplacées par leur contenu.
fn render(base: &Path, name: &str, text: &str) -> String {
    let mut out = format!(
        "<!-- Copie générée de tutorial/src/{name} : ne pas modifier à la \
         main. UPDATE_RENDERED=1 cargo test -p vigie-tutorial --test rendered -->\n\n"
    );
    let mut rest = text;
    while let Some(start) = rest.find("{{#include ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "{{#include ".len()..];
        let end = after.find("}}").expect("une inclusion sans }}");
        out.push_str(&expand_one(base, after[..end].trim()));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    // Les images sont dans tutorial/src/images, vues depuis tutorial/rendered.
    out.replace("](images/", "](../src/images/")
}

#[test]
fn the_rendered_copy_of_every_page_is_up_to_date() {
    let src = root().join("tutorial/src");
    let rendered = root().join("tutorial/rendered");
    let update = std::env::var_os("UPDATE_RENDERED").is_some();
    if update {
        fs::create_dir_all(&rendered).unwrap();
    }
    let mut pages: Vec<String> = fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    pages.sort();
    let mut stale = Vec::new();
    for name in &pages {
        let text = fs::read_to_string(src.join(name)).unwrap();
        let want = render(&src, name, &text);
        let path = rendered.join(name);
        if update {
            fs::write(&path, &want).unwrap();
        } else if fs::read_to_string(&path).ok().as_deref() != Some(&want) {
            stale.push(name.clone());
        }
    }
    // Aucune copie d'une page qui n'existe plus.
    for entry in fs::read_dir(&rendered).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !pages.contains(&name) {
            if update {
                fs::remove_file(rendered.join(&name)).unwrap();
            } else {
                stale.push(format!("{name} (la page n'existe plus)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "tutorial/rendered/ n'est plus à jour pour : {stale:?}. Régénérez : \
         UPDATE_RENDERED=1 cargo test -p vigie-tutorial --test rendered"
    );
}

#[test]
fn an_anchor_include_keeps_only_its_lines() {
    let dir =
        std::env::temp_dir().join(format!("rendered-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("a.rs"),
        "avant\n// ANCHOR: x\nun\n// ANCHOR: y\ndeux\n// ANCHOR_END: y\n// ANCHOR_END: x\naprès\n",
    )
    .unwrap();
    assert_eq!(expand_one(&dir, "a.rs:x"), "un\ndeux");
    assert_eq!(expand_one(&dir, "a.rs:y"), "deux");
    assert_eq!(expand_one(&dir, "a.rs:1:3"), "avant\nun");
    let page = render(
        &dir,
        "p.md",
        "![m](images/m.png)\n{{#include a.rs:y}}\nfin\n",
    );
    assert!(
        page.ends_with("![m](../src/images/m.png)\ndeux\nfin\n"),
        "{page}"
    );
    fs::remove_dir_all(&dir).unwrap();
}
