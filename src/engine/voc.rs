//! Voice of customer in the engine: a ticket that becomes a suggestion (kind `suggestion`, at
//! intake, `/ticket` or `/classify`) joins the open or accepted item of its domain holding the
//! most alike suggestion (the rule is `domain::voc`, the words the knowledge base's terms, each
//! ticket's read once through the storms' `TermsCache`), or opens a new item `V-n`. A product
//! manager links, accepts (handed to engineering as a `voc.accepted` outbound event), rejects
//! (each linked customer told the reason) or ships (each told, and asked for feedback) an item;
//! every step is on each linked ticket's timeline, in the transaction of the command.

use std::sync::Arc;

use serde_json::json;

use super::outbound::OutboundEvent;
use super::{Ctx, Engine, Failure, Outcome, customer_says, event, staff_post};
use crate::domain::storm::Terms;
use crate::domain::voc::{VocError, VocItem, VocRef, VocStatus, VocStep};
use crate::domain::{EventKind, Locale, Msg, SYSTEM_ACTOR, Ticket, TicketRef};
use crate::store::voc::{SUGGESTION_CHARS, VocDecision};
use crate::store::{StoreError, StoreTx};
use crate::t;

/// At most this many of a domain's live items (the newest) are compared with a new suggestion.
const ITEMS_COMPARED: i64 = 200;
/// A new suggestion is compared with at most this many of an item's suggestions (its first ones).
const SUGGESTIONS_COMPARED: i64 = 10;
/// How many characters of a suggestion a reply or the tracker's issue quotes.
const QUOTED_CHARS: usize = 300;

impl Engine {
    /// A ticket became a suggestion: it joins the live item of its domain with the most alike
    /// suggestion, or opens a new one; its timeline and staff thread say which. A ticket already
    /// in an item stays where it is.
    pub(super) async fn take_suggestion(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
    ) -> Result<(), StoreError> {
        if tx.voc_item_of(ticket.reference).await?.is_some() {
            return Ok(());
        }
        let text = suggestion_text(tx, ticket).await?;
        let terms = self.storm_terms.terms(ticket.reference, &text);
        let domain = ticket.domain.as_deref();
        let items = tx.live_voc_items(domain, ITEMS_COMPARED, SUGGESTIONS_COMPARED).await?;
        let candidates: Vec<(VocRef, Vec<Arc<Terms>>)> = items
            .iter()
            .map(|item| {
                let each = item.suggestions.iter().map(|s| self.storm_terms.terms(s.ticket, &s.text));
                (item.reference, each.collect())
            })
            .collect();
        let rule = self.config.settings.voc.rule();
        let (item, opened) = match rule.item_for(&terms, &candidates) {
            Some(item) => (item, false),
            None => (tx.insert_voc_item(&ticket.title, domain, ctx.at).await?, true),
        };
        tx.link_suggestion(item, ticket.reference, &text, SYSTEM_ACTOR, ctx.at).await?;
        let bot = Ctx { actor: SYSTEM_ACTOR, ..*ctx };
        tx.append_event(&event(ticket, &bot, EventKind::VocLinked { item })).await?;
        let shared = self.shared_locale();
        let notice = match items.iter().find(|i| i.reference == item) {
            Some(joined) if !opened => t!(
                shared,
                "voc-staff-joined",
                ticket = ticket.reference.to_string(),
                item = item.to_string(),
                title = joined.title.as_str(),
                customers = customers_with(joined, &ticket.customer)
            ),
            _ => {
                t!(shared, "voc-staff-opened", ticket = ticket.reference.to_string(), item = item.to_string())
            }
        };
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await
    }

    /// The item `/voc` names, read for change.
    async fn voc_item(&self, tx: &mut dyn StoreTx, item: VocRef) -> Result<VocItem, Failure> {
        tx.voc_item_for_update(item)
            .await?
            .ok_or_else(|| Failure::Says(Msg::new("voc-no-such-item").shown("item", item)))
    }

