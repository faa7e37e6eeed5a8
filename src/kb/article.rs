use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::kb::error::{IoContext, KbError, Result};

/// How much of an article an offer shows.
const SUMMARY_CHARS: usize = 200;

/// Front matter is TOML between `+++` lines (the Hugo convention) or YAML between `---` lines
/// (Jekyll, Hugo, most static-site tools). Articles resolvd writes itself use TOML.
const TOML_FENCE: &str = "+++";
const YAML_FENCE: &str = "---";

/// Which front matter a file opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Toml,
    Yaml,
}

impl Format {
    fn of(first_line: &str) -> Option<Format> {
        match first_line.trim_end() {
            TOML_FENCE => Some(Format::Toml),
            YAML_FENCE => Some(Format::Yaml),
            _ => None,
        }
    }

    fn closes(self, line: &str) -> bool {
        let line = line.trim_end();
        match self {
            Format::Toml => line == TOML_FENCE,
            // YAML may also end a document with `...`.
            Format::Yaml => line == YAML_FENCE || line == "...",
        }
    }
}

/// Language of an article or ticket. Decides nothing about tokenization (every document gets
/// both the CJK and the word tokenizer) but is shown to callers so they can prefer articles in
/// the customer's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Zh,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh",
        }
    }

    pub fn parse(code: &str) -> Option<Language> {
        match code {
            "en" => Some(Language::En),
            "zh" => Some(Language::Zh),
            _ => None,
        }
    }

    /// A language as people write it in front matter: `en`, `EN-us`, `zh-CN`, `zh_Hans`,
    /// `english`, `chinese`, `中文`.
    pub fn parse_lenient(code: &str) -> Option<Language> {
        let code = code.trim().to_lowercase();
        let base = code.split(['-', '_']).next().unwrap_or_default();
        match base {
            "en" | "eng" | "english" => Some(Language::En),
            "zh" | "zho" | "chi" | "cmn" | "chinese" | "中文" | "汉语" | "简体中文" => {
                Some(Language::Zh)
            }
            _ => None,
        }
    }

    /// Chinese when at least a fifth of the letters are CJK: a Chinese message with a model
    /// name or an English error string in it is still Chinese.
    pub fn detect(text: &str) -> Language {
        let mut cjk = 0usize;
        let mut letters = 0usize;
        for c in text.chars() {
            if crate::kb::analysis::is_cjk(c) {
                cjk += 1;
                letters += 1;
            } else if c.is_alphabetic() {
                letters += 1;
            }
        }
        if cjk > 0 && cjk * 5 >= letters { Language::Zh } else { Language::En }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An article id is its file stem, so it is restricted to characters that make a portable,
/// case-insensitive-safe file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(String);

impl ArticleId {
    pub fn parse(id: &str) -> Result<ArticleId> {
        let valid = !id.is_empty()
            && id.len() <= 80
            && !id.starts_with('-')
            && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if valid {
            Ok(ArticleId(id.to_owned()))
        } else {
            Err(KbError::InvalidArticleId { id: id.to_owned() })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn file_name(&self) -> String {
        format!("{}.md", self.0)
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A knowledge-base article: a Markdown file with TOML or YAML front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    pub title: String,
    pub tags: Vec<String>,
    /// `None`: the article is offered whatever the ticket's domain.
    pub domain: Option<String>,
    pub language: Language,
    /// Set on drafts made from a ticket, so the article can be traced back to it.
    pub source_ticket: Option<String>,
    /// Who wrote it: front matter's `author`, or the engineer who drafted it from a ticket.
    pub author: Option<String>,
    /// Markdown, without the front matter.
    pub body: String,
}

/// Front matter as read: only `title` is required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatterIn {
    title: String,
    #[serde(default, deserialize_with = "one_or_many")]
    tags: Vec<String>,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    source_ticket: Option<String>,
    #[serde(default)]
    author: Option<String>,
}

/// Tags as a list, or as one string of comma-separated tags (`tags: screen, flicker`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Tags {
        Many(Vec<String>),
        One(String),
    }
    Ok(match Option::<Tags>::deserialize(deserializer)? {
        Some(Tags::Many(tags)) => tags,
        Some(Tags::One(tags)) => tags.split(',').map(str::to_owned).collect(),
        None => Vec::new(),
    })
}

/// Front matter as written: always TOML, always with the language.
#[derive(Debug, Serialize)]
struct FrontMatterOut<'a> {
    title: &'a str,
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<&'a str>,
    language: Language,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_ticket: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
}

