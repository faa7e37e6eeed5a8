//! `/reply text:`: staff to the customer, in the ticket's conversation; never an internal note.

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::TicketRef;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Reply {
    ticket: Option<TicketRef>,
    text: String,
}

#[async_trait]
impl CommandHandler for Reply {
    const PATH: &'static str = "reply";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Reply { ticket: args.ticket(), text: required(args, Self::PATH, "text")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        if !crate::domain::text::has_visible_text(&self.text) {
            return Err(Failure::user("say what to tell the customer in text:…"));
        }
        engine.reply_to_customer(tx, ctx, &mut ticket, &self.text).await?;
        Ok(Outcome::public(
            format!("Sent to {} on {}", ticket.customer, ticket.reference),
            Some(ticket.reference),
        ))
    }
}
