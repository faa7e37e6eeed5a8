//! Routing: which queue a ticket belongs to and who in it gets the ticket.

use std::collections::HashMap;

use super::ticket::Tier;

/// The members of each domain × tier queue, plus the triage queue for tickets with no domain yet.
#[derive(Debug, Clone, Default)]
pub struct Routing {
    queues: HashMap<(String, Tier), Vec<String>>,
    triage: Vec<String>,
}

/// The name of a queue; it also keys the queue's round-robin position in the store.
pub fn queue_name(domain: Option<&str>, tier: Tier) -> String {
    match domain {
        Some(domain) => format!("{domain}/{tier}"),
        None => "triage".to_owned(),
    }
}

impl Routing {
    pub fn new(queues: HashMap<(String, Tier), Vec<String>>, triage: Vec<String>) -> Self {
        Routing { queues, triage }
    }

    pub fn members(&self, domain: Option<&str>, tier: Tier) -> &[String] {
        match domain {
            Some(domain) => self.queues.get(&(domain.to_owned(), tier)).map(Vec::as_slice).unwrap_or(&[]),
            None => &self.triage,
        }
    }

    pub fn is_member(&self, domain: Option<&str>, tier: Tier, person: &str) -> bool {
        self.members(domain, tier).iter().any(|m| m == person)
    }

    /// The tier of `domain` that `person` works in: `current` when they serve it, else the lowest
    /// they serve; `None` when they are in none of the domain's queues.
    pub fn tier_of(&self, domain: &str, current: Tier, person: &str) -> Option<Tier> {
        let serves = |tier: Tier| self.is_member(Some(domain), tier, person);
        if serves(current) {
            return Some(current);
        }
        <Tier as strum::VariantArray>::VARIANTS.iter().copied().find(|tier| serves(*tier))
    }
}

/// Round robin: the `turn`-th pick (counting from 1) of a queue.
pub fn round_robin(members: &[String], turn: i64) -> Option<&str> {
    if members.is_empty() {
        return None;
    }
    let index = (turn - 1).rem_euclid(members.len() as i64) as usize;
    Some(members[index].as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_cycles_through_the_members() {
        let members = vec!["bob".to_string(), "bea".to_string()];
        let picks: Vec<_> = (1..=5).map(|turn| round_robin(&members, turn).unwrap()).collect();
        assert_eq!(picks, ["bob", "bea", "bob", "bea", "bob"]);
        assert_eq!(round_robin(&[], 1), None);
    }

    #[test]
    fn a_ticket_without_domain_goes_to_triage() {
        let routing = Routing::new(
            HashMap::from([(("screen".to_string(), Tier::L1), vec!["bob".to_string()])]),
            vec!["tom".to_string()],
        );
        assert_eq!(routing.members(None, Tier::L1), ["tom".to_string()]);
        assert_eq!(routing.members(Some("screen"), Tier::L1), ["bob".to_string()]);
        assert!(routing.members(Some("rf"), Tier::L1).is_empty());
        assert_eq!(queue_name(Some("screen"), Tier::L2), "screen/L2");
    }

    #[test]
    fn an_engineer_works_in_the_tier_they_serve_the_current_one_first() {
        let queue = |tier, members: &[&str]| {
            (("screen".to_string(), tier), members.iter().map(|m| m.to_string()).collect::<Vec<_>>())
        };
        let routing = Routing::new(
            HashMap::from([queue(Tier::L1, &["bob", "bea"]), queue(Tier::L2, &["carol", "bea"])]),
            vec![],
        );
        assert_eq!(routing.tier_of("screen", Tier::L1, "carol"), Some(Tier::L2));
        assert_eq!(routing.tier_of("screen", Tier::L2, "bea"), Some(Tier::L2));
        assert_eq!(routing.tier_of("screen", Tier::RnD, "bea"), Some(Tier::L1));
        assert_eq!(routing.tier_of("screen", Tier::L1, "dave"), None);
        assert_eq!(routing.tier_of("rf", Tier::L1, "bob"), None);
    }
}