    /// `/voc link`: puts the ticket's suggestion in the item (from any other item it was in).
    pub(super) async fn link_to_voc(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        item: VocRef,
        ticket: TicketRef,
    ) -> Result<Outcome, Failure> {
        let found = self.voc_item(tx, item).await?;
        if !found.status.takes_suggestions() {
            return Err(voc_error(VocError::TakesNoSuggestions { item, status: found.status }));
        }
        let ticket = self.target(tx, ctx, Some(ticket)).await?;
        if found.suggestions.iter().any(|s| s.ticket == ticket.reference) {
            let already = Msg::new("voc-link-already").shown("ticket", ticket.reference).shown("item", item);
            return Err(Failure::Says(already));
        }
        let text = suggestion_text(tx, &ticket).await?;
        let before = tx.link_suggestion(item, ticket.reference, &text, ctx.actor, ctx.at).await?;
        tx.append_event(&event(&ticket, ctx, EventKind::VocLinked { item })).await?;
        let (reference, customers) = (ticket.reference.to_string(), customers_with(&found, &ticket.customer));
        let mut reply =
            t!(ctx.locale, "voc-linked", ticket = reference, item = item.to_string(), customers = customers);
        if let Some(before) = before {
            reply.push_str(&t!(ctx.locale, "voc-linked-moved", from = before.to_string()));
        }
        Ok(Outcome::private(reply, Some(ticket.reference)))
    }

    /// `/voc accept|reject|ship`: moves the item on (`text` is the rejection's reason or the
    /// shipping note), puts the step on each linked ticket's timeline, tells the customers of a
    /// rejected or shipped item, and emits `voc.<status>` for engineering's tracker.
    pub(super) async fn decide_voc(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        item: VocRef,
        step: VocStep,
        text: Option<&str>,
    ) -> Result<Outcome, Failure> {
        let mut found = self.voc_item(tx, item).await?;
        let to = found.status.after(item, step).map_err(voc_error)?;
        let text = text.map(str::trim).filter(|t| crate::domain::text::has_visible_text(t));
        if text.is_none() && step != VocStep::Accept {
            return Err(Failure::Says(Msg::new("voc-needs-text").shown("step", step)));
        }
        let decision = VocDecision {
            from: found.status,
            to,
            by: ctx.actor,
            reason: text.filter(|_| to == VocStatus::Rejected),
            note: text.filter(|_| to == VocStatus::Shipped),
            at: ctx.at,
        };
        if !tx.decide_voc_item(item, &decision).await? {
            return Err(Failure::Says(Msg::new("voc-changed-meanwhile").shown("item", item)));
        }
        found.status = to;
        found.reason = decision.reason.map(str::to_owned).or(found.reason);
        found.note = decision.note.map(str::to_owned).or(found.note);
        let mut told: Vec<String> = Vec::new();
        for suggestion in &found.suggestions {
            let Some(ticket) = tx.ticket_for_update(suggestion.ticket).await? else { continue };
            let decided = EventKind::VocDecided { item, status: to, text: text.map(str::to_owned) };
            tx.append_event(&event(&ticket, ctx, decided)).await?;
            if to == VocStatus::Accepted || told.contains(&ticket.customer) {
                continue;
            }
            told.push(ticket.customer.clone());
            let said = customer_message(&ticket, to, text.unwrap_or_default());
            self.tell_customers(tx, &ticket, customer_says(&ticket, said), ctx.at).await?;
        }
        self.emit(tx, ctx.at, self.voc_event(&found)).await?;
        let key = match to {
            VocStatus::Accepted => "voc-accepted",
            VocStatus::Rejected => "voc-rejected",
            _ => "voc-shipped",
        };
        let said = Msg::new(key)
            .shown("item", item)
            .arg("customers", found.customers().len())
            .arg("told", told.len());
        let reply = crate::i18n::text(ctx.locale, &said);
        Ok(Outcome::private(reply, None))
    }

