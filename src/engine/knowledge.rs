//! The knowledge base in the ticket flow: articles offered while the customer waits, the
//! customer's "solved" / "still need help", `/kb` commands, and resolved tickets made searchable.

use std::path::Path;
use std::sync::Arc;

use tracing::warn;

use super::{Ctx, Engine, Failure, Outcome, customer_post, staff_post};
use crate::domain::{Button, ButtonAction, CloseReason, EventKind, Post, Status, Ticket, TicketRef};
use crate::kb::{Article, ArticleId, Hit, KnowledgeBase, Source, TicketDoc, draft_from_ticket};
use crate::store::{Draft, StoreError, StoreTx};

/// How many hits `/kb search` shows.
const SEARCH_LIMIT: usize = 5;

impl Engine {
    fn knowledge_base(&self) -> Result<&Arc<KnowledgeBase>, Failure> {
        self.kb.as_ref().ok_or_else(|| Failure::User("the knowledge base is not set up here".to_owned()))
    }

    /// Up to three articles for a customer's first message; none when none is relevant enough.
    pub(super) fn suggestions_for(&self, ticket: &Ticket, text: &str) -> Vec<Hit> {
        let Some(kb) = &self.kb else { return Vec::new() };
        kb.suggest(text).unwrap_or_else(|e| {
            // A search failure must not stop the ticket from opening.
            warn!(error = %e, ticket = %ticket.reference, "knowledge-base suggestion failed");
            Vec::new()
        })
    }

