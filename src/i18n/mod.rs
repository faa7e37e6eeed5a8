//! The message catalogue: every text the bot writes, in each language it speaks, read from Fluent
//! files (`locales/<tag>.ftl`, built into the binary). A text is a key with named arguments
//! ([`Msg`]); [`text`] renders it in the reader's language, with Fluent's plurals.
//!
//! Both catalogues must have the same keys (and attributes), each taking the same variables:
//! [`check`] says which is not so, naming the file and the line, and start-up and `resolvd check`
//! stop on it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use tracing::warn;

pub use crate::domain::{Arg, Locale, Msg};

/// The catalogues built into the binary, English first: it is the reference the others match.
const EMBEDDED: [(Locale, &str, &str); 2] = [
    (Locale::En, "locales/en.ftl", include_str!("../../locales/en.ftl")),
    (Locale::ZhCn, "locales/zh-CN.ftl", include_str!("../../locales/zh-CN.ftl")),
];

/// What is wrong with a catalogue: the file, the line when there is one, and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub file: String,
    pub line: Option<usize>,
    pub problem: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {line}: {}", self.file, self.problem),
            None => write!(f, "{}: {}", self.file, self.problem),
        }
    }
}

impl std::error::Error for CatalogError {}

/// What one message of a catalogue is: the variables it takes and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    variables: BTreeSet<String>,
    line: usize,
}

struct Language {
    locale: Locale,
    bundle: FluentBundle<FluentResource>,
    entries: BTreeMap<String, Entry>,
}

/// A checked set of catalogues, one per [`Locale`].
pub struct Catalog {
    languages: Vec<Language>,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let locales: Vec<Locale> = self.languages.iter().map(|l| l.locale).collect();
        f.debug_struct("Catalog").field("locales", &locales).finish()
    }
}