impl Article {
    /// Parses the text of `<id>.md`. `path` is only used in error messages, which name the
    /// line of the file that is wrong when there is one.
    pub fn parse(id: ArticleId, text: &str, path: &Path) -> Result<Article> {
        let invalid = |line: Option<usize>, reason: String| KbError::InvalidArticle {
            path: path.to_owned(),
            line,
            reason,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split_inclusive('\n');
        let format = match lines.next().and_then(Format::of) {
            Some(format) => format,
            None => {
                return Err(invalid(
                    Some(1),
                    format!(
                        "must start with a front matter line, `{TOML_FENCE}` (TOML) or `{YAML_FENCE}` (YAML)"
                    ),
                ));
            }
        };
        let mut front = String::new();
        let mut closed = false;
        let mut front_lines = 0;
        for line in lines.by_ref() {
            if format.closes(line) {
                closed = true;
                break;
            }
            front_lines += 1;
            front.push_str(line);
        }
        if !closed {
            let fence = if format == Format::Toml { TOML_FENCE } else { YAML_FENCE };
            return Err(invalid(
                Some(front_lines + 1),
                format!("front matter opened on line 1 has no closing `{fence}` line"),
            ));
        }
        let body: String = lines.collect();
        // Line 1 is the opening fence, so front matter byte `at` is on this line of the file.
        let line_of = |at: usize| 2 + front[..at.min(front.len())].matches('\n').count();
        let line_of_key = |key: &str| {
            front
                .lines()
                .position(|l| {
                    l.trim_start().strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(['=', ':']))
                })
                .map(|i| i + 2)
        };
        let meta: FrontMatterIn = match format {
            Format::Toml => toml::from_str(&front).map_err(|error| {
                let line = error.span().map(|span| line_of(span.start));
                let message = error.message().trim().replace('\n', "; ");
                invalid(line, format!("front matter (TOML): {message}"))
            })?,
            Format::Yaml => yaml_serde::from_str(&front).map_err(|error| {
                let line = error.location().map(|at| line_of(at.index()));
                // The parser counts lines from the front matter; the reader counts them in the
                // file, whose first line is the fence. The message may also name where the
                // construct it gave up on began ("while parsing a flow sequence at line 2").
                let message = error.to_string();
                let message = file_lines().replace_all(&message, |c: &regex::Captures<'_>| {
                    let n: usize = c[1].parse().unwrap_or(0);
                    format!("line {}", n + 1)
                });
                invalid(line, format!("front matter (YAML): {message}"))
            })?,
        };
        if meta.title.trim().is_empty() {
            return Err(invalid(line_of_key("title"), "front matter: `title` is empty".to_owned()));
        }
        let domain = meta.domain.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
        let body = body.trim().to_owned();
        let language = match meta.language.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            Some(code) => Language::parse_lenient(code).ok_or_else(|| {
                invalid(
                    line_of_key("language"),
                    format!("front matter: `language` {code:?} is neither English (en) nor Chinese (zh)"),
                )
            })?,
            None => Language::detect(&format!("{}\n{body}", meta.title)),
        };
        Ok(Article {
            id,
            title: meta.title.trim().to_owned(),
            tags: meta.tags.into_iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect(),
            domain,
            language,
            source_ticket: meta.source_ticket,
            author: meta.author.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()),
            body,
        })
    }

    /// Reads one `<id>.md` file; the id is the file stem.
    pub fn read(path: &Path) -> Result<Article> {
        let text = std::fs::read_to_string(path).at(path)?;
        Article::parse(id_from_path(path)?, &text, path)
    }

    /// The file text, front matter included; [`Article::parse`] reads it back unchanged.
    /// The first lines of the body a reader sees (headings and Markdown marks left out), at most
    /// `SUMMARY_CHARS` characters: what an offer shows of the article.
    pub fn summary(&self) -> String {
        let lines = self
            .body
            .lines()
            .map(str::trim)
            .filter(|l| {
                !l.is_empty() && !l.starts_with('#') && !l.starts_with("```") && !l.starts_with("---")
            })
            .map(|l| l.trim_start_matches(['-', '*', '>', ' ']).replace("**", "").replace('`', ""));
        let mut summary = String::new();
        for line in lines.take(3) {
            if !summary.is_empty() {
                summary.push(' ');
            }
            summary.push_str(&line);
        }
        let short = crate::domain::text::prefix(&summary, SUMMARY_CHARS);
        if short.len() < summary.len() { format!("{}…", short.trim_end()) } else { summary }
    }

    pub fn to_markdown(&self) -> String {
        let meta = FrontMatterOut {
            title: &self.title,
            tags: &self.tags,
            domain: self.domain.as_deref(),
            language: self.language,
            source_ticket: self.source_ticket.as_deref(),
            author: self.author.as_deref(),
        };
        let front = toml::to_string(&meta).expect("front matter of plain strings always serializes");
        format!("{TOML_FENCE}\n{front}{TOML_FENCE}\n\n{}\n", self.body.trim())
    }
}

fn file_lines() -> &'static regex::Regex {
    static LINE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    LINE.get_or_init(|| regex::Regex::new(r"\bline (\d+)").expect("a valid pattern"))
}