    /// The card offering the articles, with a "solved it" button for each and "I still need help".
    pub(super) fn suggestion_card(&self, ticket: &Ticket, hits: &[Hit]) -> Option<Post> {
        if hits.is_empty() {
            return None;
        }
        let lines: Vec<String> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| format!("{}. {} (kb:{})", i + 1, hit.title, hit.id))
            .collect();
        let mut buttons: Vec<Button> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                Button::with_value(
                    ButtonAction::Solved,
                    ticket.reference,
                    &hit.id,
                    &format!("{}. solved it", i + 1),
                )
            })
            .collect();
        buttons.push(Button::new(ButtonAction::NeedHelp, ticket.reference, "I still need help"));
        let text = format!(
            "While you wait, these articles may help with {}:\n{}",
            ticket.reference,
            lines.join("\n")
        );
        Some(Post { buttons, ..customer_post(ticket, text) })
    }

    /// The customer says an article solved it: the ticket closes as self-served.
    pub(super) async fn press_solved(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        article: Option<String>,
    ) -> Result<Outcome, Failure> {
        let suggested = self.suggested_articles(ticket.reference).await?;
        let article = match article {
            Some(article) if suggested.contains(&article) => article,
            Some(article) => {
                return Err(Failure::User(format!("`{article}` was not suggested for {}", ticket.reference)));
            }
            None => suggested.into_iter().next().ok_or_else(|| {
                Failure::User(format!("no articles were suggested for {}", ticket.reference))
            })?,
        };
        ticket.close(CloseReason::SelfServed)?;
        let closed = EventKind::Closed {
            reason: CloseReason::SelfServed,
            comment: None,
            article: Some(article.clone()),
        };
        self.save(tx, ctx, ticket, closed).await?;
        let notice = format!(
            "{} says article {article} solved {}; it is closed as self-served.",
            ctx.actor, ticket.reference
        );
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        Ok(Outcome::private(
            format!("Glad it helped. {} is closed.", ticket.reference),
            Some(ticket.reference),
        ))
    }

    /// The customer still needs help: the ticket goes on to its engineer.
    pub(super) async fn press_need_help(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
    ) -> Result<Outcome, Failure> {
        if ticket.status == Status::Closed {
            return Err(crate::domain::DomainError::Closed(ticket.reference).into());
        }
        self.save(tx, ctx, ticket, EventKind::NeedsHelp).await?;
        let owner = ticket.assignee.clone();
        let notice = format!(
            "{} read the suggested articles and still needs help with {}.",
            ctx.actor, ticket.reference
        );
        tx.enqueue_post(&staff_post(ticket, notice, owner.into_iter().collect(), vec![]), ctx.at).await?;
        Ok(Outcome::private(
            format!("Thanks for trying. An engineer will help you with {} here.", ticket.reference),
            Some(ticket.reference),
        ))
    }

    async fn suggested_articles(&self, ticket: TicketRef) -> Result<Vec<String>, StoreError> {
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

    pub(super) async fn kb_search(&self, ctx: &Ctx<'_>, query: &str) -> Result<Outcome, Failure> {
        let kb = self.knowledge_base()?;
        let staff = self.config.directory.is_staff(ctx.actor);
        // Tickets are written for engineers and may hold internal detail.
        let hits: Vec<_> = kb
            .search(query, SEARCH_LIMIT * 2)
            .map_err(anyhow::Error::from)?
            .into_iter()
            .filter(|hit| staff || hit.source == Source::Article)
            .take(SEARCH_LIMIT)
            .collect();
        if hits.is_empty() {
            return Ok(Outcome::private(format!("Nothing in the knowledge base matches “{query}”"), None));
        }
        let lines: Vec<String> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| match hit.source {
                Source::Article => format!("{}. {} (kb:{})", i + 1, hit.title, hit.id),
                Source::Ticket => format!("{}. {} (from ticket {})", i + 1, hit.title, hit.id),
            })
            .collect();
        Ok(Outcome::private(format!("Knowledge base, “{query}”:\n{}", lines.join("\n")), None))
    }

    /// What a resolved ticket was about and how it was fixed, from its timeline.
    async fn ticket_doc(&self, ticket: &Ticket) -> Result<Option<TicketDoc>, StoreError> {
        let timeline = self.store.timeline(ticket.reference).await?;
        let problem = timeline.iter().find_map(|e| match &e.kind {
            EventKind::Created { text, .. } => Some(text.clone()),
            _ => None,
        });
        let resolution = timeline.iter().rev().find_map(|e| match &e.kind {
            EventKind::Resolved { resolution } => Some(resolution.clone()),
            _ => None,
        });
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

    pub(super) async fn kb_add(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        mut ticket: Ticket,
    ) -> Result<Outcome, Failure> {
        self.knowledge_base()?;
        if !matches!(ticket.status, Status::Resolved | Status::Closed) {
            return Err(Failure::User(format!(
                "{} is {}; resolve it before drafting an article",
                ticket.reference, ticket.status
            )));
        }
        let domain = ticket.domain.clone().ok_or_else(|| {
            Failure::User(format!(
                "classify {} with a domain first: every article belongs to one",
                ticket.reference
            ))
        })?;
        let doc = self.ticket_doc(&ticket).await?.ok_or_else(|| {
            Failure::User(format!("{} has no resolution to draft an article from", ticket.reference))
        })?;
        let article = draft_from_ticket(&doc, &domain);
        let markdown = article.to_markdown();
        let draft = Draft {
            article_id: article.id.to_string(),
            ticket: ticket.reference,
            markdown: markdown.clone(),
            created_by: ctx.actor.to_owned(),
            created_at: ctx.at,
            published_at: None,
        };
        tx.save_draft(&draft).await?;
        self.save(tx, ctx, &mut ticket, EventKind::ArticleDrafted { article: draft.article_id.clone() })
            .await?;
        Ok(Outcome::private(
            format!(
                "Drafted {} from {}:\n{}\nPublish it with /kb publish article:{}",
                draft.article_id,
                ticket.reference,
                markdown.trim_end(),
                draft.article_id
            ),
            Some(ticket.reference),
        ))
    }

    pub(super) async fn kb_publish(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        article_id: &str,
    ) -> Result<Outcome, Failure> {
        let kb = self.knowledge_base()?.clone();
        let draft = tx.draft(article_id).await?.ok_or_else(|| {
            Failure::User(format!("there is no draft `{article_id}`; /kb add ticket:T-n makes one"))
        })?;
        if draft.published_at.is_some() {
            return Err(Failure::User(format!("`{article_id}` is already published")));
        }
        let id = ArticleId::parse(&draft.article_id).map_err(anyhow::Error::from)?;
        let article =
            Article::parse(id, &draft.markdown, Path::new(&draft.article_id)).map_err(anyhow::Error::from)?;
        tokio::task::spawn_blocking(move || kb.publish_article(&article))
            .await
            .map_err(anyhow::Error::from)?
            .map_err(anyhow::Error::from)?;
        tx.mark_draft_published(article_id, ctx.at).await?;
        if let Some(mut ticket) = tx.ticket_for_update(draft.ticket).await? {
            let published = EventKind::ArticlePublished { article: article_id.to_owned() };
            self.save(tx, ctx, &mut ticket, published).await?;
        }
        Ok(Outcome::public(format!("Published {article_id}: searchable now"), Some(draft.ticket)))
    }
}
