//! `/ticket customer: text:`: staff open a ticket on a customer's behalf.

use async_trait::async_trait;

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
            return Err(Failure::user("say what the customer reported in text:…"));
        }
        let ticket = engine.insert_ticket(tx, ctx, customer, text).await?;
        let sent = Sent { text, message_id: None, attachments: &[] };
        engine.announce_ticket(tx, ctx, &ticket, sent).await?;
        let summary = text::summary(&ticket);
        Ok(Outcome::public(
            format!("Opened {} for {customer}: {summary}", ticket.reference),
            Some(ticket.reference),
        ))
    }
}
