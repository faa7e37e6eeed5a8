//! `/unassign`: the ticket goes back to nobody.

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome};
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
        engine.save(tx, ctx, &mut ticket, EventKind::Unassigned { previous: previous.clone() }).await?;
        Ok(Outcome::public(
            format!("{} no longer has {}", previous, ticket.reference),
            Some(ticket.reference),
        ))
    }
}
