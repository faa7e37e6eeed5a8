//! `/reopen [reason]`: a resolved or closed ticket is worked on again.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Msg, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_says};
use crate::store::StoreTx;

pub struct Reopen {
    ticket: Option<TicketRef>,
    reason: Option<String>,
}

#[async_trait]
impl CommandHandler for Reopen {
    const PATH: &'static str = "reopen";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Reopen { ticket: args.ticket(), reason: optional(args, "reason") })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        ticket.reopen()?;
        engine.save(tx, ctx, &mut ticket, EventKind::Reopened { reason: self.reason.clone() }).await?;
        let again = Msg::new("customer-reopened").shown("ticket", ticket.reference);
        engine.tell_customers(tx, &ticket, customer_says(&ticket, again), ctx.at).await?;
        Ok(Outcome::public(
            t!(ctx.locale, "reopen-done", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
