//! `/claim [reason]`: the engineer who types it takes the ticket (the Claim button does the same);
//! from someone else only with a reason, and they are told.

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::TicketRef;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Claim {
    ticket: Option<TicketRef>,
    reason: Option<String>,
}

#[async_trait]
impl CommandHandler for Claim {
    const PATH: &'static str = "claim";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Claim { ticket: args.ticket(), reason: optional(args, "reason") })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        engine.claim(tx, ctx, &mut ticket, self.reason.as_deref()).await
    }
}
