//! `/claim`: the engineer who types it takes the ticket (the Claim button does the same).

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::TicketRef;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Claim {
    ticket: Option<TicketRef>,
}

#[async_trait]
impl CommandHandler for Claim {
    const PATH: &'static str = "claim";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Claim { ticket: args.ticket() })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        engine.claim(tx, ctx, &mut ticket).await
    }
}