    /// `voc.accepted`, `voc.rejected` or `voc.shipped` for the item as it now stands: its title
    /// and body are the engineering tracker's issue, in the language staff share.
    fn voc_event(&self, item: &VocItem) -> OutboundEvent {
        let name = match item.status {
            VocStatus::Accepted => "voc.accepted",
            VocStatus::Rejected => "voc.rejected",
            VocStatus::Shipped => "voc.shipped",
            VocStatus::Open => "voc.opened",
        };
        let locale = self.shared_locale();
        let tickets: Vec<_> =
            item.suggestions.iter().map(|s| json!({"ticket": s.ticket, "customer": s.customer})).collect();
        OutboundEvent {
            name,
            subject: item.reference.to_string(),
            data: json!({
                "item": item.reference,
                "title": t!(locale, "voc-issue-title", item = item.reference.to_string(), title = item.title.as_str()),
                "body": issue_body(item, locale),
                "status": item.status,
                "domain": item.domain,
                "customers": item.customers().len(),
                "tickets": tickets,
                "reason": item.reason,
                "note": item.note,
                "tracker_url": item.tracker_url,
            }),
        }
    }
}

/// A VOC rule broken, as the reader's reply.
fn voc_error(error: VocError) -> Failure {
    Failure::Says(error.msg())
}

/// The customers asking for `item` once `customer` is among them.
fn customers_with(item: &VocItem, customer: &str) -> usize {
    let customers = item.customers();
    customers.len() + usize::from(!customers.contains(&customer))
}

/// What a ticket suggests: the customer's first text on it (its title when there is none), cut
/// to what is kept.
async fn suggestion_text(tx: &mut dyn StoreTx, ticket: &Ticket) -> Result<String, StoreError> {
    let timeline = tx.timeline(ticket.reference).await?;
    let first = timeline.iter().find_map(|e| match &e.kind {
        EventKind::Created { text, .. } if crate::domain::text::has_visible_text(text) => Some(text.as_str()),
        _ => None,
    });
    Ok(first.unwrap_or(&ticket.title).chars().take(SUGGESTION_CHARS).collect())
}

/// What a linked customer reads when the item is rejected (with the reason) or shipped (with
/// the note, and a question for feedback).
fn customer_message(ticket: &Ticket, status: VocStatus, text: &str) -> Msg {
    let key = if status == VocStatus::Rejected { "voc-rejected-customer" } else { "voc-shipped-customer" };
    Msg::new(key).shown("ticket", ticket.reference).arg("title", ticket.title.as_str()).arg("text", text)
}

/// The tracker issue's body: what is asked, by how many customers, in which domain, and each
/// suggestion quoted with its ticket.
fn issue_body(item: &VocItem, locale: Locale) -> String {
    let domain = item.domain.clone().unwrap_or_else(|| t!(locale, "voc-no-domain"));
    let quotes: Vec<String> = item
        .suggestions
        .iter()
        .map(|s| {
            let quoted = super::text::quote(&s.text, QUOTED_CHARS, locale);
            t!(locale, "voc-issue-quote", quote = quoted, ticket = s.ticket.to_string())
        })
        .collect();
    let mut body = t!(
        locale,
        "voc-issue-body",
        item = item.reference.to_string(),
        title = item.title.as_str(),
        domain = domain,
        customers = item.customers().len(),
        tickets = item.suggestions.len(),
        quotes = quotes.join("\n\n")
    );
    if let Some(reason) = &item.reason {
        body.push_str("\n\n");
        body.push_str(&t!(locale, "voc-issue-reason", reason = reason.as_str()));
    }
    if let Some(note) = &item.note {
        body.push_str("\n\n");
        body.push_str(&t!(locale, "voc-issue-note", note = note.as_str()));
    }
    body
}

/// A status in the reader's words.
fn status_word(status: VocStatus, locale: Locale) -> String {
    crate::i18n::text(locale, &Msg::new("voc-status").shown("status", status))
}

/// The item a command names (`V-3`), or the reply saying how to write one.
pub(super) fn voc_ref(text: &str) -> Result<VocRef, Failure> {
    text.parse().map_err(voc_error)
}

/// How many items `/voc list` shows; `resolvd voc list` shows them all.
pub(super) const LISTED: i64 = 25;

