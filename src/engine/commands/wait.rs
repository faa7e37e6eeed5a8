//! `/wait [reason]`: waiting for the customer, which pauses the SLA clock.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Msg, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_says};
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
                Msg::new("customer-wait-reason").shown("ticket", ticket.reference).arg("reason", reason)
            }
            None => Msg::new("customer-wait").shown("ticket", ticket.reference),
        };
        engine.tell_customers(tx, &ticket, customer_says(&ticket, ask), ctx.at).await?;
        Ok(Outcome::public(
            t!(ctx.locale, "wait-done", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
