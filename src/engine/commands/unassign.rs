//! `/unassign`: the ticket goes back to its queue, whose next member (not the one it came from)
//! has it now.

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, person_post, staff_post};
use crate::store::StoreTx;

pub struct Unassign {
    ticket: Option<TicketRef>,
}

#[async_trait]
impl CommandHandler for Unassign {
    const PATH: &'static str = "unassign";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Unassign { ticket: args.ticket() })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let previous = ticket.unassign()?;
        let next = engine.next_in_queue_but(tx, &ticket, &previous).await?;
        ticket.assignee = next.clone();
        let kind = EventKind::Unassigned { previous: previous.clone(), assignee: next.clone() };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        let now_with = match &next {
            Some(next) => format!("it is with {next} now, next in its queue"),
            None => "nobody has it now: its queue has nobody else".to_owned(),
        };
        if let Some(next) = &next {
            let notice = format!(
                "{} is yours now (back in the queue from {previous}): {}",
                ticket.reference, ticket.title
            );
            tx.enqueue_post(&person_post(&ticket, next, notice), ctx.at).await?;
        }
        if previous != ctx.actor {
            let notice = format!("{} took {} off you; {now_with}.", ctx.actor, ticket.reference);
            tx.enqueue_post(&person_post(&ticket, &previous, notice), ctx.at).await?;
        }
        let notice =
            format!("{} put {} back in its queue from {previous}; {now_with}.", ctx.actor, ticket.reference);
        tx.enqueue_post(&staff_post(&ticket, notice, next.iter().cloned().collect(), vec![]), ctx.at).await?;
        Ok(Outcome::public(
            format!("{previous} no longer has {}; {now_with}", ticket.reference),
            Some(ticket.reference),
        ))
    }
}
