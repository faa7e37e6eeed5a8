//! Outbound events: what the engine tells the world outside chat (README, "Webhooks"). Each is
//! written as deliveries (one per subscribed webhook, and the tracker or sales where the event
//! goes there) in the transaction of the event it reports; `crate::webhooks::Sender` sends them.
//!
//! A ticket's timeline event becomes one through `outbound_of`: `save` and `record` write it, so
//! every `ticket.created`, `ticket.resolved`, `ticket.closed`, `sla.breached` and
//! `incident.opened` is sent from there. Other features call `emit` with their own.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::posts::event;
use super::{Ctx, Engine, Failure};
use crate::config::OUTBOUND_EVENTS;
use crate::domain::{EventKind, Ticket};
use crate::store::deliveries::NewDelivery;
use crate::store::{StoreError, StoreTx};
use crate::webhooks::Target;

/// An event for the outside: its name (one of `config::OUTBOUND_EVENTS`), what it is about (T-n
/// or V-n), and its data, which the body carries beside `event`, `delivery` and `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundEvent {
    pub name: &'static str,
    pub subject: String,
    pub data: Value,
}

impl OutboundEvent {
    /// An event about a ticket: `{"ticket": …}` and the fields of `extra`.
    pub fn about_ticket(name: &'static str, ticket: &Ticket, extra: Value) -> OutboundEvent {
        let mut data = json!({ "ticket": ticket });
        if let (Value::Object(data), Value::Object(extra)) = (&mut data, extra) {
            data.extend(extra);
        }
        OutboundEvent { name, subject: ticket.reference.to_string(), data }
    }
}

/// The outbound event a ticket's timeline event is, if it is one.
pub(super) fn outbound_of(ticket: &Ticket, kind: &EventKind) -> Option<OutboundEvent> {
    let (name, extra) = match kind {
        EventKind::Created { text, .. } => ("ticket.created", json!({ "text": text })),
        EventKind::Resolved { resolution, on_time, .. } => {
            ("ticket.resolved", json!({ "resolution": resolution, "on_time": on_time }))
        }
        EventKind::Closed { reason, comment, .. } => {
            ("ticket.closed", json!({ "reason": reason, "comment": comment }))
        }
        EventKind::SlaAlarm { clock, alarm, due, .. } if alarm == "breach" => {
            ("sla.breached", json!({ "clock": clock, "due": due }))
        }
        EventKind::WarRoomOpened { room, leader, roster } => {
            ("incident.opened", json!({ "room": room, "leader": leader, "roster": roster }))
        }
        _ => return None,
    };
    Some(OutboundEvent::about_ticket(name, ticket, extra))
}

impl Engine {
    /// Writes the event's deliveries in `tx`: one per webhook subscribed to it, and one to the
    /// tracker (`voc.accepted`) or to sales (`handoff.sales`) when config names them.
    pub(crate) async fn emit(
        &self,
        tx: &mut dyn StoreTx,
        at: DateTime<Utc>,
        event: OutboundEvent,
    ) -> Result<(), Failure> {
        if !OUTBOUND_EVENTS.contains(&event.name) {
            return Err(Failure::Internal(anyhow::anyhow!("`{}` is not an outbound event", event.name)));
        }
        Ok(self.deliver(tx, at, &event).await?)
    }

    /// `emit` in a transaction of its own, for an event that changes nothing else (a tool's, a
    /// test's).
    pub async fn emit_alone(&self, at: DateTime<Utc>, event: OutboundEvent) -> Result<(), Failure> {
        let mut tx = self.store.begin().await?;
        self.emit(&mut *tx, at, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `emit`, for the engine's own steps (which fail with store errors only).
    pub(super) async fn deliver(
        &self,
        tx: &mut dyn StoreTx,
        at: DateTime<Utc>,
        event: &OutboundEvent,
    ) -> Result<(), StoreError> {
        for target in Target::all_for(&self.config, event.name) {
            let body = |id: i64| target.body(event.name, &event.subject, &event.data, id, at);
            let delivery =
                NewDelivery { target: target.key(), event: event.name, subject: &event.subject, at };
            tx.insert_delivery(&delivery, &body).await?;
        }
        Ok(())
    }

    /// Appends a ticket's timeline event and writes the deliveries it causes: for the events
    /// `save` does not write (a new ticket's first, the sweep's alarms, a war room opening).
    pub(super) async fn record(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
        kind: EventKind,
    ) -> Result<(), StoreError> {
        let outbound = outbound_of(ticket, &kind);
        tx.append_event(&event(ticket, ctx, kind)).await?;
        if let Some(outbound) = outbound {
            self.deliver(tx, ctx.at, &outbound).await?;
        }
        Ok(())
    }
}
