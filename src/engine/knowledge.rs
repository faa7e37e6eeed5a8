//! The knowledge base in the ticket flow: articles offered while the customer waits, the
//! customer's "solved" / "still need help", `/kb` commands, and resolved tickets made searchable.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use tracing::warn;

use super::{Engine, Failure, customer_post, text};
use crate::domain::incident::latest_resolution;
use crate::domain::{Button, ButtonAction, Event, EventKind, Locale, Msg, Post, Ticket, TicketRef};
use crate::kb::{Article, ArticleId, Document, Hit, KnowledgeBase, TicketDoc};
use crate::store::kb::{KbDocKind, KbDocument};
use crate::store::{Store, StoreError, StoreTx};
use crate::t;

impl Engine {
    pub(super) fn knowledge_base(&self) -> Result<&Arc<KnowledgeBase>, Failure> {
        self.kb.as_ref().ok_or_else(|| Failure::Says(Msg::new("kb-not-set-up")))
    }

    /// Up to three articles for a customer's first message; none when none is relevant enough.
    pub(super) fn suggestions_for(&self, ticket: &Ticket, text: &str) -> Vec<Hit> {
        let Some(kb) = &self.kb else { return Vec::new() };
        kb.suggest(text::prefix(text, self.config.settings.intake.search_chars)).unwrap_or_else(|e| {
            // A search failure must not stop the ticket from opening.
            warn!(error = %e, ticket = %ticket.reference, "knowledge-base suggestion failed");
            Vec::new()
        })
    }

    /// The card offering the articles, with a "solved it" button for each and "I still need help".
    pub(super) fn suggestion_card(&self, ticket: &Ticket, hits: &[Hit], locale: Locale) -> Option<Post> {
        if hits.is_empty() {
            return None;
        }
        let public_url = self.config.settings.kb.public_url.as_deref().map(|u| u.trim_end_matches('/'));
        let lines: Vec<String> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                let mut line = format!("{}. {}", i + 1, hit.title);
                if !hit.summary.is_empty() {
                    line.push_str(&format!("\n   {}", hit.summary));
                }
                if let Some(url) = public_url {
                    line.push_str(&format!("\n   {url}/{}", hit.id));
                }
                line
            })
            .collect();
        let mut buttons: Vec<Button> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                let label = t!(locale, "offer-solved-button", number = i + 1);
                Button::with_value(ButtonAction::Solved, ticket.reference, &hit.id, &label)
            })
            .collect();
        let need_help = t!(locale, "offer-need-help-button");
        buttons.push(Button::new(ButtonAction::NeedHelp, ticket.reference, &need_help));
        let text = format!(
            "{}\n{}\n{}",
            t!(locale, "offer-intro", ticket = ticket.reference.to_string()),
            lines.join("\n"),
            t!(locale, "offer-outro")
        );
        Some(Post { buttons, ..customer_post(ticket, text) })
    }

    pub(super) async fn suggested_articles(&self, ticket: TicketRef) -> Result<Vec<String>, StoreError> {
        let timeline = self.store.timeline(ticket).await?;
        Ok(timeline
            .into_iter()
            .rev()
            .find_map(|e| match e.kind {
                EventKind::Created { suggested, .. } => Some(suggested),
                _ => None,
            })
            .unwrap_or_default())
    }

    /// What a resolved ticket was about and how it was fixed, from its timeline.
    pub(super) async fn ticket_doc(&self, ticket: &Ticket) -> Result<Option<TicketDoc>, StoreError> {
        Ok(doc_of(ticket, &self.store.timeline(ticket.reference).await?))
    }

    /// Writes a just-resolved ticket's document into the shared knowledge base, in the
    /// transaction that resolves it; every instance's index follows (`follow_knowledge_base`).
    pub(super) async fn record_resolved_doc(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let Some(doc) = doc_of(ticket, &tx.timeline(ticket.reference).await?) else { return Ok(()) };
        let body = serde_json::to_string(&doc).map_err(anyhow::Error::from)?;
        tx.put_kb_document(KbDocKind::Ticket, &doc.reference, &body, at).await?;
        Ok(())
    }

    /// Brings this instance's search index up to the shared knowledge base: the documents the
    /// database's change feed holds beyond the position the index recorded, applied in batches
    /// (each batch and its position in one index commit). Returns how many were applied; an
    /// engine without a knowledge base, or with one opened read-only, applies none.
    pub async fn follow_knowledge_base(&self) -> anyhow::Result<usize> {
        let Some(kb) = self.kb.clone() else { return Ok(0) };
        let _one_at_a_time = self.kb_follow.lock().await;
        follow(self.store.as_ref(), &kb).await
    }

    /// Follows the shared knowledge base every `kb.follow_seconds` until `stop` completes (beside
    /// every long-running mode, with the scheduler); a failed look is logged and tried again.
    pub async fn follow_knowledge_base_until(&self, stop: impl std::future::Future<Output = ()>) {
        if !self.kb.as_ref().is_some_and(|kb| kb.is_writable()) {
            return stop.await;
        }
        let every = std::time::Duration::from_secs(self.config.settings.kb.follow_seconds.max(1));
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(every) => self.follow_now().await,
            }
        }
    }

    /// `follow_knowledge_base` after a write of this instance, so its own search finds the
    /// document at once; a failure is logged, and the periodic follow tries again.
    pub(super) async fn follow_now(&self) {
        if let Err(e) = self.follow_knowledge_base().await {
            warn!(error = %format!("{e:#}"), "could not bring the knowledge base up to date");
        }
    }
}

