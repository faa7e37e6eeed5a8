//! Read-only views of voice-of-customer items for `resolvd voc show|list` (`--json`, or lines for
//! a terminal in the ops time zone).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::{local_time, quoted};
use crate::domain::TicketRef;
use crate::domain::text::one_line;
use crate::domain::voc::{VocItem, VocRef, VocStatus};

/// An item as `resolvd voc show --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct VocView {
    /// `V-3`.
    pub id: VocRef,
    pub title: String,
    pub status: VocStatus,
    pub domain: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// What shipped.
    pub note: Option<String>,
    /// The engineering tracker's issue, once one is made.
    pub tracker_url: Option<String>,
    pub decided_by: Option<String>,
    /// How many customers ask for it (each once, however many tickets).
    pub customers: usize,
    pub tickets: Vec<SuggestionView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SuggestionView {
    pub ticket: TicketRef,
    pub customer: String,
    /// What the customer wrote, as it was compared.
    pub text: String,
    pub linked_by: String,
    pub linked_at: DateTime<Utc>,
}

impl From<VocItem> for VocView {
    fn from(item: VocItem) -> Self {
        VocView {
            id: item.reference,
            customers: item.customers().len(),
            title: item.title,
            status: item.status,
            domain: item.domain,
            reason: item.reason,
            note: item.note,
            tracker_url: item.tracker_url,
            decided_by: item.decided_by,
            tickets: item
                .suggestions
                .into_iter()
                .map(|s| SuggestionView {
                    ticket: s.ticket,
                    customer: s.customer,
                    text: s.text,
                    linked_by: s.linked_by,
                    linked_at: s.linked_at,
                })
                .collect(),
            created_at: item.created_at,
            updated_at: item.updated_at,
        }
    }
}

/// `V-1  accepted  screen  2 customers  Dark mode for the settings screen`.
pub fn voc_line(view: &VocView) -> String {
    format!(
        "{}\t{}\t{}\t{} customers\t{}",
        view.id,
        view.status,
        view.domain.as_deref().map_or_else(|| "-".to_owned(), one_line),
        view.customers,
        one_line(&view.title)
    )
}

/// The item with its decision and each suggestion, times in `zone`.
pub fn voc_text(view: &VocView, zone: Tz) -> String {
    let mut out = format!("{}\n", voc_line(view));
    out.push_str(&format!(
        "  opened {} · last change {}\n",
        local_time(view.created_at, zone),
        local_time(view.updated_at, zone)
    ));
    let decided = |what: &str, text: &str| {
        let by = view.decided_by.as_deref().map(|b| format!(" by {}", one_line(b))).unwrap_or_default();
        format!("  {what}{by}: {}\n", quoted(text, 500))
    };
    if let Some(reason) = &view.reason {
        out.push_str(&decided("rejected", reason));
    }
    if let Some(note) = &view.note {
        out.push_str(&decided("shipped", note));
    }
    if let Some(url) = &view.tracker_url {
        out.push_str(&format!("  tracker: {}\n", one_line(url)));
    }
    for s in &view.tickets {
        out.push_str(&format!("  {} {}: {}\n", s.ticket, one_line(&s.customer), quoted(&s.text, 200)));
    }
    out
}
