//! What the knowledge base learns from tickets: how each article is used (offered at intake,
//! "solved" pressed on it, cited by staff) and by whose work, and the resolutions no article covers
//! yet (`/kb gaps`).
//!
//! A **citation** is staff pointing a ticket at an article: `/kb cite article:ID`, or a `/resolve`,
//! `/note`, `/reply` (or a staff-thread message) that names an article as `kb:ID` (as `/kb search`
//! prints it) or by its link under `kb.public_url`. An article counts once per ticket however often
//! it is named there; ids that name no article are left alone.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::{Ctx, Engine, Failure, text_kb};
use crate::domain::{Locale, TicketRef};
use crate::kb::{KnowledgeBase, SIMILAR_RESOLUTIONS, similar_groups};
use crate::store::kb::{Citation, ResolvedCase};
use crate::store::{Store, StoreTx};

/// A group of alike resolutions needs this many tickets before it is a gap worth an article.
const GAP_MIN_TICKETS: usize = 3;

/// How many of the newest resolved tickets `/kb gaps` looks at.
const GAP_CASES: i64 = 1_000;

/// How much of a group's resolution a gap shows.
const GAP_RESOLUTION_CHARS: usize = 120;

/// One article's use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleUse {
    pub id: String,
    /// `None`: the article is no longer in the knowledge base.
    pub title: Option<String>,
    /// Front matter's `author`, else who drafted it with `/kb add`.
    pub author: Option<String>,
    pub offered: i64,
    pub solved: i64,
    pub cited: i64,
}

/// One author's articles' use, summed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorUse {
    pub author: String,
    pub articles: usize,
    pub offered: i64,
    pub solved: i64,
    pub cited: i64,
}

/// `/kb stats` and `resolvd kb stats`: the articles used, most used first, and their authors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KbStats {
    pub articles: Vec<ArticleUse>,
    pub authors: Vec<AuthorUse>,
    /// Articles in the knowledge base never offered, solved or cited.
    pub unused: usize,
}

/// Reads the counts from the store and the titles and authors from the knowledge base.
pub async fn kb_stats(store: &dyn Store, kb: Option<&KnowledgeBase>) -> anyhow::Result<KbStats> {
    let counts = store.article_counts(i64::MAX).await?;
    let mut articles = Vec::with_capacity(counts.len());
    let mut present = 0;
    for count in counts {
        let info = match kb {
            Some(kb) => kb.article(&count.article_id)?,
            None => None,
        };
        present += usize::from(info.is_some());
        let (title, author) = match info {
            Some(info) => (Some(info.title), info.author),
            None => (None, None),
        };
        articles.push(ArticleUse {
            id: count.article_id,
            title,
            author: author.or(count.drafted_by),
            offered: count.offered,
            solved: count.solved,
            cited: count.cited,
        });
    }
    let mut by_author: BTreeMap<String, AuthorUse> = BTreeMap::new();
    for article in &articles {
        let Some(author) = &article.author else { continue };
        let sum = by_author.entry(author.clone()).or_insert_with(|| AuthorUse {
            author: author.clone(),
            articles: 0,
            offered: 0,
            solved: 0,
            cited: 0,
        });
        sum.articles += 1;
        sum.offered += article.offered;
        sum.solved += article.solved;
        sum.cited += article.cited;
    }
    let mut authors: Vec<AuthorUse> = by_author.into_values().collect();
    authors.sort_by(|a, b| {
        (b.solved, b.cited, b.offered).cmp(&(a.solved, a.cited, a.offered)).then(a.author.cmp(&b.author))
    });
    let total = match kb {
        Some(kb) => kb.article_count()?,
        None => 0,
    };
    Ok(KbStats { articles, authors, unused: total.saturating_sub(present) })
}

impl KbStats {
    /// The report as text in `locale`, with at most `limit` articles.
    pub fn render(&self, limit: usize, locale: Locale) -> String {
        if self.articles.is_empty() {
            return text_kb::stats_empty(self.unused, locale);
        }
        let mut lines = vec![text_kb::stats_header(locale)];
        for (i, a) in self.articles.iter().take(limit).enumerate() {
            let line = text_kb::StatsLine {
                rank: i + 1,
                id: &a.id,
                title: a.title.as_deref(),
                author: a.author.as_deref(),
                solved: a.solved,
                cited: a.cited,
                offered: a.offered,
            };
            lines.push(text_kb::stats_line(&line, locale));
        }
        if self.articles.len() > limit {
            lines.push(text_kb::stats_more(limit, self.articles.len(), locale));
        }
        if !self.authors.is_empty() {
            lines.push(text_kb::authors_header(locale));
            for a in &self.authors {
                lines.push(text_kb::author_line(&a.author, a.articles, a.solved, a.cited, a.offered, locale));
            }
        }
        if self.unused > 0 {
            lines.push(text_kb::stats_unused(self.unused, locale));
        }
        lines.join("\n")
    }
}

/// Resolved tickets with alike resolutions that no article covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Newest first.
    pub tickets: Vec<TicketRef>,
    /// The newest ticket's resolution.
    pub resolution: String,
    /// The exact command that turns one of them into an article.
    pub shortcut: String,
}

/// What `/kb gaps` found among the resolved tickets it looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gaps {
    pub gaps: Vec<Gap>,
    /// Resolved tickets looked at.
    pub checked: usize,
}

