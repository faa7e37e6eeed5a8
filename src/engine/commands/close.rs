//! `/close [reason]`: staff close a ticket; a customer asks to close their own, and confirms with
//! the `closeown:T-n` button.

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{Button, ButtonAction, CloseReason, EventKind, Status, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_only, customer_post};
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
            customer_only(&ticket, ctx, "you may close only your own tickets")?;
            if ticket.status == Status::Closed {
                return Err(Failure::user(format!("{} is closed already", ticket.reference)));
            }
            // One confirmation: a stray /close must not end a ticket someone is working on.
            let yes = Button::new(ButtonAction::CloseOwn, ticket.reference, "Yes, close it");
            let ask = format!("Close {}? Nobody will work on it after that.", ticket.reference);
            let mut post = customer_post(&ticket, ask);
            post.buttons = vec![yes];
            tx.enqueue_post(&post, ctx.at).await?;
            return Ok(Outcome::private(
                format!("Press “Yes, close it” to close {}.", ticket.reference),
                Some(ticket.reference),
            ));
        }
        ticket.close(CloseReason::ClosedByStaff)?;
        let kind = EventKind::Closed {
            reason: CloseReason::ClosedByStaff,
            comment: self.reason.clone(),
            article: None,
        };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        let goodbye = format!("{} is closed. Thank you for contacting us.", ticket.reference);
        tx.enqueue_post(&customer_post(&ticket, goodbye), ctx.at).await?;
        Ok(Outcome::public(format!("{} closed", ticket.reference), Some(ticket.reference)))
    }
}
