use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::kb::error::{IoContext, KbError, Result};

/// How much of an article an offer shows.
const SUMMARY_CHARS: usize = 200;

/// Front matter is TOML between `+++` lines (the Hugo convention), so the `toml` crate the rest
/// of resolvd already uses can read it and no YAML parser is needed.
const FENCE: &str = "+++";

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

/// A knowledge-base article: a Markdown file with TOML front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    pub title: String,
    pub tags: Vec<String>,
    pub domain: String,
    pub language: Language,
    /// Set on drafts made from a ticket, so the article can be traced back to it.
    pub source_ticket: Option<String>,
    /// Markdown, without the front matter.
    pub body: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    #[serde(default)]
    tags: Vec<String>,
    domain: String,
    language: Language,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_ticket: Option<String>,
}

impl Article {
    /// Parses the text of `<id>.md`. `path` is only used in error messages.
    pub fn parse(id: ArticleId, text: &str, path: &Path) -> Result<Article> {
        let invalid = |reason: String| KbError::InvalidArticle { path: path.to_owned(), reason };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split_inclusive('\n');
        match lines.next() {
            Some(first) if first.trim_end() == FENCE => {}
            _ => {
                return Err(invalid(format!("must start with a `{FENCE}` front matter line")));
            }
        }
        let mut front = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line.trim_end() == FENCE {
                closed = true;
                break;
            }
            front.push_str(line);
        }
        if !closed {
            return Err(invalid(format!("front matter has no closing `{FENCE}` line")));
        }
        let body: String = lines.collect();
        let meta: FrontMatter =
            toml::from_str(&front).map_err(|error| invalid(format!("front matter: {error}")))?;
        if meta.title.trim().is_empty() {
            return Err(invalid("front matter: `title` is empty".to_owned()));
        }
        if meta.domain.trim().is_empty() {
            return Err(invalid("front matter: `domain` is empty".to_owned()));
        }
        Ok(Article {
            id,
            title: meta.title.trim().to_owned(),
            tags: meta.tags,
            domain: meta.domain.trim().to_owned(),
            language: meta.language,
            source_ticket: meta.source_ticket,
            body: body.trim().to_owned(),
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
        let meta = FrontMatter {
            title: self.title.clone(),
            tags: self.tags.clone(),
            domain: self.domain.clone(),
            language: self.language,
            source_ticket: self.source_ticket.clone(),
        };
        let front = toml::to_string(&meta).expect("front matter of plain strings always serializes");
        format!("{FENCE}\n{front}{FENCE}\n\n{}\n", self.body.trim())
    }
}

pub(crate) fn id_from_path(path: &Path) -> Result<ArticleId> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    ArticleId::parse(stem).map_err(|_| KbError::InvalidArticle {
        path: path.to_owned(),
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
