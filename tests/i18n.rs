//! The message catalogues: the shipped ones are complete and alike, a broken one is refused
//! naming its file, and the binary's `check` stops on nothing but a good set.

use std::collections::BTreeSet;
use std::path::Path;

use resolvd::i18n::{Catalog, Locale, Msg};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_catalogues_have_the_same_keys_with_the_same_variables() {
    let shipped = Catalog::from_dir(&root().join("locales")).expect("locales/ is complete");
    let english: BTreeSet<String> = shipped.keys(Locale::En).into_iter().collect();
    let chinese: BTreeSet<String> = shipped.keys(Locale::ZhCn).into_iter().collect();
    assert_eq!(english, chinese);
    assert!(english.len() > 100, "only {} keys", english.len());
    resolvd::i18n::check().expect("the built-in catalogue is the shipped one");
}

#[test]
fn a_catalogue_folder_missing_a_key_is_refused_naming_the_file_and_the_key() {
    let error = Catalog::from_dir(&root().join("tests/i18n_broken")).unwrap_err();
    assert!(error.file.ends_with("zh-CN.ftl"), "{error}");
    assert!(error.to_string().contains("`farewell` is missing"), "{error}");
}

#[test]
fn a_catalogue_folder_missing_a_language_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("en.ftl"), "a = A\n").unwrap();
    let error = Catalog::from_dir(dir.path()).unwrap_err();
    assert!(error.to_string().contains("zh-CN.ftl"), "{error}");
}

#[test]
fn text_that_is_not_fluent_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("en.ftl"), "a = A\nb = { $x\n").unwrap();
    std::fs::write(dir.path().join("zh-CN.ftl"), "a = 甲\n").unwrap();
    let error = Catalog::from_dir(dir.path()).unwrap_err();
    assert!(error.file.ends_with("en.ftl"), "{error}");
    assert!(matches!(error.line, Some(2..=3)), "{error}");
}

#[test]
fn the_resolution_card_reads_in_each_language() {
    let card = Msg::new("card-resolved").arg("ticket", "T-4").arg("resolution", "firmware 2.1");
    assert_eq!(
        resolvd::i18n::text(Locale::En, &card),
        "T-4 is resolved: firmware 2.1\nIs it fixed? And how did we do, from 1 to 5?"
    );
    assert!(resolvd::i18n::text(Locale::ZhCn, &card).starts_with("T-4 已解决：firmware 2.1"));
}
