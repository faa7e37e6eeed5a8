//! `/close [reason]`: staff close a ticket; a customer asks to close their own, and confirms with
//! the `closeown:T-n` button.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{Button, ButtonAction, CloseReason, EventKind, Msg, Status, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_only, customer_post, customer_says};
use crate::store::StoreTx;

pub struct Close {
    ticket: Option<TicketRef>,
    reason: Option<String>,
}

#[async_trait]
impl CommandHandler for Close {
    const PATH: &'static str = "close";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Close { ticket: args.ticket(), reason: optional(args, "reason") })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        if !engine.people.is_staff(ctx.actor) {
            customer_only(&ticket, ctx, &t!(ctx.locale, "close-own-tickets-only"))?;
            if ticket.status == Status::Closed {
                let closed = t!(ctx.locale, "close-already", ticket = ticket.reference.to_string());
                return Err(Failure::user(closed));
            }
            // One confirmation: a stray /close must not end a ticket someone is working on.
            let yes =
                Button::new(ButtonAction::CloseOwn, ticket.reference, &t!(ctx.locale, "close-yes-button"));
            let ask = t!(ctx.locale, "close-ask", ticket = ticket.reference.to_string());
            let mut post = customer_post(&ticket, ask);
            post.buttons = vec![yes];
            tx.enqueue_post(&post, ctx.at).await?;
            return Ok(Outcome::private(
                t!(ctx.locale, "close-press", ticket = ticket.reference.to_string()),
                Some(ticket.reference),
            ));
        }
        let reason = if self.reason.as_deref().is_some_and(is_spam) {
            CloseReason::Spam
        } else {
            CloseReason::ClosedByStaff
        };
        ticket.close(reason)?;
        let kind = EventKind::Closed { reason, comment: self.reason.clone(), article: None };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        if reason == CloseReason::Spam {
            // Nobody is thanked for spam, and a spammer learns nothing from a goodbye.
            return Ok(Outcome::public(
                t!(ctx.locale, "close-spam", ticket = ticket.reference.to_string()),
                Some(ticket.reference),
            ));
        }
        let goodbye = Msg::new("close-own-done").shown("ticket", ticket.reference);
        engine.tell_customers(tx, &ticket, customer_says(&ticket, goodbye), ctx.at).await?;
        Ok(Outcome::public(
            t!(ctx.locale, "close-done", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}

/// `reason:spam`, or a reason that starts with the word (`spam: a bot posting links`).
fn is_spam(reason: &str) -> bool {
    reason
        .trim()
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case("spam"))
}

#[cfg(test)]
mod tests {
    use super::is_spam;

    #[test]
    fn spam_is_the_reason_or_its_first_word() {
        assert!(is_spam("spam"));
        assert!(is_spam(" Spam: links to a casino"));
        assert!(!is_spam("spammy customer asked twice"));
        assert!(!is_spam("not spam"));
    }
}
