//! The wording of what the knowledge base learns from tickets (`/kb stats`, `/kb gaps`, `/kb cite`,
//! `/kb edit`, `/kb publish` and `resolvd kb stats`): plain values and the reader's language in,
//! a `String` out, each text one function over the catalogues (`kb-*`). The operator's command
//! line asks for English.

use crate::domain::{Locale, Msg};
use crate::t;

pub fn stats_empty(articles: usize, locale: Locale) -> String {
    t!(locale, "kb-stats-empty", articles = articles)
}

pub fn stats_header(locale: Locale) -> String {
    t!(locale, "kb-stats-header")
}

/// One article's use (`title` `None`: no longer in the knowledge base).
pub struct StatsLine<'a> {
    pub rank: usize,
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub author: Option<&'a str>,
    pub solved: i64,
    pub cited: i64,
    pub offered: i64,
}

pub fn stats_line(line: &StatsLine<'_>, locale: Locale) -> String {
    let title = match line.title {
        Some(title) => t!(locale, "kb-stats-title", title = title),
        None => t!(locale, "kb-stats-gone"),
    };
    let author = line.author.map(|a| t!(locale, "kb-stats-by", author = a)).unwrap_or_default();
    t!(
        locale,
        "kb-stats-line",
        rank = line.rank,
        id = line.id,
        title = title,
        author = author,
        solved = line.solved,
        cited = line.cited,
        offered = line.offered
    )
}

pub fn authors_header(locale: Locale) -> String {
    t!(locale, "kb-authors-header")
}

pub fn author_line(
    author: &str,
    articles: usize,
    solved: i64,
    cited: i64,
    offered: i64,
    locale: Locale,
) -> String {
    t!(
        locale,
        "kb-author-line",
        author = author,
        articles = articles,
        solved = solved,
        cited = cited,
        offered = offered
    )
}

pub fn stats_more(shown: usize, counted: usize, locale: Locale) -> String {
    t!(locale, "kb-stats-more", more = counted - shown)
}

pub fn stats_unused(unused: usize, locale: Locale) -> String {
    t!(locale, "kb-stats-unused", unused = unused)
}

pub fn gaps_none(checked: usize, locale: Locale) -> String {
    t!(locale, "kb-gaps-none", checked = checked)
}

pub fn gaps_header(groups: usize, locale: Locale) -> String {
    t!(locale, "kb-gaps-header", groups = groups)
}

pub fn gap_line(rank: usize, tickets: &[String], resolution: &str, shortcut: &str, locale: Locale) -> String {
    t!(
        locale,
        "kb-gap-line",
        rank = rank,
        count = tickets.len(),
        tickets = tickets.join(&t!(locale, "list-separator")),
        resolution = resolution,
        shortcut = shortcut
    )
}

/// The command that drafts an article from a ticket: the same in every language.
pub fn gap_add(ticket: &str) -> String {
    format!("/kb add ticket:{ticket}")
}

/// The command that publishes a draft waiting.
pub fn gap_publish_draft(article: &str) -> String {
    format!("/kb publish article:{article}")
}

pub fn no_such_article(id: &str, locale: Locale) -> String {
    t!(locale, "kb-no-article", id = id)
}

pub fn cited(article: &str, title: &str, ticket: &str, locale: Locale) -> String {
    t!(locale, "kb-cited", article = article, title = title, ticket = ticket)
}

pub fn cited_before(article: &str, ticket: &str, locale: Locale) -> String {
    t!(locale, "kb-cited-before", article = article, ticket = ticket)
}

/// No draft of that id: a message, put in the reader's language when they are replied to.
pub fn no_draft(id: &str) -> Msg {
    Msg::new("kb-no-draft").arg("id", id)
}

pub fn draft_already_published(id: &str, locale: Locale) -> String {
    t!(locale, "kb-draft-published", id = id)
}

pub fn edit_needs_draft() -> Msg {
    Msg::new("kb-edit-needs-draft")
}

pub fn edit_empty() -> Msg {
    Msg::new("kb-edit-empty")
}

pub fn edit_title_empty() -> Msg {
    Msg::new("kb-edit-title-empty")
}

pub fn edit_too_long(field: &str, max_chars: usize, chars: usize) -> Msg {
    Msg::new("kb-edit-too-long").arg("field", field).arg("max", max_chars).arg("chars", chars)
}

pub fn edit_form_title(id: &str, locale: Locale) -> String {
    t!(locale, "kb-edit-form-title", id = id)
}

pub fn edit_form_title_label(locale: Locale) -> String {
    t!(locale, "kb-edit-form-title-label")
}

pub fn edit_form_text_label(locale: Locale) -> String {
    t!(locale, "kb-edit-form-text-label")
}

pub fn edit_usage(id: &str, locale: Locale) -> String {
    t!(locale, "kb-edit-usage", id = id)
}

pub fn edited(id: &str, markdown: &str, locale: Locale) -> String {
    t!(locale, "kb-edited", id = id, markdown = markdown.trim_end())
}

pub fn publish_edited_needs_title(id: &str, locale: Locale) -> String {
    t!(locale, "kb-publish-edited-needs-title", id = id)
}

pub fn publish_needs_article() -> Msg {
    Msg::new("kb-publish-needs-article")
}

pub fn publish_already(id: &str, locale: Locale) -> String {
    t!(locale, "kb-publish-already", id = id)
}

pub fn publish_no_resolution(ticket: &str, locale: Locale) -> String {
    t!(locale, "kb-publish-no-resolution", ticket = ticket)
}

pub fn published(id: &str, locale: Locale) -> String {
    t!(locale, "kb-published", id = id)
}

pub fn publish_form_title(id: &str, locale: Locale) -> String {
    t!(locale, "kb-publish-form-title", id = id)
}

pub fn publish_form_problem_label(locale: Locale) -> String {
    t!(locale, "kb-publish-form-problem")
}

pub fn publish_usage(id: &str, locale: Locale) -> String {
    t!(locale, "kb-publish-usage", id = id)
}