impl Catalog {
    /// The catalogues built into the binary.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        let sources =
            EMBEDDED.iter().map(|(locale, file, text)| (*locale, (*file).to_owned(), (*text).to_owned()));
        Catalog::from_sources(sources.collect())
    }

    /// The catalogues of a folder holding `<tag>.ftl` for every language (`en.ftl`, `zh-CN.ftl`).
    pub fn from_dir(dir: &Path) -> Result<Catalog, CatalogError> {
        let mut sources = Vec::new();
        for locale in Locale::ALL {
            let path = dir.join(format!("{}.ftl", locale.tag()));
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| CatalogError {
                file: file.clone(),
                line: None,
                problem: format!("cannot be read: {e}"),
            })?;
            sources.push((locale, file, text));
        }
        Catalog::from_sources(sources)
    }

    fn from_sources(sources: Vec<(Locale, String, String)>) -> Result<Catalog, CatalogError> {
        let mut languages = Vec::new();
        let mut reference: Option<(String, BTreeMap<String, Entry>)> = None;
        for (locale, file, text) in sources {
            let resource = FluentResource::try_new(text.clone()).map_err(|(_, errors)| {
                let first = &errors[0];
                CatalogError {
                    file: file.clone(),
                    line: Some(line_of(&text, first.pos.start)),
                    problem: format!("not Fluent syntax: {}", first.kind),
                }
            })?;
            let entries = entries_of(&resource, &text);
            match &reference {
                None => reference = Some((file.clone(), entries.clone())),
                Some((reference_file, expected)) => same_keys(reference_file, expected, &file, &entries)?,
            }
            let language: unic_langid::LanguageIdentifier = locale.tag().parse().expect("a valid tag");
            let mut bundle = FluentBundle::new_concurrent(vec![language]);
            // Chat platforms show Unicode isolation marks as they are: no marks around arguments.
            bundle.set_use_isolating(false);
            bundle.add_resource(resource).map_err(|errors| CatalogError {
                file: file.clone(),
                line: None,
                problem: format!("{} (a key written twice?)", errors[0]),
            })?;
            languages.push(Language { locale, bundle, entries });
        }
        Ok(Catalog { languages })
    }

    /// `msg` in `locale`: a missing key (which [`check`] rules out) reads as the key itself.
    pub fn render(&self, locale: Locale, msg: &Msg) -> String {
        let language = self.languages.iter().find(|l| l.locale == locale).or(self.languages.first());
        let Some(language) = language else { return msg.key.to_owned() };
        let (id, attribute) = match msg.key.split_once('.') {
            Some((id, attribute)) => (id, Some(attribute)),
            None => (msg.key, None),
        };
        let message = language.bundle.get_message(id);
        let pattern = match (message.as_ref(), attribute) {
            (Some(m), None) => m.value(),
            (Some(m), Some(a)) => m.get_attribute(a).map(|a| a.value()),
            (None, _) => None,
        };
        let Some(pattern) = pattern else {
            warn!(key = msg.key, locale = %locale, "no such message in the catalogue");
            return msg.key.to_owned();
        };
        let mut args = FluentArgs::new();
        for (name, value) in &msg.args {
            match value {
                Arg::Text(text) => args.set(*name, FluentValue::from(text.as_str())),
                Arg::Number(n) => args.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        let text = language.bundle.format_pattern(pattern, Some(&args), &mut errors).into_owned();
        if !errors.is_empty() {
            warn!(key = msg.key, locale = %locale, errors = ?errors, "a message was rendered with errors");
        }
        text
    }

    /// The keys of a language's catalogue (`key` and `key.attribute`), for tests and tools.
    pub fn keys(&self, locale: Locale) -> Vec<String> {
        let language = self.languages.iter().find(|l| l.locale == locale);
        language.map(|l| l.entries.keys().cloned().collect()).unwrap_or_default()
    }
}

/// The catalogue built into the binary, checked once.
static CATALOG: LazyLock<Result<Catalog, CatalogError>> = LazyLock::new(Catalog::embedded);

/// Whether the built-in catalogues are complete and alike (start-up and `resolvd check` call it).
pub fn check() -> Result<(), CatalogError> {
    CATALOG.as_ref().map(|_| ()).map_err(Clone::clone)
}

/// `msg` in `locale`, from the built-in catalogue.
pub fn text(locale: Locale, msg: &Msg) -> String {
    match CATALOG.as_ref() {
        Ok(catalog) => catalog.render(locale, msg),
        Err(_) => msg.key.to_owned(),
    }
}

/// The text of `key` (`key` or `key.attribute`, taking no arguments) in `locale`, when the
/// built-in catalogue has it: for keys made from data, such as a command's description.
pub fn lookup(locale: Locale, key: &str) -> Option<String> {
    let catalog = CATALOG.as_ref().ok()?;
    let language = catalog.languages.iter().find(|l| l.locale == locale)?;
    let (id, attribute) = match key.split_once('.') {
        Some((id, attribute)) => (id, Some(attribute)),
        None => (key, None),
    };
    let message = language.bundle.get_message(id)?;
    let pattern = match attribute {
        None => message.value()?,
        Some(a) => message.get_attribute(a)?.value(),
    };
    let mut errors = Vec::new();
    Some(language.bundle.format_pattern(pattern, None, &mut errors).into_owned())
}

/// `t!(locale, "key", name = value, …)`: the message `key` in `locale`, with its arguments.
#[macro_export]
macro_rules! t {
    ($locale:expr, $key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::text($locale, &$crate::domain::Msg::new($key)$(.arg(stringify!($name), $value))*)
    };
}

/// An instant as the reader writes it, in their time zone: `Thu 3 Dec 2026, 14:00 (Europe/Berlin)`,
/// `2026年12月3日 周四 14:00 (Europe/Berlin)`.
pub fn time_in(locale: Locale, at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    match locale {
        Locale::En => format!("{} ({})", local.format("%a %-d %b %Y, %H:%M"), zone.name()),
        Locale::ZhCn => format!("{} {} ({})", day_in(locale, at, zone), local.format("%H:%M"), zone.name()),
    }
}

/// The day of an instant in a time zone: `Thu 3 Dec 2026`, `2026年12月3日 周四`.
pub fn day_in(locale: Locale, at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    match locale {
        Locale::En => local.format("%a %-d %b %Y").to_string(),
        Locale::ZhCn => {
            const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            let weekday = WEEKDAYS[local.weekday().num_days_from_monday() as usize];
            format!("{}年{}月{}日 周{weekday}", local.year(), local.month(), local.day())
        }
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// Every message and attribute of a resource (`key`, `key.attribute`) with the variables it takes.
fn entries_of(resource: &FluentResource, text: &str) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    for entry in resource.entries() {
        let ast::Entry::Message(message) = entry else { continue };
        let name = message.id.name;
        let line = text
            .lines()
            .position(|l| l.strip_prefix(name).is_some_and(|rest| rest.trim_start().starts_with('=')))
            .map_or(1, |i| i + 1);
        if let Some(value) = &message.value {
            let mut variables = BTreeSet::new();
            pattern_variables(value, &mut variables);
            entries.insert(name.to_owned(), Entry { variables, line });
        }
        for attribute in &message.attributes {
            let mut variables = BTreeSet::new();
            pattern_variables(&attribute.value, &mut variables);
            entries.insert(format!("{name}.{}", attribute.id.name), Entry { variables, line });
        }
    }
    entries
}

fn pattern_variables(pattern: &ast::Pattern<&str>, into: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, into);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, into: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, into);
            for variant in variants {
                pattern_variables(&variant.value, into);
            }
        }
        ast::Expression::Inline(inline) => inline_variables(inline, into),
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, into: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            into.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, into);
            }
            for named in &arguments.named {
                inline_variables(&named.value, into);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, into),
        _ => {}
    }
}

