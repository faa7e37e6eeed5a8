//! The texts of storms (similar tickets proposed as one incident), each a small function of plain
//! values and the reader's language: staff threads and war rooms read `shared_locale`, an owner's
//! card and a reply the language of the one person who reads it. What customers read about a storm
//! is in the catalogues too (`storm-linked-customer`, `storm-update-linked`). The timeline's words
//! (`*_event`) are the operator's command line's (`resolvd ticket show`), which stays English.

use crate::domain::Locale;
use crate::t;

/// `T-1, T-2 and T-3` (`T-1、T-2和T-3`).
fn tickets(refs: &[String], locale: Locale) -> String {
    super::text::join_and_in(refs, locale)
}

/// The card each domain owner gets: what the storm is, and what confirming does.
pub fn proposal_card(
    domain: &str,
    refs: &[String],
    window_minutes: u32,
    first_title: &str,
    locale: Locale,
) -> String {
    t!(
        locale,
        "storm-proposal-card",
        domain = domain,
        count = refs.len(),
        minutes = window_minutes,
        tickets = tickets(refs, locale),
        title = first_title,
        first = refs.first().map_or("", String::as_str)
    )
}

pub fn confirm_label(locale: Locale) -> String {
    t!(locale, "storm-confirm-button")
}

pub fn decline_label(locale: Locale) -> String {
    t!(locale, "storm-decline-button")
}

/// In the first ticket's staff thread, when the owners were asked.
pub fn proposal_notice(refs: &[String], owners: &[String], locale: Locale) -> String {
    t!(
        locale,
        "storm-proposal-notice",
        tickets = tickets(refs, locale),
        owners = tickets(owners, locale),
        asked = owners.len()
    )
}

/// In a new ticket's staff thread, when it joins a storm the owners have not answered yet.
pub fn joined_proposal_notice(ticket: &str, first: &str, locale: Locale) -> String {
    t!(locale, "storm-joined-proposal", ticket = ticket, first = first)
}

/// The impact the war room's card shows for a storm's incident.
pub fn impact(count: usize, domain: &str, locale: Locale) -> String {
    t!(locale, "storm-impact", count = count, domain = domain)
}

/// In a linked ticket's staff thread.
pub fn linked_staff(ticket: &str, incident: &str, locale: Locale) -> String {
    t!(locale, "storm-linked-staff", ticket = ticket, incident = incident)
}

/// In the war room, when the storm is confirmed.
pub fn confirmed_room(incident: &str, linked: &[String], locale: Locale) -> String {
    t!(
        locale,
        "storm-confirmed-room",
        incident = incident,
        tickets = tickets(linked, locale),
        count = linked.len()
    )
}

/// In the war room, when a later ticket joins the open incident.
pub fn joined_room(ticket: &str, customer: &str, incident: &str, locale: Locale) -> String {
    t!(locale, "storm-joined-room", ticket = ticket, customer = customer, incident = incident)
}

/// The owner's reply on confirming.
pub fn confirmed_reply(incident: &str, linked: usize, room: &str, locale: Locale) -> String {
    t!(locale, "storm-confirmed-reply", incident = incident, count = linked, room = room)
}

/// The owner's reply on declining.
pub fn declined_reply(refs: &[String], locale: Locale) -> String {
    t!(locale, "storm-declined-reply", tickets = tickets(refs, locale))
}

/// In the first ticket's staff thread, when an owner declined.
pub fn declined_notice(by: &str, refs: &[String], reason: Option<&str>, locale: Locale) -> String {
    match reason {
        Some(reason) => {
            t!(locale, "storm-declined-because", by = by, tickets = tickets(refs, locale), reason = reason)
        }
        None => t!(locale, "storm-declined-notice", by = by, tickets = tickets(refs, locale)),
    }
}

/// A press on a storm already answered (`status`: `confirmed`, `declined`).
pub fn already_answered(first: &str, status: &str, by: &str, locale: Locale) -> String {
    t!(locale, "storm-already-answered", first = first, status = status, by = by)
}

/// Two answers at once: the other one was recorded first.
pub fn answered_meanwhile(first: &str, locale: Locale) -> String {
    t!(locale, "storm-answered-meanwhile", first = first)
}

/// A press naming a ticket in no storm.
pub fn no_storm(ticket: &str, locale: Locale) -> String {
    t!(locale, "storm-none", ticket = ticket)
}

/// A press by someone who may not answer the storm.
pub fn only_owners(domain: &str, owners: &[String], first: &str, locale: Locale) -> String {
    let who = if owners.is_empty() { t!(locale, "nobody") } else { tickets(owners, locale) };
    t!(locale, "storm-only-owners", domain = domain, owners = who, first = first)
}

/// No ticket of the storm is open any more.
pub fn nothing_open(first: &str, locale: Locale) -> String {
    t!(locale, "storm-nothing-open", first = first)
}

/// What `/update` adds to its reply when the incident has linked tickets.
pub fn update_reached(linked: usize, locale: Locale) -> String {
    t!(locale, "storm-update-reached", count = linked)
}

/// What `/resolve` adds to its reply when the incident has linked tickets.
pub fn resolve_reached(linked: usize, locale: Locale) -> String {
    t!(locale, "storm-resolve-reached", count = linked)
}

/// `T-1, T-2 and T-3` as the operator's command line writes them (English).
fn listed(refs: &[String]) -> String {
    tickets(refs, Locale::En)
}

/// The timeline's words for a proposal (`ticket show`).
pub fn proposed_event(refs: &[String], owners: &[String]) -> String {
    format!("proposed {} as one storm to {}", listed(refs), listed(owners))
}

pub fn confirmed_event(refs: &[String]) -> String {
    format!("confirmed the storm of {} as one incident", listed(refs))
}

pub fn declined_event(refs: &[String], reason: Option<&str>) -> String {
    let because = reason.map(|r| format!(": {r}")).unwrap_or_default();
    format!("declined the storm of {}{because}", listed(refs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposal_names_the_tickets_and_what_confirming_does() {
        let refs: Vec<String> = ["T-1", "T-2", "T-3"].map(String::from).to_vec();
        let card = proposal_card("screen", &refs, 15, "black screen", Locale::En);
        assert!(
            card.starts_with("Storm in screen: 3 similar new tickets within 15 minutes (T-1, T-2 and T-3)"),
            "{card}"
        );
        assert!(card.contains("make T-1 one S-level incident"));
        assert_eq!(
            proposal_notice(&refs, &["erin".to_owned()], Locale::En).split("; ").nth(1).unwrap(),
            "erin was asked to confirm them as one incident."
        );
        let card = proposal_card("screen", &refs, 15, "黑屏", Locale::ZhCn);
        assert!(card.contains("T-1、T-2和T-3") && card.contains("15 分钟"), "{card}");
    }

    #[test]
    fn counts_take_the_plural_they_need() {
        assert_eq!(update_reached(1, Locale::En), " and to the customers of 1 linked ticket");
        assert_eq!(update_reached(4, Locale::En), " and to the customers of 4 linked tickets");
        let two: Vec<String> = ["erin", "frank"].map(String::from).to_vec();
        assert!(
            proposal_notice(&two, &two, Locale::En)
                .ends_with("erin and frank were asked to confirm them as one incident.")
        );
    }
}
