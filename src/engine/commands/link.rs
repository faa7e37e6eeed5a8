//! `/link to: [relation]`: relates two tickets; a duplicate is merged (closed) into the other.

use async_trait::async_trait;

use crate::t;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::{CloseReason, DomainError, EventKind, LinkRelation, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_post, staff_post};
use crate::store::StoreTx;

pub struct Link {
    ticket: Option<TicketRef>,
    to: TicketRef,
    relation: LinkRelation,
}

#[async_trait]
impl CommandHandler for Link {
    const PATH: &'static str = "link";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Link {
            ticket: args.ticket(),
            to: args.parsed("to").ok_or_else(|| UsageError(format!("/{} needs to:T-n", Self::PATH)))?,
            relation: args.parsed("relation").unwrap_or(LinkRelation::Related),
        })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let Link { to, relation, .. } = *self;
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        if ticket.reference == to {
            return Err(DomainError::SelfLink.into());
        }
        let mut other = tx
            .ticket_for_update(to)
            .await?
            .ok_or_else(|| Failure::User(t!(ctx.locale, "no-such-ticket", ticket = to.to_string())))?;
        if relation == LinkRelation::Duplicate {
            if other.is_closed() {
                return Err(Failure::User(t!(ctx.locale, "link-closed", to = to.to_string())));
            }
            if engine.merged_successor(tx, to).await? == Some(ticket.reference) {
                return Err(Failure::User(t!(
                    ctx.locale,
                    "link-circle",
                    to = to.to_string(),
                    ticket = ticket.reference.to_string()
                )));
            }
            ticket.close(CloseReason::Merged)?;
        }
        if !tx.insert_link(ticket.reference, to, relation).await? {
            return Err(Failure::User(t!(
                ctx.locale,
                "link-already",
                ticket = ticket.reference.to_string(),
                to = to.to_string()
            )));
        }
        engine.save(tx, ctx, &mut ticket, EventKind::Linked { other: to, relation }).await?;
        engine.save(tx, ctx, &mut other, EventKind::Linked { other: ticket.reference, relation }).await?;
        if relation != LinkRelation::Duplicate {
            return Ok(Outcome::public(
                t!(ctx.locale, "link-done", ticket = ticket.reference.to_string(), to = to.to_string()),
                Some(ticket.reference),
            ));
        }
        let comment = Some(format!("merged into {to}"));
        let closed = EventKind::Closed { reason: CloseReason::Merged, comment, article: None };
        engine.save(tx, ctx, &mut ticket, closed).await?;
        let locale = engine.customer_locale(tx, &ticket).await?;
        let note = t!(locale, "customer-merged", ticket = ticket.reference.to_string(), to = to.to_string());
        tx.enqueue_post(&customer_post(&ticket, note), ctx.at).await?;
        let notice = t!(
            engine.shared_locale(),
            "staff-merged",
            actor = ctx.actor,
            ticket = ticket.reference.to_string(),
            to = to.to_string(),
            customer = ticket.customer.as_str()
        );
        tx.enqueue_post(&staff_post(&other, notice, vec![], vec![]), ctx.at).await?;
        let merged =
            t!(ctx.locale, "link-merged", ticket = ticket.reference.to_string(), to = to.to_string());
        Ok(Outcome::public(merged, Some(ticket.reference)))
    }
}
