//! What the knowledge base learns from tickets, beside the core store: how often each article was
//! offered, solved a ticket and was cited by staff (each count written in the transaction of the
//! event that causes it, so it is as idempotent as that event), the citations themselves, edits to
//! drafts, and the resolved tickets `/kb gaps` groups. Implemented by the same SQL backends; every
//! `Store` is a `KbStore` and every `StoreTx` a `KbTx`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::TicketRef;

/// One article's use, as counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleCounts {
    pub article_id: String,
    /// Intake offers that named it (up to three articles an offer).
    pub offered: i64,
    /// "This solved it" pressed on it.
    pub solved: i64,
    /// Tickets whose staff cited it.
    pub cited: i64,
    /// Who drafted it with `/kb add`, when it was published from a draft.
    pub drafted_by: Option<String>,
}

/// Staff pointing a ticket at an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub article_id: String,
    pub ticket: TicketRef,
    pub by: String,
    /// What cited it: `cite` (`/kb cite`), `resolve`, `note` or `reply`.
    pub how: String,
    pub at: DateTime<Utc>,
}

/// A resolved (or closed after a resolution) ticket and its latest resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedCase {
    pub ticket: TicketRef,
    pub title: String,
    pub domain: Option<String>,
    pub resolution: String,
    /// An unpublished draft made from it, if any.
    pub draft: Option<String>,
}

#[async_trait]
pub trait KbStore: Send + Sync {
    /// Counted articles, most used first (solved, then cited, then offered), at most `limit`.
    async fn article_counts(&self, limit: i64) -> StoreResult<Vec<ArticleCounts>>;
    /// The newest `limit` tickets that were resolved, each with its latest resolution.
    async fn resolved_cases(&self, limit: i64) -> StoreResult<Vec<ResolvedCase>>;
}

#[async_trait]
pub trait KbTx: Send {
    /// One more offer for each of these articles.
    async fn count_offered(&mut self, articles: &[String]) -> StoreResult<()>;
    /// One more ticket this article solved.
    async fn count_solved(&mut self, article: &str) -> StoreResult<()>;
    /// Records a citation and counts it; false (and nothing counted) when the article was cited on
    /// that ticket before.
    async fn cite_article(&mut self, citation: &Citation) -> StoreResult<bool>;
    /// Replaces an unpublished draft's text, recording who edited it; false when there is no
    /// unpublished draft with that id.
    async fn edit_draft(
        &mut self,
        article_id: &str,
        markdown: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Who last edited the draft with `/kb edit`, if anyone did since it was drafted.
    async fn draft_edited_by(&mut self, article_id: &str) -> StoreResult<Option<String>>;
}

/// Implements `KbStore` for `$store` (with a `pool` field) and `KbTx` for `$tx` (with a `tx`
/// field); the queries are written once for both backends.
macro_rules! sql_kb_store {
    (store: $store:ident, tx: $tx:ident $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::store::kb::KbStore for $store {
            async fn article_counts(
                &self,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::kb::ArticleCounts>> {
                let rows: Vec<(String, i64, i64, i64, Option<String>)> = sqlx::query_as(
                    "SELECT c.article_id, c.offered, c.solved, c.cited, \
                     (SELECT d.created_by FROM kb_drafts d WHERE d.article_id = c.article_id \
                      AND d.published_at IS NOT NULL) \
                     FROM kb_article_counts c \
                     ORDER BY c.solved DESC, c.cited DESC, c.offered DESC, c.article_id LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(article_id, offered, solved, cited, drafted_by)| {
                        $crate::store::kb::ArticleCounts { article_id, offered, solved, cited, drafted_by }
                    })
                    .collect())
            }

            async fn resolved_cases(
                &self,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::kb::ResolvedCase>> {
                let rows: Vec<(i64, String, Option<String>, String, Option<String>)> = sqlx::query_as(
                    "SELECT t.id, t.title, t.domain, e.data, \
                     (SELECT MIN(d.article_id) FROM kb_drafts d WHERE d.ticket_id = t.id \
                      AND d.published_at IS NULL) \
                     FROM tickets t JOIN events e ON e.id = (SELECT MAX(r.id) FROM events r \
                      WHERE r.ticket_id = t.id AND r.type = 'resolved') \
                     WHERE t.status IN ('resolved', 'closed') ORDER BY t.id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(id, title, domain, data, draft)| {
                        let kind: $crate::domain::EventKind = serde_json::from_str(&data).map_err(|e| {
                            $crate::store::StoreError::Corrupt(format!("event data `{data}`: {e}"))
                        })?;
                        let resolution = match kind {
                            $crate::domain::EventKind::Resolved { resolution, .. } => resolution,
                            _ => String::new(),
                        };
                        Ok($crate::store::kb::ResolvedCase {
                            ticket: $crate::domain::TicketRef(id),
                            title,
                            domain,
                            resolution,
                            draft,
                        })
                    })
                    .collect()
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::kb::KbTx for $tx {
            async fn count_offered(&mut self, articles: &[String]) -> $crate::store::StoreResult<()> {
                for article in articles {
                    sqlx::query(
                        "INSERT INTO kb_article_counts (article_id, offered) VALUES ($1, 1) \
                         ON CONFLICT (article_id) DO UPDATE SET offered = kb_article_counts.offered + 1",
                    )
                    .bind(article)
                    .execute(&mut *self.tx)
                    .await?;
                }
                Ok(())
            }

            async fn count_solved(&mut self, article: &str) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO kb_article_counts (article_id, solved) VALUES ($1, 1) \
                     ON CONFLICT (article_id) DO UPDATE SET solved = kb_article_counts.solved + 1",
                )
                .bind(article)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn cite_article(
                &mut self,
                citation: &$crate::store::kb::Citation,
            ) -> $crate::store::StoreResult<bool> {
                let inserted = sqlx::query(
                    "INSERT INTO kb_citations (article_id, ticket_id, cited_by, how, cited_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (article_id, ticket_id) DO NOTHING",
                )
                .bind(&citation.article_id)
                .bind(citation.ticket.0)
                .bind(&citation.by)
                .bind(&citation.how)
                .bind(citation.at)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                if inserted == 1 {
                    sqlx::query(
                        "INSERT INTO kb_article_counts (article_id, cited) VALUES ($1, 1) \
                         ON CONFLICT (article_id) DO UPDATE SET cited = kb_article_counts.cited + 1",
                    )
                    .bind(&citation.article_id)
                    .execute(&mut *self.tx)
                    .await?;
                }
                Ok(inserted == 1)
            }

            async fn edit_draft(
                &mut self,
                article_id: &str,
                markdown: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let updated = sqlx::query(
                    "UPDATE kb_drafts SET markdown = $1, edited_by = $2, edited_at = $3 \
                     WHERE article_id = $4 AND published_at IS NULL",
                )
                .bind(markdown)
                .bind(by)
                .bind(at)
                .bind(article_id)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                Ok(updated == 1)
            }

            async fn draft_edited_by(&mut self, article_id: &str) -> $crate::store::StoreResult<Option<String>> {
                let by: Option<Option<String>> =
                    sqlx::query_scalar("SELECT edited_by FROM kb_drafts WHERE article_id = $1")
                        .bind(article_id)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                Ok(by.flatten())
            }
        }
    };
}

pub(super) use sql_kb_store;
