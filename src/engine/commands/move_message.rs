//! `/move message: to:`: puts a customer's message on the ticket it is about, when it landed on
//! another of theirs.

use async_trait::async_trait;

use crate::t;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, staff_post, text};
use crate::store::StoreTx;

pub struct MoveMessage {
    message: i64,
    to: TicketRef,
}

#[async_trait]
impl CommandHandler for MoveMessage {
    const PATH: &'static str = "move";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(MoveMessage {
            message: args
                .parsed("message")
                .ok_or_else(|| UsageError(format!("/{} needs message:N (its number)", Self::PATH)))?,
            to: args.parsed("to").ok_or_else(|| UsageError(format!("/{} needs to:T-n", Self::PATH)))?,
        })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let MoveMessage { message: message_id, to } = *self;
        let no_message = || Failure::User(t!(ctx.locale, "move-no-message", message = message_id));
        let stored = tx.message(message_id).await?.ok_or_else(no_message)?;
        let from = stored.ticket.ok_or_else(no_message)?;
        if from == to {
            return Err(Failure::User(t!(
                ctx.locale,
                "move-already",
                message = message_id,
                to = to.to_string()
            )));
        }
        let mut source = tx.ticket_for_update(from).await?.ok_or_else(no_message)?;
        let mut target = engine.target(tx, ctx, Some(to)).await?;
        if target.is_closed() {
            return Err(Failure::User(t!(ctx.locale, "move-closed", to = to.to_string())));
        }
        let author = &stored.message.author;
        if *author != target.customer
            && !engine.merged_customers(tx, to).await?.iter().any(|t| t.customer == *author)
        {
            return Err(Failure::User(t!(
                ctx.locale,
                "move-other-customer",
                message = message_id,
                author = author.as_str(),
                to = to.to_string(),
                customer = target.customer.as_str()
            )));
        }
        tx.move_message(message_id, to).await?;
        let moved = EventKind::MessageMoved { message_id, from, to, text: stored.message.text.clone() };
        engine.save(tx, ctx, &mut source, moved.clone()).await?;
        engine.save(tx, ctx, &mut target, moved).await?;
        let shared = engine.shared_locale();
        let quote = text::quote(&stored.message.text, engine.config.settings.intake.quote_chars, shared);
        let notice = t!(
            shared,
            "staff-message-moved",
            actor = ctx.actor,
            author = author.as_str(),
            message = message_id,
            from = from.to_string(),
            quote = quote
        );
        let mentions = target.assignee.iter().cloned().collect();
        tx.enqueue_post(&staff_post(&target, notice, mentions, vec![]), ctx.at).await?;
        let moved =
            t!(ctx.locale, "move-done", message = message_id, from = from.to_string(), to = to.to_string());
        Ok(Outcome::public(moved, Some(to)))
    }
}
