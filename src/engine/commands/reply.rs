//! `/reply text:`: staff to the customer, in the ticket's conversation; never an internal note.

use async_trait::async_trait;

use crate::t;

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
            return Err(Failure::user(t!(ctx.locale, "say-what-to-tell")));
        }
        engine.reply_to_customer(tx, ctx, &mut ticket, &self.text).await?;
        Ok(Outcome::public(
            t!(
                ctx.locale,
                "reply-done",
                customer = ticket.customer.as_str(),
                ticket = ticket.reference.to_string()
            ),
            Some(ticket.reference),
        ))
    }
}
