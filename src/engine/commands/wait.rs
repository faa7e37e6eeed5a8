//! `/wait [reason]`: waiting for the customer, which pauses the SLA clock.

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_post};
use crate::store::StoreTx;

pub struct Wait {
    ticket: Option<TicketRef>,
    reason: Option<String>,
}

#[async_trait]
impl CommandHandler for Wait {
    const PATH: &'static str = "wait";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Wait { ticket: args.ticket(), reason: optional(args, "reason") })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        ticket.wait_for_customer()?;
        engine.save(tx, ctx, &mut ticket, EventKind::Waiting { reason: self.reason.clone() }).await?;
        let ask = match &self.reason {
            Some(reason) => {
                format!("We need something from you to go on with {}: {reason}", ticket.reference)
            }
            None => format!("We are waiting for your reply to go on with {}.", ticket.reference),
        };
        engine.tell_customers(tx, &ticket, customer_post(&ticket, ask), ctx.at).await?;
        Ok(Outcome::public(
            format!("{} is waiting for the customer", ticket.reference),
            Some(ticket.reference),
        ))
    }
}
