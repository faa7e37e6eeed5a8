//! `/ticket customer: text:`: staff open a ticket on a customer's behalf.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::engine::intake::Sent;
use crate::engine::{Ctx, Engine, Failure, Outcome, text};
use crate::store::StoreTx;

pub struct OpenTicket {
    customer: String,
    text: String,
}

#[async_trait]
impl CommandHandler for OpenTicket {
    const PATH: &'static str = "ticket";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(OpenTicket {
            customer: required(args, Self::PATH, "customer")?,
            text: required(args, Self::PATH, "text")?,
        })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let OpenTicket { customer, text } = self;
        if text.trim().is_empty() {
            return Err(Failure::user(t!(ctx.locale, "ticket-say-what")));
        }
        let mut ticket = engine.insert_ticket(tx, ctx, customer, text).await?;
        let sent = Sent { text, message_id: None, attachments: &[] };
        engine.announce_ticket(tx, ctx, &mut ticket, sent).await?;
        let summary = text::summary(&ticket, ctx.locale);
        Ok(Outcome::public(
            t!(
                ctx.locale,
                "ticket-done",
                ticket = ticket.reference.to_string(),
                customer = customer,
                summary = summary
            ),
            Some(ticket.reference),
        ))
    }
}
