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

/// What a row of the shared knowledge base holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KbDocKind {
    /// A published article: its Markdown with front matter.
    Article,
    /// A resolved ticket's document, as JSON.
    Ticket,
}

impl KbDocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KbDocKind::Article => "article",
            KbDocKind::Ticket => "ticket",
        }
    }

    pub fn parse(text: &str) -> Option<KbDocKind> {
        match text {
            "article" => Some(KbDocKind::Article),
            "ticket" => Some(KbDocKind::Ticket),
            _ => None,
        }
    }
}

/// A document of the shared knowledge base as the change feed gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbDocument {
    pub kind: KbDocKind,
    /// The article's id or the ticket's reference (`T-12`).
    pub id: String,
    pub body: String,
    /// Its position in the feed: every write takes a higher one, visible in this order.
    pub seq: i64,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait KbStore: Send + Sync {
    /// The change feed: documents written after position `after`, in feed order, at most `limit`.
    async fn kb_documents_after(&self, after: i64, limit: i64) -> StoreResult<Vec<KbDocument>>;
    /// One document of the shared knowledge base.
    async fn kb_document(&self, kind: KbDocKind, id: &str) -> StoreResult<Option<KbDocument>>;

    /// Counted articles, most used first (solved, then cited, then offered), at most `limit`.
    async fn article_counts(&self, limit: i64) -> StoreResult<Vec<ArticleCounts>>;
    /// The newest `limit` tickets that were resolved, each with its latest resolution.
    async fn resolved_cases(&self, limit: i64) -> StoreResult<Vec<ResolvedCase>>;
}

#[async_trait]
pub trait KbTx: Send {
    /// Writes (or replaces) a document of the shared knowledge base and returns its feed
    /// position. The feed's row stays locked until this transaction ends, so positions become
    /// visible in order; keep it near the end of the transaction.
    async fn put_kb_document(
        &mut self,
        kind: KbDocKind,
        id: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
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
            async fn kb_documents_after(
                &self,
                after: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::kb::KbDocument>> {
                let rows: Vec<(String, String, String, i64, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT kind, doc_id, body, seq, updated_at FROM kb_documents \
                     WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(kind, id, body, seq, updated_at)| {
                        let kind = $crate::store::kb::KbDocKind::parse(&kind).ok_or_else(|| {
                            $crate::store::StoreError::Corrupt(format!("kb_documents.kind `{kind}`"))
                        })?;
                        Ok($crate::store::kb::KbDocument { kind, id, body, seq, updated_at })
                    })
                    .collect()
            }

            async fn kb_document(
                &self,
                kind: $crate::store::kb::KbDocKind,
                id: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::kb::KbDocument>> {
                let row: Option<(String, String, i64, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT doc_id, body, seq, updated_at FROM kb_documents WHERE kind = $1 AND doc_id = $2",
                )
                .bind(kind.as_str())
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(id, body, seq, updated_at)| $crate::store::kb::KbDocument {
                    kind,
                    id,
                    body,
                    seq,
                    updated_at,
                }))
            }

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
            async fn put_kb_document(
                &mut self,
                kind: $crate::store::kb::KbDocKind,
                id: &str,
                body: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<i64> {
                // The row lock taken here orders the feed by commit: see migration 0024.
                let seq: i64 = sqlx::query_scalar("UPDATE kb_feed SET seq = seq + 1 WHERE id = 1 RETURNING seq")
                    .fetch_one(&mut *self.tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO kb_documents (kind, doc_id, body, seq, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (kind, doc_id) DO UPDATE SET body = excluded.body, seq = excluded.seq, \
                     updated_at = excluded.updated_at",
                )
                .bind(kind.as_str())
                .bind(id)
                .bind(body)
                .bind(seq)
                .bind(at)
                .execute(&mut *self.tx)
                .await?;
                Ok(seq)
            }

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
