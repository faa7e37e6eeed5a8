//! The texts staff read about storms (similar tickets proposed as one incident), each a small
//! function of plain values, in English for now (README, Languages: what is not translated yet);
//! what customers read about a storm is in the catalogues (`storm-*`).

/// `T-1, T-2 and T-3`.
fn tickets(refs: &[String]) -> String {
    super::text::join_and_in(refs, crate::domain::Locale::En)
}

/// The card each domain owner gets: what the storm is, and what confirming does.
pub fn proposal_card(domain: &str, refs: &[String], window_minutes: u32, first_title: &str) -> String {
    format!(
        "Storm in {domain}: {} similar new tickets within {window_minutes} minutes ({}), such as “{first_title}”.\nConfirm to make {} one S-level incident with a war room and link the others to it: their customers hear every /update from the room, and each gets their own resolution card when it is resolved.",
        refs.len(),
        tickets(refs),
        refs.first().map_or("the first", String::as_str),
    )
}

pub fn confirm_label() -> String {
    "Confirm: one incident".to_owned()
}

pub fn decline_label() -> String {
    "Decline".to_owned()
}

/// In the first ticket's staff thread, when the owners were asked.
pub fn proposal_notice(refs: &[String], owners: &[String]) -> String {
    format!(
        "{} look like one problem (a storm); {} asked to confirm them as one incident.",
        tickets(refs),
        if owners.len() == 1 { format!("{} was", owners[0]) } else { format!("{} were", tickets(owners)) }
    )
}

/// In a new ticket's staff thread, when it joins a storm the owners have not answered yet.
pub fn joined_proposal_notice(ticket: &str, first: &str) -> String {
    format!(
        "{ticket} looks like the storm of {first}, which is waiting for an owner; confirming it links {ticket} too."
    )
}

/// The impact the war room's card shows for a storm's incident.
pub fn impact(count: usize, domain: &str) -> String {
    format!("a storm: {count} customers report the same {domain} problem")
}

/// In a linked ticket's staff thread.
pub fn linked_staff(ticket: &str, incident: &str) -> String {
    format!(
        "{ticket} is linked to the incident {incident} (a storm): its customer hears the war room's /update, and resolving {incident} sends them their own resolution card."
    )
}

/// In the war room, when the storm is confirmed.
pub fn confirmed_room(incident: &str, linked: &[String]) -> String {
    format!(
        "{incident} is a storm: {} {} linked to it. /update here reaches their customers too, and /resolve sends each of them their own resolution card.",
        tickets(linked),
        if linked.len() == 1 { "is" } else { "are" }
    )
}

/// In the war room, when a later ticket joins the open incident.
pub fn joined_room(ticket: &str, customer: &str, incident: &str) -> String {
    format!(
        "{ticket} from {customer} is the same problem: linked to {incident}; your /update reaches them too."
    )
}

/// The owner's reply on confirming.
pub fn confirmed_reply(incident: &str, linked: usize, room: &str) -> String {
    format!("{incident} is the incident (S-level, war room {room}); {} linked to it", count_tickets(linked))
}

/// The owner's reply on declining.
pub fn declined_reply(refs: &[String]) -> String {
    format!("Declined: {} stay separate tickets and are not proposed again", tickets(refs))
}

/// In the first ticket's staff thread, when an owner declined.
pub fn declined_notice(by: &str, refs: &[String], reason: Option<&str>) -> String {
    let because = reason.map(|r| format!(": {r}")).unwrap_or_default();
    format!("{by} declined the storm of {}{because}. They stay separate tickets.", tickets(refs))
}

/// A press on a storm already answered.
pub fn already_answered(first: &str, status: &str, by: &str) -> String {
    format!("the storm of {first} was {status} by {by} already")
}

/// Two answers at once: the other one was recorded first.
pub fn answered_meanwhile(first: &str) -> String {
    format!("the storm of {first} was answered by someone else meanwhile; nothing changed")
}

/// A press naming a ticket in no storm.
pub fn no_storm(ticket: &str) -> String {
    format!("{ticket} is in no storm")
}

/// A press by someone who may not answer the storm.
pub fn only_owners(domain: &str, owners: &[String], first: &str) -> String {
    let who = if owners.is_empty() { "nobody".to_owned() } else { tickets(owners) };
    format!("only the owners of the {domain} domain ({who}) can answer the storm of {first}")
}

/// No ticket of the storm is open any more.
pub fn nothing_open(first: &str) -> String {
    format!("every ticket of the storm of {first} is closed; there is nothing to make an incident of")
}

/// What `/update` adds to its reply when the incident has linked tickets.
pub fn update_reached(linked: usize) -> String {
    format!(" and to the customers of {}", count_linked(linked))
}

/// What `/resolve` adds to its reply when the incident has linked tickets.
pub fn resolve_reached(linked: usize) -> String {
    format!("; {} resolved with it, each customer sent their own card", count_linked(linked))
}

fn count_tickets(n: usize) -> String {
    if n == 1 { "1 ticket".to_owned() } else { format!("{n} tickets") }
}

fn count_linked(n: usize) -> String {
    if n == 1 { "1 linked ticket".to_owned() } else { format!("{n} linked tickets") }
}

/// The timeline's words for a proposal (`ticket show`).
pub fn proposed_event(refs: &[String], owners: &[String]) -> String {
    format!("proposed {} as one storm to {}", tickets(refs), tickets(owners))
}

pub fn confirmed_event(refs: &[String]) -> String {
    format!("confirmed the storm of {} as one incident", tickets(refs))
}

pub fn declined_event(refs: &[String], reason: Option<&str>) -> String {
    let because = reason.map(|r| format!(": {r}")).unwrap_or_default();
    format!("declined the storm of {}{because}", tickets(refs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposal_names_the_tickets_and_what_confirming_does() {
        let refs: Vec<String> = ["T-1", "T-2", "T-3"].map(String::from).to_vec();
        let card = proposal_card("screen", &refs, 15, "black screen");
        assert!(
            card.starts_with("Storm in screen: 3 similar new tickets within 15 minutes (T-1, T-2 and T-3)")
        );
        assert!(card.contains("make T-1 one S-level incident"));
        assert_eq!(
            proposal_notice(&refs, &["erin".to_owned()]).split("; ").nth(1).unwrap(),
            "erin was asked to confirm them as one incident."
        );
    }
}
