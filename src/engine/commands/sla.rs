//! `/sla`: each clock's elapsed and remaining business time.

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::TicketRef;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Sla {
    ticket: Option<TicketRef>,
}

#[async_trait]
impl CommandHandler for Sla {
    const PATH: &'static str = "sla";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Sla { ticket: args.ticket() })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let ticket = engine.target(tx, ctx, self.ticket).await?;
        let text = engine.sla_text(tx, &ticket, ctx.at, ctx.locale).await?;
        Ok(Outcome::private(text, Some(ticket.reference)))
    }
}