/// Every key of the reference is in `file` with the same variables, and `file` has no other.
fn same_keys(
    reference_file: &str,
    expected: &BTreeMap<String, Entry>,
    file: &str,
    found: &BTreeMap<String, Entry>,
) -> Result<(), CatalogError> {
    for (key, entry) in expected {
        match found.get(key) {
            None => {
                return Err(CatalogError {
                    file: file.to_owned(),
                    line: None,
                    problem: format!("`{key}` is missing ({reference_file} has it at line {})", entry.line),
                });
            }
            Some(other) if other.variables != entry.variables => {
                let list = |vars: &BTreeSet<String>| {
                    let named: Vec<String> = vars.iter().map(|v| format!("${v}")).collect();
                    if named.is_empty() { "none".to_owned() } else { named.join(", ") }
                };
                return Err(CatalogError {
                    file: file.to_owned(),
                    line: Some(other.line),
                    problem: format!(
                        "`{key}` takes {} but {reference_file} line {} takes {}",
                        list(&other.variables),
                        entry.line,
                        list(&entry.variables)
                    ),
                });
            }
            Some(_) => {}
        }
    }
    if let Some((key, entry)) = found.iter().find(|(key, _)| !expected.contains_key(*key)) {
        return Err(CatalogError {
            file: file.to_owned(),
            line: Some(entry.line),
            problem: format!("`{key}` is not in {reference_file}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalogues_are_complete_and_alike() {
        check().unwrap();
        assert_eq!(
            Catalog::embedded().unwrap().keys(Locale::En),
            Catalog::embedded().unwrap().keys(Locale::ZhCn)
        );
    }

    #[test]
    fn plurals_and_variables_follow_the_language() {
        let one = Msg::new("stars").arg("count", 1);
        let five = Msg::new("stars").arg("count", 5);
        assert_eq!(text(Locale::En, &one), "1 star");
        assert_eq!(text(Locale::En, &five), "5 stars");
        assert_eq!(text(Locale::ZhCn, &five), "5 星");
    }

    #[test]
    fn every_domain_error_reads_in_english_as_it_always_did() {
        use crate::domain::{DomainError as E, Severity, Status, TicketRef, Tier};
        let t = TicketRef(3);
        let resolved = |action| E::Resolved { ticket: t, action };
        let errors = [
            E::BadTicketRef("x".into()),
            E::Closed(t),
            resolved("escalate"),
            resolved("resolve"),
            resolved("wait for the customer on"),
            resolved("raise to S-level"),
            E::NothingToClassify,
            E::AlreadyAssigned { ticket: t, assignee: "bob".into() },
            E::NotAssigned(t),
            E::TopTier(t),
            E::NotHigherTier { ticket: t, current: Tier::L2, requested: Tier::L1 },
            E::SameSeverity { ticket: t, severity: Severity::P1 },
            E::AlreadyWaiting(t),
            E::EmptyResolution,
            E::NotResolved(t),
            E::ReopenMerged(t),
            E::NotFinished { ticket: t, status: Status::Open },
            E::SelfLink,
            E::SNeedsDomain(t),
        ];
        for error in errors {
            assert_eq!(text(Locale::En, &error.msg()), error.to_string());
            assert_ne!(text(Locale::ZhCn, &error.msg()), error.to_string());
        }
    }

    /// Every key the code names (`t!(locale, "key"…)`, `Msg::new("key")`) is in the catalogue, so
    /// no reader ever sees a bare key.
    #[test]
    fn every_key_the_code_names_is_in_the_catalogue() {
        fn sources(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, into);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    into.push(path);
                }
            }
        }
        let keys: BTreeSet<String> = Catalog::embedded().unwrap().keys(Locale::En).into_iter().collect();
        let named = regex::Regex::new(r#"(?:t!\(\s*[^,()]+,\s*|Msg::new\()"([a-z0-9-]+)""#).unwrap();
        let mut files = Vec::new();
        sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut seen = 0;
        // This file names keys in its docs and tests only.
        for file in files.into_iter().filter(|f| !f.ends_with("i18n/mod.rs")) {
            let code = std::fs::read_to_string(&file).unwrap();
            for key in named.captures_iter(&code).map(|c| c[1].to_owned()) {
                seen += 1;
                assert!(keys.contains(&key), "{} names `{key}`, which no catalogue has", file.display());
            }
        }
        assert!(seen > 50, "the scan found only {seen} keys");
    }

    #[test]
    fn a_catalogue_missing_a_key_or_a_variable_is_refused_naming_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("en.ftl"), "hello = Hello { $name }\nbye = Bye\n").unwrap();
        std::fs::write(dir.path().join("zh-CN.ftl"), "hello = 你好\n").unwrap();
        let error = Catalog::from_dir(dir.path()).unwrap_err();
        assert!(error.file.ends_with("zh-CN.ftl"), "{error}");
        assert!(error.problem.contains("`bye` is missing"), "{error}");
        std::fs::write(dir.path().join("zh-CN.ftl"), "hello = 你好\nbye = 再见\n").unwrap();
        let error = Catalog::from_dir(dir.path()).unwrap_err();
        assert_eq!(error.line, Some(1), "{error}");
        assert!(error.problem.contains("`hello` takes none but"), "{error}");
        std::fs::write(dir.path().join("zh-CN.ftl"), "hello = 你好 { $name }\nbye = 再见\n").unwrap();
        let catalog = Catalog::from_dir(dir.path()).unwrap();
        assert_eq!(catalog.render(Locale::ZhCn, &Msg::new("hello").arg("name", "李")), "你好 李");
    }

    #[test]
    fn dates_are_written_in_the_readers_language() {
        let at = "2026-12-03T13:00:00Z".parse().unwrap();
        let zone: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(time_in(Locale::En, at, zone), "Thu 3 Dec 2026, 14:00 (Europe/Berlin)");
        assert_eq!(time_in(Locale::ZhCn, at, zone), "2026年12月3日 周四 14:00 (Europe/Berlin)");
    }
}
