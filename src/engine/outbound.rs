//! Outbound events for webhook subscribers and the engineering tracker (`voc.accepted`, …).
//!
//! On this branch a stand-in: the deliveries branch replaces this file at merge with the real
//! outbox of signed webhook deliveries, behind exactly this API. Callers emit in the transaction
//! of the change the event reports, so nothing here may write outside `tx`.

use chrono::{DateTime, Utc};

use super::{Engine, Failure};
use crate::store::StoreTx;

/// An event for subscribers: its name (`voc.accepted`), what it is about (`V-3`, `T-12`) and its
/// JSON payload.
pub struct OutboundEvent {
    pub name: &'static str,
    pub subject: String,
    pub data: serde_json::Value,
}

impl Engine {
    /// Queues `event` for delivery in `tx`. The stand-in only logs it; the deliveries branch
    /// replaces this body at merge.
    pub(crate) async fn emit(
        &self,
        tx: &mut dyn StoreTx,
        at: DateTime<Utc>,
        event: OutboundEvent,
    ) -> Result<(), Failure> {
        let _ = tx;
        tracing::debug!(event = event.name, subject = %event.subject, data = %event.data, %at, "outbound event");
        Ok(())
    }
}
