//! `/resolve resolution:`: the customer gets the resolution card; the ticket becomes searchable.

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Resolve {
    ticket: Option<TicketRef>,
    resolution: String,
}

#[async_trait]
impl CommandHandler for Resolve {
    const PATH: &'static str = "resolve";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Resolve { ticket: args.ticket(), resolution: required(args, Self::PATH, "resolution")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let resolution = &self.resolution;
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        ticket.resolve(resolution)?;
        engine.save(tx, ctx, &mut ticket, EventKind::Resolved { resolution: resolution.clone() }).await?;
        engine.ask_for_confirmation(tx, &ticket, resolution, ctx.at).await?;
        Ok(Outcome::public(
            format!("{} resolved; the customer was asked to confirm", ticket.reference),
            Some(ticket.reference),
        ))
    }

    /// The knowledge base is written outside the transaction, once the resolution stands.
    async fn committed(&self, engine: &Engine, outcome: &Outcome) {
        if let Some(ticket) = outcome.ticket {
            engine.index_resolved(ticket).await;
        }
    }
}