/// `/voc list`: one line an item.
pub(super) fn list_text(items: &[VocItem], status: Option<VocStatus>, more: bool, locale: Locale) -> String {
    // `all` selects the heading without a status; a status is shown in the reader's words.
    let status = status.map_or_else(|| "all".to_owned(), |s| status_word(s, locale));
    if items.is_empty() {
        return t!(locale, "voc-list-empty", status = status);
    }
    let mut lines = vec![t!(locale, "voc-list-heading", status = status)];
    for item in items {
        lines.push(t!(
            locale,
            "voc-list-line",
            item = item.reference.to_string(),
            status = status_word(item.status, locale),
            title = item.title.as_str(),
            domain = item.domain.clone().unwrap_or_else(|| t!(locale, "voc-no-domain")),
            customers = item.customers().len(),
            tickets = item.suggestions.len()
        ));
    }
    if more {
        lines.push(t!(locale, "voc-list-more"));
    }
    lines.join("\n")
}

/// `/voc show`: the item, its decision, and each suggestion quoted with its ticket and customer.
pub(super) fn show_text(item: &VocItem, locale: Locale) -> String {
    let time = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    let customers: Vec<&str> = item.customers();
    let mut lines = vec![t!(
        locale,
        "voc-show",
        item = item.reference.to_string(),
        title = item.title.as_str(),
        status = status_word(item.status, locale),
        domain = item.domain.clone().unwrap_or_else(|| t!(locale, "voc-no-domain")),
        opened = time(item.created_at),
        changed = time(item.updated_at),
        count = customers.len(),
        customers = super::text::join_and_in(&customers, locale)
    )];
    if let Some(reason) = &item.reason {
        lines.push(t!(locale, "voc-show-reason", reason = reason.as_str()));
    }
    if let Some(note) = &item.note {
        lines.push(t!(locale, "voc-show-note", note = note.as_str()));
    }
    if let Some(url) = &item.tracker_url {
        lines.push(t!(locale, "voc-show-tracker", url = url.as_str()));
    }
    for s in &item.suggestions {
        let quote = super::text::quote(&s.text, QUOTED_CHARS, locale);
        lines.push(t!(
            locale,
            "voc-show-suggestion",
            ticket = s.ticket.to_string(),
            customer = s.customer.as_str(),
            quote = quote
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::voc::Suggestion;

    fn item() -> VocItem {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-04T09:00:00Z").unwrap().to_utc();
        let suggestion = |n: i64, customer: &str, text: &str| Suggestion {
            ticket: TicketRef(n),
            customer: customer.into(),
            text: text.into(),
            linked_by: SYSTEM_ACTOR.into(),
            linked_at: at,
        };
        VocItem {
            reference: VocRef(1),
            title: "Dark mode for the settings".into(),
            domain: Some("screen".into()),
            status: VocStatus::Accepted,
            reason: None,
            note: None,
            tracker_url: None,
            decided_by: Some("judy".into()),
            created_at: at,
            updated_at: at,
            suggestions: vec![
                suggestion(1, "alice", "Dark mode for the settings"),
                suggestion(2, "mallory", "A dark mode would help"),
                suggestion(5, "alice", "Dark mode, please"),
            ],
        }
    }

    #[test]
    fn the_issue_quotes_each_suggestion_and_counts_customers_once() {
        let body = issue_body(&item(), Locale::En);
        assert_eq!(
            body,
            "Voice of customer V-1: Dark mode for the settings\nDomain: screen\nAsked for by 2 customers on 3 \
             tickets:\n> Dark mode for the settings\n— T-1\n\n> A dark mode would help\n— T-2\n\n> Dark mode, \
             please\n— T-5"
        );
        let zh = issue_body(&VocItem { domain: None, ..item() }, Locale::ZhCn);
        assert!(
            zh.starts_with(
                "客户之声 V-1：Dark mode for the settings\n领域：无领域\n共有 2 位客户通过 3 张工单提出"
            ),
            "{zh}"
        );
    }

    #[test]
    fn a_decided_items_reason_or_note_ends_the_issue() {
        let rejected = VocItem { reason: Some("not this year".into()), ..item() };
        assert!(issue_body(&rejected, Locale::En).ends_with("— T-5\n\nRejected: not this year"));
        let shipped = VocItem { note: Some("in 2.2".into()), ..item() };
        assert!(issue_body(&shipped, Locale::En).ends_with("\n\nShipped: in 2.2"));
    }
}
