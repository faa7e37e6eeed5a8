//! `/link to: [relation]`: relates two tickets; a duplicate is merged (closed) into the other.

use async_trait::async_trait;

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
            .ok_or_else(|| Failure::User(format!("there is no ticket {to}")))?;
        if relation == LinkRelation::Duplicate {
            if other.is_closed() {
                return Err(Failure::User(format!(
                    "{to} is closed; merge into an open ticket, or /reopen {to} first"
                )));
            }
            if engine.merged_successor(tx, to).await? == Some(ticket.reference) {
                return Err(Failure::User(format!(
                    "{to} was merged into {}; merging back would make a circle",
                    ticket.reference
                )));
            }
            ticket.close(CloseReason::Merged)?;
        }
        if !tx.insert_link(ticket.reference, to, relation).await? {
            return Err(Failure::User(format!("{} is already linked to {to}", ticket.reference)));
        }
        engine.save(tx, ctx, &mut ticket, EventKind::Linked { other: to, relation }).await?;
        engine.save(tx, ctx, &mut other, EventKind::Linked { other: ticket.reference, relation }).await?;
        if relation != LinkRelation::Duplicate {
            return Ok(Outcome::public(
                format!("{} linked to {to}", ticket.reference),
                Some(ticket.reference),
            ));
        }
        let comment = Some(format!("merged into {to}"));
        let closed = EventKind::Closed { reason: CloseReason::Merged, comment, article: None };
        engine.save(tx, ctx, &mut ticket, closed).await?;
        let note = format!(
            "{} is the same problem as {to}; we will follow up there, and you will hear from us here as it goes on.",
            ticket.reference
        );
        tx.enqueue_post(&customer_post(&ticket, note), ctx.at).await?;
        let notice = format!(
            "{} merged {} into {to}: its customer {} now hears what {to}'s customer hears, and their messages land here.",
            ctx.actor, ticket.reference, ticket.customer
        );
        tx.enqueue_post(&staff_post(&other, notice, vec![], vec![]), ctx.at).await?;
        Ok(Outcome::public(format!("{} merged into {to}", ticket.reference), Some(ticket.reference)))
    }
}