/// The article ids `text` names: `kb:ID`, or a link `PUBLIC_URL/ID`; each once, in order.
pub fn cited_ids(text: &str, public_url: Option<&str>) -> Vec<String> {
    static KB_ID: OnceLock<Regex> = OnceLock::new();
    let kb_id = KB_ID.get_or_init(|| {
        Regex::new(r"(?:^|[^A-Za-z0-9_/-])kb:([a-z0-9_][a-z0-9_-]{0,79})").expect("a valid pattern")
    });
    let mut ids: Vec<String> = kb_id.captures_iter(text).map(|c| c[1].to_owned()).collect();
    if let Some(url) = public_url.map(|u| u.trim_end_matches('/')).filter(|u| !u.is_empty()) {
        let pattern = format!(r"{}/([a-z0-9_][a-z0-9_-]{{0,79}})", regex::escape(url));
        if let Ok(link) = Regex::new(&pattern) {
            ids.extend(link.captures_iter(text).map(|c| c[1].to_owned()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

impl Engine {
    /// Counts the articles a staff member's text on `ticket` names as cited (see the module's
    /// comment), in the transaction that writes the text; returns the ids newly counted. Without a
    /// knowledge base nothing is counted.
    pub(super) async fn cite_named(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: TicketRef,
        text: &str,
        how: &str,
    ) -> Result<Vec<String>, Failure> {
        let Some(kb) = &self.kb else { return Ok(Vec::new()) };
        let mut counted = Vec::new();
        for id in cited_ids(text, self.config.settings.kb.public_url.as_deref()) {
            if kb.article(&id).map_err(anyhow::Error::from)?.is_none() {
                continue;
            }
            if self.cite(tx, ctx, ticket, &id, how).await? {
                counted.push(id);
            }
        }
        Ok(counted)
    }

    /// Records that `ticket` cites `article`; false when it did before.
    pub(super) async fn cite(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: TicketRef,
        article: &str,
        how: &str,
    ) -> Result<bool, Failure> {
        let citation = Citation {
            article_id: article.to_owned(),
            ticket,
            by: ctx.actor.to_owned(),
            how: how.to_owned(),
            at: ctx.at,
        };
        Ok(tx.cite_article(&citation).await?)
    }

    /// Groups of at least three resolved tickets whose resolutions are alike and that no article
    /// covers (no article holds enough of the resolution's words to be offered for it), largest
    /// first, among the newest resolved tickets (at most `GAP_CASES`).
    pub(super) async fn knowledge_gaps(&self, kb: &KnowledgeBase) -> Result<Gaps, Failure> {
        let cases: Vec<ResolvedCase> = self
            .store
            .resolved_cases(GAP_CASES)
            .await?
            .into_iter()
            .filter(|c| crate::domain::text::has_visible_text(&c.resolution))
            .collect();
        let search_chars = self.config.settings.intake.search_chars;
        // Grouping is cheap and most resolutions are alike to no two others, so the knowledge
        // base is asked only about the members of a group; what is left of a group once its
        // covered members are out is grouped again.
        let texts: Vec<&str> = cases.iter().map(|c| c.resolution.as_str()).collect();
        let mut gaps = Vec::new();
        for group in similar_groups(&texts, SIMILAR_RESOLUTIONS, GAP_MIN_TICKETS) {
            let mut open = Vec::new();
            for i in group {
                let text = crate::domain::text::prefix(&cases[i].resolution, search_chars);
                if kb.covering_article(text).map_err(anyhow::Error::from)?.is_none() {
                    open.push(&cases[i]);
                }
            }
            let texts: Vec<&str> = open.iter().map(|c| c.resolution.as_str()).collect();
            for rest in similar_groups(&texts, SIMILAR_RESOLUTIONS, GAP_MIN_TICKETS) {
                gaps.push(gap(rest.iter().map(|&i| open[i]).collect()));
            }
        }
        // Largest first; a stable sort keeps groups of one size newest first.
        gaps.sort_by_key(|g| std::cmp::Reverse(g.tickets.len()));
        Ok(Gaps { gaps, checked: cases.len() })
    }
}

/// A gap of these cases, newest first (as the store gives them): the newest resolution, and the
/// command that turns one of them into an article (a draft waiting is published; else the newest
/// ticket with a domain, which `/kb add` needs, is drafted).
fn gap(members: Vec<&ResolvedCase>) -> Gap {
    let shortcut = match members.iter().find_map(|c| c.draft.as_deref()) {
        Some(draft) => text_kb::gap_publish_draft(draft),
        None => {
            let pick = members.iter().find(|c| c.domain.is_some()).unwrap_or(&members[0]);
            text_kb::gap_add(&pick.ticket.to_string())
        }
    };
    Gap {
        tickets: members.iter().map(|c| c.ticket).collect(),
        resolution: crate::domain::text::elide(
            &crate::domain::text::one_line(&members[0].resolution),
            GAP_RESOLUTION_CHARS,
        ),
        shortcut,
    }
}

#[cfg(test)]
mod tests {
    use super::cited_ids;

    #[test]
    fn articles_are_named_as_kb_ids_or_by_their_public_link() {
        let text = "See kb:rf-no-signal-en and https://help.example.com/kb/screen-flicker-en, \
                    also kb:rf-no-signal-en again; not xkb:nope nor KB:Upper";
        assert_eq!(
            cited_ids(text, Some("https://help.example.com/kb/")),
            ["rf-no-signal-en", "screen-flicker-en"]
        );
        assert_eq!(cited_ids(text, None), ["rf-no-signal-en"]);
        assert!(cited_ids("kb: nothing", None).is_empty());
    }
}
