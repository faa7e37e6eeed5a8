//! `/status`: a ticket's state (customers see only their own tickets).

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::TicketRef;
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
        Ok(Outcome::private(text::status(&ticket), Some(ticket.reference)))
    }
}
