//! `/kb add`: drafts a knowledge-base article from a resolved ticket.

use async_trait::async_trait;

use crate::t;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Status, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::kb::draft_from_ticket;
use crate::store::{Draft, StoreTx};

pub struct KbAdd {
    ticket: Option<TicketRef>,
}

#[async_trait]
impl CommandHandler for KbAdd {
    const PATH: &'static str = "kb add";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(KbAdd { ticket: args.ticket() })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        engine.knowledge_base()?;
        if !matches!(ticket.status, Status::Resolved | Status::Closed) {
            return Err(Failure::User(t!(
                ctx.locale,
                "kb-add-unresolved",
                ticket = ticket.reference.to_string(),
                status = crate::engine::text::status_name(ticket.status, ctx.locale)
            )));
        }
        let domain = ticket.domain.clone().ok_or_else(|| {
            Failure::User(t!(ctx.locale, "kb-add-needs-domain", ticket = ticket.reference.to_string()))
        })?;
        let doc = engine.ticket_doc(&ticket).await?.ok_or_else(|| {
            Failure::User(t!(ctx.locale, "kb-add-no-resolution", ticket = ticket.reference.to_string()))
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
        let drafted = EventKind::ArticleDrafted { article: draft.article_id.clone() };
        engine.save(tx, ctx, &mut ticket, drafted).await?;
        Ok(Outcome::private(
            t!(
                ctx.locale,
                "kb-drafted",
                article = draft.article_id.as_str(),
                ticket = ticket.reference.to_string(),
                markdown = markdown.trim_end()
            ),
            Some(ticket.reference),
        ))
    }
}
