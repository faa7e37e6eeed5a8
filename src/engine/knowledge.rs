//! The knowledge base in the ticket flow: articles offered while the customer waits, the
//! customer's "solved" / "still need help", `/kb` commands, and resolved tickets made searchable.

use std::sync::Arc;

use tracing::warn;

use super::{Engine, Failure, customer_post, text};
use crate::domain::incident::latest_resolution;
use crate::domain::{Button, ButtonAction, EventKind, Locale, Msg, Post, Ticket, TicketRef};
use crate::kb::{Hit, KnowledgeBase, TicketDoc};
use crate::store::StoreError;
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
        let timeline = self.store.timeline(ticket.reference).await?;
        let problem = timeline.iter().find_map(|e| match &e.kind {
            EventKind::Created { text, .. } => Some(text.clone()),
            _ => None,
        });
        let resolution = latest_resolution(&timeline).map(str::to_owned);
        Ok(problem.zip(resolution).map(|(problem, resolution)| TicketDoc {
            reference: ticket.reference.to_string(),
            title: ticket.title.clone(),
            problem,
            resolution,
        }))
    }

    /// Makes a just-resolved ticket searchable; a failure is logged, the resolution stands.
    pub(super) async fn index_resolved(&self, reference: TicketRef) {
        let Some(kb) = self.kb.clone() else { return };
        let doc = match self.store.ticket(reference).await {
            Ok(Some(ticket)) => self.ticket_doc(&ticket).await,
            Ok(None) => return,
            Err(e) => Err(e),
        };
        let doc = match doc {
            Ok(Some(doc)) => doc,
            Ok(None) => return,
            Err(e) => return warn!(error = %e, ticket = %reference, "could not read the resolved ticket"),
        };
        let published = tokio::task::spawn_blocking(move || kb.publish_ticket(&doc)).await;
        if let Err(e) = published.map_err(anyhow::Error::from).and_then(|r| r.map_err(anyhow::Error::from)) {
            warn!(error = %format!("{e:#}"), ticket = %reference, "could not make the resolved ticket searchable");
        }
    }
}
