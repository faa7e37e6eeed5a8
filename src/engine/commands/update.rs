//! `/update text:`: a progress note to the customer from the war room.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::{DomainError, EventKind, Msg, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_says, text_storm};
use crate::store::StoreTx;

pub struct Update {
    ticket: Option<TicketRef>,
    text: String,
}

#[async_trait]
impl CommandHandler for Update {
    const PATH: &'static str = "update";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Update { ticket: args.ticket(), text: required(args, Self::PATH, "text")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        engine.open_room(tx, &ticket, "/update").await?;
        if ticket.is_closed() {
            return Err(DomainError::Closed(ticket.reference).into());
        }
        if !crate::domain::text::has_visible_text(&self.text) {
            return Err(Failure::user(t!(ctx.locale, "say-what-to-tell")));
        }
        let update = self.text.trim().to_owned();
        engine.save(tx, ctx, &mut ticket, EventKind::CustomerUpdate { text: update.clone() }).await?;
        let note =
            Msg::new("customer-update").shown("ticket", ticket.reference).arg("update", update.clone());
        engine.tell_customers(tx, &ticket, customer_says(&ticket, note), ctx.at).await?;
        // A storm's incident: every linked ticket's customer hears it too.
        let linked = engine.update_incident_tickets(tx, ctx, &ticket, &update).await?;
        let mut reply = t!(
            ctx.locale,
            "update-done",
            customer = ticket.customer.as_str(),
            ticket = ticket.reference.to_string()
        );
        if linked > 0 {
            reply.push_str(&text_storm::update_reached(linked, ctx.locale));
        }
        Ok(Outcome::public(reply, Some(ticket.reference)))
    }
}
