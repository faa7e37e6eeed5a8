//! `/close [reason]`: staff close a ticket.

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{CloseReason, EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_post};
use crate::store::StoreTx;

pub struct Close {
    ticket: Option<TicketRef>,
    reason: Option<String>,
}

#[async_trait]
impl CommandHandler for Close {
    const PATH: &'static str = "close";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Close { ticket: args.ticket(), reason: optional(args, "reason") })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        ticket.close(CloseReason::ClosedByStaff)?;
        let kind = EventKind::Closed {
            reason: CloseReason::ClosedByStaff,
            comment: self.reason.clone(),
            article: None,
        };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        let goodbye = format!("{} is closed. Thank you for contacting us.", ticket.reference);
        tx.enqueue_post(&customer_post(&ticket, goodbye), ctx.at).await?;
        Ok(Outcome::public(format!("{} closed", ticket.reference), Some(ticket.reference)))
    }
}
