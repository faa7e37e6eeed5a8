//! `/status`: a ticket's state. Staff read its labels and tier; a customer reads, of their own
//! tickets only, where it stands in plain words, who helps them and the next time we promised.

use async_trait::async_trait;

use crate::t;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::{CloseReason, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, text};
use crate::store::StoreTx;

pub struct Status {
    ticket: Option<TicketRef>,
}

#[async_trait]
impl CommandHandler for Status {
    const PATH: &'static str = "status";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Status { ticket: args.ticket() })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let ticket = engine.target(tx, ctx, self.ticket).await?;
        if engine.people.is_staff(ctx.actor) {
            return Ok(Outcome::private(text::status(&ticket, ctx.locale), Some(ticket.reference)));
        }
        let mut answer = String::new();
        let mut shown = ticket;
        if shown.close_reason == Some(CloseReason::Merged)
            && let Some(successor) = engine.merged_successor(tx, shown.reference).await?
            && let Some(carries_on) = tx.ticket_for_update(successor).await?
        {
            answer = t!(
                ctx.locale,
                "status-carried-on",
                ticket = shown.reference.to_string(),
                successor = successor.to_string()
            );
            shown = carries_on;
        }
        answer.push_str(&engine.customer_status(tx, &shown, ctx.actor, ctx.at, ctx.locale).await?);
        Ok(Outcome::private(answer, Some(shown.reference)))
    }
}