pub(crate) fn id_from_path(path: &Path) -> Result<ArticleId> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    ArticleId::parse(stem).map_err(|_| KbError::InvalidArticle {
        path: path.to_owned(),
        line: None,
        reason: format!("file name {stem:?} is not a valid article id (a-z, 0-9, '-', '_'; at most 80)"),
    })
}

/// The `*.md` files directly inside `dir`, sorted so builds and fingerprints do not depend on
/// directory order. Hidden files (editor swap files, `.DS_Store`) are skipped.
pub(crate) fn article_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).at(dir)? {
        let path = entry.at(dir)?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with('.') || !name.ends_with(".md") || !path.is_file() {
            continue;
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "+++\ntitle = \"Screen flickers\"\ntags = [\"flicker\"]\ndomain = \"screen\"\nlanguage = \"en\"\n+++\n\nTurn off adaptive brightness.\n";

    #[test]
    fn an_article_reads_back_what_it_writes() {
        let id = ArticleId::parse("screen-flicker").unwrap();
        let article = Article::parse(id.clone(), SAMPLE, Path::new("x.md")).unwrap();
        assert_eq!(article.title, "Screen flickers");
        assert_eq!(article.body, "Turn off adaptive brightness.");
        let again = Article::parse(id, &article.to_markdown(), Path::new("x.md")).unwrap();
        assert_eq!(again, article);
    }

    #[test]
    fn a_misspelt_front_matter_key_is_rejected_with_the_key_named() {
        let text = SAMPLE.replace("tags =", "tag =");
        let id = ArticleId::parse("a").unwrap();
        let error = Article::parse(id, &text, Path::new("a.md")).unwrap_err();
        assert!(error.to_string().contains("tag"), "{error}");
    }

    #[test]
    fn yaml_front_matter_needs_only_a_title() {
        let id = ArticleId::parse("a").unwrap();
        let text = "---\ntitle: 黑屏了怎么办\n---\n\n强制重启手机。\n";
        let article = Article::parse(id.clone(), text, Path::new("a.md")).unwrap();
        assert_eq!(article.title, "黑屏了怎么办");
        assert_eq!(article.domain, None);
        assert_eq!(article.language, Language::Zh);
        assert!(article.tags.is_empty());
        // Written back as TOML, and read back the same.
        let again = Article::parse(id, &article.to_markdown(), Path::new("a.md")).unwrap();
        assert!(article.to_markdown().starts_with("+++\n"));
        assert_eq!(again, article);
    }

    #[test]
    fn yaml_tags_may_be_one_comma_separated_string() {
        let id = ArticleId::parse("a").unwrap();
        let text = "---\ntitle: Flicker\ntags: screen, flicker\ndomain: screen\nlanguage: EN\n---\nbody\n";
        let article = Article::parse(id, text, Path::new("a.md")).unwrap();
        assert_eq!(article.tags, ["screen", "flicker"]);
        assert_eq!(article.language, Language::En);
    }

    #[test]
    fn a_broken_front_matter_is_reported_with_its_line_in_the_file() {
        let id = ArticleId::parse("a").unwrap();
        let yaml = "---\ntags: [a]\ntitle: Broken: twice\n---\nbody\n";
        let error = Article::parse(id.clone(), yaml, Path::new("a.md")).unwrap_err().to_string();
        assert!(error.contains("a.md:3:"), "{error}");
        let toml = "+++\ntitle = \"Fine\"\ntags = [\"a\",, \"b\"]\n+++\nbody\n";
        let error = Article::parse(id.clone(), toml, Path::new("a.md")).unwrap_err().to_string();
        assert!(error.contains("a.md:3:"), "{error}");
        let unknown = "+++\ntitle = \"Fine\"\nlanguage = \"fr\"\n+++\nbody\n";
        let error = Article::parse(id, unknown, Path::new("a.md")).unwrap_err().to_string();
        assert!(error.contains("a.md:3:") && error.contains("fr"), "{error}");
    }

    #[test]
    fn an_article_without_front_matter_is_rejected() {
        let id = ArticleId::parse("a").unwrap();
        assert!(Article::parse(id, "just text", Path::new("a.md")).is_err());
    }

    #[test]
    fn ids_that_are_not_safe_file_stems_are_rejected() {
        for id in ["", "A", "a b", "../x", "-x", "a.md"] {
            assert!(ArticleId::parse(id).is_err(), "{id:?}");
        }
        assert!(ArticleId::parse("refund-zh_2").is_ok());
    }

    #[test]
    fn mostly_chinese_text_is_detected_as_chinese() {
        assert_eq!(Language::detect("我的 iPhone 屏幕闪烁"), Language::Zh);
        assert_eq!(Language::detect("Screen flickers on 120 Hz"), Language::En);
    }
}