/// Brings `kb`'s index up to the shared knowledge base in `store` (see
/// `Engine::follow_knowledge_base`; `resolvd kb reindex` calls it after building from files).
pub async fn follow(store: &dyn Store, kb: &Arc<KnowledgeBase>) -> anyhow::Result<usize> {
    if !kb.is_writable() {
        return Ok(0);
    }
    let mut applied = 0;
    loop {
        let position = kb.feed_position()?;
        let rows = store.kb_documents_after(position, FEED_BATCH).await?;
        let Some(upto) = rows.last().map(|row| row.seq) else { return Ok(applied) };
        let documents: Vec<Document> = rows.iter().filter_map(document_of).collect();
        applied += documents.len();
        let kb = kb.clone();
        tokio::task::spawn_blocking(move || kb.apply_feed(&documents, upto)).await??;
    }
}

/// Documents a follow reads from the feed at a time.
const FEED_BATCH: i64 = 500;

/// A ticket's document: its first message and its latest resolution.
fn doc_of(ticket: &Ticket, timeline: &[Event]) -> Option<TicketDoc> {
    let problem = timeline.iter().find_map(|e| match &e.kind {
        EventKind::Created { text, .. } => Some(text.clone()),
        _ => None,
    });
    let resolution = latest_resolution(timeline).map(str::to_owned);
    problem.zip(resolution).map(|(problem, resolution)| TicketDoc {
        reference: ticket.reference.to_string(),
        title: ticket.title.clone(),
        problem,
        resolution,
    })
}

/// A feed row as the index takes it; a row that does not read is logged and passed over (the
/// feed moves on: it was checked when written, so only a hand edit makes one).
fn document_of(row: &KbDocument) -> Option<Document> {
    let read = match row.kind {
        KbDocKind::Article => ArticleId::parse(&row.id)
            .and_then(|id| Article::parse(id, &row.body, Path::new(&row.id)))
            .map(Document::Article)
            .map_err(anyhow::Error::from),
        KbDocKind::Ticket => {
            serde_json::from_str::<TicketDoc>(&row.body).map(Document::Ticket).map_err(anyhow::Error::from)
        }
    };
    read.map_err(|e| warn!(error = %format!("{e:#}"), id = %row.id, seq = row.seq, "a knowledge-base row does not read"))
        .ok()
}
