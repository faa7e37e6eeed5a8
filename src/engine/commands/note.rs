//! `/note text:`: an internal note, never shown to the customer.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Note {
    ticket: Option<TicketRef>,
    text: String,
}

#[async_trait]
impl CommandHandler for Note {
    const PATH: &'static str = "note";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Note { ticket: args.ticket(), text: required(args, Self::PATH, "text")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        engine.save(tx, ctx, &mut ticket, EventKind::Note { text: self.text.clone() }).await?;
        engine.cite_named(tx, ctx, ticket.reference, &self.text, "note").await?;
        Ok(Outcome::public(
            t!(ctx.locale, "note-done", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
