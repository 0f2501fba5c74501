//! Chapitre 14 : un test par instantané (snapshot). La mire, dessinée en
//! caractères, est comparée avec le fichier
//! `snapshots/ch14_instantanes__mire_en_caracteres.snap`. Si un seul
//! caractère change, le test échoue et montre la différence ;
//! `cargo insta review` propose alors de garder l'ancienne image ou la
//! nouvelle.

// ANCHOR: instantane
#[test]
fn mire_en_caracteres() {
    let art = vigie_tutorial::ch14_tester::pattern_in_ascii().unwrap();
    insta::assert_snapshot!(art);
}
// ANCHOR_END: instantane
