//! The wording of what the knowledge base learns from tickets (`/kb stats`, `/kb gaps`, `/kb cite`,
//! `/kb edit` and `resolvd kb stats`): plain values in, a `String` out, each text in one function
//! so that it can move into a message catalogue as it is.

pub fn stats_empty(articles: usize) -> String {
    format!(
        "None of the {} has been offered, solved a ticket or been cited yet.",
        crate::domain::text::count(articles as u64, "article", "articles")
    )
}

pub fn stats_header() -> String {
    "Knowledge-base articles by use (solved, cited, offered):".to_owned()
}

pub fn stats_line(
    rank: usize,
    id: &str,
    title: Option<&str>,
    author: Option<&str>,
    solved: i64,
    cited: i64,
    offered: i64,
) -> String {
    let title = match title {
        Some(title) => format!("“{title}”"),
        None => "(no longer in the knowledge base)".to_owned(),
    };
    let author = author.map(|a| format!(" by {a}")).unwrap_or_default();
    format!("{rank}. {id} {title}{author}: solved {solved}, cited {cited}, offered {offered}")
}

pub fn authors_header() -> String {
    "Authors whose articles are used:".to_owned()
}

pub fn author_line(author: &str, articles: usize, solved: i64, cited: i64, offered: i64) -> String {
    let articles = crate::domain::text::count(articles as u64, "article", "articles");
    format!("- {author} ({articles}): solved {solved}, cited {cited}, offered {offered}")
}

pub fn stats_more(shown: usize, counted: usize) -> String {
    format!("… {} more counted; `resolvd kb stats` lists them all.", counted - shown)
}

pub fn stats_unused(unused: usize) -> String {
    match unused {
        1 => "1 other article has not been used yet.".to_owned(),
        n => format!("{n} other articles have not been used yet."),
    }
}

pub fn gaps_none(checked: usize) -> String {
    format!(
        "No gaps: among the {} looked at, no three with alike resolutions lack an article.",
        crate::domain::text::count(checked as u64, "resolved ticket", "resolved tickets")
    )
}

pub fn gaps_header(groups: usize) -> String {
    match groups {
        1 => "1 group of alike resolutions that no article covers:".to_owned(),
        n => format!("{n} groups of alike resolutions that no article covers:"),
    }
}

pub fn gap_line(rank: usize, tickets: &[String], resolution: &str, shortcut: &str) -> String {
    format!("{rank}. {} tickets ({}): “{resolution}”\n   {shortcut}", tickets.len(), tickets.join(", "))
}

pub fn gap_add(ticket: &str) -> String {
    format!("/kb add ticket:{ticket}")
}

pub fn gap_publish_draft(article: &str) -> String {
    format!("/kb publish article:{article}")
}

pub fn no_such_article(id: &str) -> String {
    format!("there is no article `{id}`; /kb search finds one")
}

pub fn cited(article: &str, title: &str, ticket: &str) -> String {
    format!("{ticket} cites {article} “{title}”; /kb stats counts it")
}

pub fn cited_before(article: &str, ticket: &str) -> String {
    format!("{article} was cited on {ticket} before; it counts once a ticket")
}

pub fn no_draft(id: &str) -> String {
    format!("there is no draft `{id}`; /kb add ticket:T-n makes one")
}

pub fn draft_already_published(id: &str) -> String {
    format!("`{id}` is already published; edit its file in the knowledge-base folder instead")
}

pub fn edit_needs_draft() -> String {
    "/kb edit needs draft:… (the draft's id, as /kb add printed it)".to_owned()
}

pub fn edit_empty() -> String {
    "text: is empty; write the article's text (Markdown) for readers".to_owned()
}

pub fn edit_title_empty() -> String {
    "title: is empty; leave it out to keep the draft's title".to_owned()
}

pub fn edit_too_long(field: &str, max_chars: usize, chars: usize) -> String {
    format!("{field}: is {chars} characters; an article takes at most {max_chars}")
}

pub fn edit_form_title(id: &str) -> String {
    format!("Edit {id}")
}

pub fn edit_form_title_label() -> String {
    "Title, for readers".to_owned()
}

pub fn edit_form_text_label() -> String {
    "The article's text (Markdown)".to_owned()
}

pub fn edit_usage(id: &str) -> String {
    format!("write the draft's new text: /kb edit draft:{id} text:\"…\" (title:\"…\" to retitle it)")
}

pub fn edited(id: &str, markdown: &str) -> String {
    format!("Edited {id}:\n{}\nPublish it with /kb publish article:{id}", markdown.trim_end())
}

pub fn publish_edited_needs_title(id: &str) -> String {
    format!(
        "`{id}` is edited but its title is still the customer's own words, which are not published; \
         give it one: /kb edit draft:{id} title:… text:…, or /kb publish article:{id} problem:…"
    )
}
