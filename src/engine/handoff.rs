//! Inquiries to sales (README, "Sales hand-off"). A ticket whose kind becomes `inquiry` (the
//! classification rules at intake, `/ticket`, or `/classify kind:inquiry`) is handed to sales
//! when `[handoff.sales]` is set: a `handoff.sales` delivery carries the customer, their text and
//! the ticket; the ticket waits (`waiting_customer`, with a `handed_off` event that stops the
//! resolution clock, as waiting for the customer does) until sales answers on
//! `POST /api/v1/tickets/T-n/handoff`, which records the outcome, closes the ticket (`sales`) and
//! tells the customer.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::outbound::OutboundEvent;
use super::posts::{customer_says, staff_post};
use super::{Ctx, Engine};
use crate::domain::{
    CloseReason, Event, EventKind, HandoffOutcome, Kind, Msg, SYSTEM_ACTOR, Status, Ticket, TicketRef,
};
use crate::store::{StoreError, StoreTx};
use crate::t;

/// Whom an inquiry is handed to (`handed_off.to`).
pub const SALES: &str = "sales";

/// Why sales' answer was not taken; the text is what the API answers.
#[derive(Debug, thiserror::Error)]
pub enum HandoffRefusal {
    #[error("there is no ticket {0}")]
    NoTicket(TicketRef),
    #[error("{0} is not waiting for sales: it was never handed to them, or they answered already")]
    NotHandedOff(TicketRef),
    #[error(transparent)]
    Internal(#[from] StoreError),
}

/// Whether the timeline's latest hand-off to `to` is still waiting for its answer.
fn waiting_for(events: &[Event], to: &str) -> bool {
    let mut waiting = false;
    for event in events {
        match &event.kind {
            EventKind::HandedOff { to: handed } if handed == to => waiting = true,
            EventKind::HandoffAnswered { .. } | EventKind::Closed { .. } => waiting = false,
            _ => {}
        }
    }
    waiting
}

/// The customer's own words on the ticket, oldest first.
fn customer_texts(events: &[Event]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Created { text, .. } | EventKind::Message { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

impl Engine {
    /// Hands an inquiry to sales, when config names them and it is not with them already: the
    /// `handoff.sales` delivery, the wait, and a word to the customer and to staff. Returns
    /// whether it did.
    pub(super) async fn hand_to_sales(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
    ) -> Result<bool, StoreError> {
        if self.config.settings.handoff.sales.is_none()
            || ticket.kind != Some(Kind::Inquiry)
            || ticket.is_closed()
        {
            return Ok(false);
        }
        let events = tx.timeline(ticket.reference).await?;
        if waiting_for(&events, SALES) {
            return Ok(false);
        }
        let bot = Ctx { actor: SYSTEM_ACTOR, ..*ctx };
        ticket.status = Status::WaitingCustomer;
        ticket.updated_at = ctx.at;
        tx.update_ticket(ticket).await?;
        self.record(tx, &bot, ticket, EventKind::HandedOff { to: SALES.to_owned() }).await?;
        self.schedule(tx, ticket, ctx.at).await?;

        let texts = customer_texts(&events);
        let extra = json!({
            "customer": { "id": ticket.customer },
            "text": texts.first(),
            "messages": texts,
            "callback": self.handoff_callback(ticket.reference),
        });
        self.deliver(tx, ctx.at, &OutboundEvent::about_ticket("handoff.sales", ticket, extra)).await?;

        let to_customer = Msg::new("handoff-sales-customer").shown("ticket", ticket.reference);
        self.tell_customers(tx, ticket, customer_says(ticket, to_customer), ctx.at).await?;
        let notice = t!(self.shared_locale(), "handoff-sales-staff", ticket = ticket.reference.to_string());
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        Ok(true)
    }

    /// Where sales answers: the API's hand-off callback, when the web server has an address.
    fn handoff_callback(&self, ticket: TicketRef) -> Option<String> {
        let web = &self.config.settings.web;
        let base = match (&web.public_url, web.listen_addr()) {
            (Some(url), _) => url.trim_end_matches('/').to_owned(),
            (None, Some(addr)) => format!("http://{addr}"),
            (None, None) => return None,
        };
        Some(format!("{base}/api/v1/tickets/{ticket}/handoff"))
    }

    /// Sales' answer to an inquiry handed to them, from `actor` (whom the API token speaks for):
    /// the outcome on the timeline, the ticket closed, the customer told. One transaction; a
    /// refusal writes nothing.
    pub async fn sales_answered(
        &self,
        reference: TicketRef,
        outcome: HandoffOutcome,
        note: Option<String>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Ticket, HandoffRefusal> {
        let mut tx = self.store.begin().await?;
        let mut ticket = tx.ticket_for_update(reference).await?.ok_or(HandoffRefusal::NoTicket(reference))?;
        if ticket.is_closed() || !waiting_for(&tx.timeline(reference).await?, SALES) {
            return Err(HandoffRefusal::NotHandedOff(reference));
        }
        let conversation = ticket.conversation.clone();
        let ctx = Ctx { actor, conversation: &conversation, at, locale: self.shared_locale() };
        self.save(&mut *tx, &ctx, &mut ticket, EventKind::HandoffAnswered { outcome, note: note.clone() })
            .await?;
        ticket.close(CloseReason::Sales).map_err(|_| HandoffRefusal::NotHandedOff(reference))?;
        let closed = EventKind::Closed { reason: CloseReason::Sales, comment: note.clone(), article: None };
        self.save(&mut *tx, &ctx, &mut ticket, closed).await?;

        let to_customer = Msg::new("handoff-answered-customer")
            .shown("ticket", ticket.reference)
            .arg("outcome", <&str>::from(outcome));
        self.tell_customers(&mut *tx, &ticket, customer_says(&ticket, to_customer), at).await?;
        let shared = self.shared_locale();
        let notice = t!(
            shared,
            "handoff-answered-staff",
            ticket = ticket.reference.to_string(),
            outcome = <&str>::from(outcome),
            note = note.as_deref().unwrap_or("-")
        );
        tx.enqueue_post(&staff_post(&ticket, notice, vec![], vec![]), at).await?;
        tx.commit().await?;
        Ok(ticket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(kind: EventKind) -> Event {
        Event { ticket: Some(TicketRef(1)), actor: "x".into(), at: Utc::now(), kind }
    }

    #[test]
    fn a_ticket_waits_for_sales_from_the_hand_off_until_their_answer() {
        let handed = at(EventKind::HandedOff { to: SALES.into() });
        let answered = at(EventKind::HandoffAnswered { outcome: HandoffOutcome::Won, note: None });
        assert!(!waiting_for(&[], SALES));
        assert!(waiting_for(std::slice::from_ref(&handed), SALES));
        assert!(!waiting_for(&[handed.clone(), answered.clone()], SALES));
        assert!(waiting_for(&[handed.clone(), answered, handed], SALES));
    }
}
