//! Who is who: people from config and the roles that decide what they may do.

use std::collections::{BTreeSet, HashMap};
use std::sync::RwLock;

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, VariantArray};

use super::ticket::Tier;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Customer,
    Engineer,
    /// Owns a domain: confirms S-level escalations in it.
    Owner,
    Manager,
    /// A market, manufacturing or service lead: pulled into war rooms.
    Lead,
    /// Decides voice-of-customer items: accepts them into engineering, rejects or ships them.
    ProductManager,
    /// Keeps the spare parts: ships and takes back parts, told when stock runs low.
    Parts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub roles: Vec<Role>,
    /// The support tier an engineer works at.
    #[serde(default)]
    pub tier: Option<Tier>,
    /// Where they are (an IANA name such as Europe/Berlin): times the bot tells them are in it.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The language the bot writes to them in (`en`, `zh-CN`), before anything a platform says.
    #[serde(default)]
    pub locale: Option<super::Locale>,
}

impl Person {
    /// Their time zone, when config names one (checked when config is read).
    pub fn time_zone(&self) -> Option<chrono_tz::Tz> {
        self.time_zone.as_deref().and_then(|tz| tz.parse().ok())
    }
}

/// Everyone config knows, as config says: it never changes while resolvd runs. Someone it does
/// not know is treated as a customer, so an unknown asker still gets a ticket. What a person may do
/// is asked of [`People`], which adds the roles a platform grants at run time.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    people: HashMap<String, Person>,
    owners: HashMap<String, Vec<String>>,
}

impl Directory {
    pub fn new(people: Vec<Person>, domain_owners: HashMap<String, Vec<String>>) -> Self {
        Directory { people: people.into_iter().map(|p| (p.id.clone(), p)).collect(), owners: domain_owners }
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.get(id)
    }

    pub fn is_known(&self, id: &str) -> bool {
        self.people.contains_key(id)
    }

    /// The roles config gives a person (a domain's owners hold `owner`).
    pub fn configured_roles(&self, id: &str) -> BTreeSet<Role> {
        let mut roles: BTreeSet<Role> = match self.people.get(id) {
            Some(person) => person.roles.iter().copied().collect(),
            None => BTreeSet::from([Role::Customer]),
        };
        if self.owners.values().any(|owners| owners.iter().any(|o| o == id)) {
            roles.insert(Role::Owner);
        }
        roles
    }

    /// Everyone config gives the manager role, in id order.
    pub fn managers(&self) -> Vec<&str> {
        let mut managers: Vec<&str> = self
            .people
            .values()
            .filter(|p| p.roles.contains(&Role::Manager))
            .map(|p| p.id.as_str())
            .collect();
        managers.sort_unstable();
        managers
    }

    /// Everyone config gives `role`, in id order.
    pub fn with_role(&self, role: Role) -> Vec<&str> {
        let mut ids: Vec<&str> =
            self.people.values().filter(|p| p.roles.contains(&role)).map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        ids
    }

    pub fn owners_of(&self, domain: &str) -> &[String] {
        self.owners.get(domain).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Who may do what while resolvd runs: the roles config gives, plus those a channel grants from
/// its platform's roles as config maps them (Discord role ids in `[discord.roles]`), refreshed by
/// the channel whenever it sees the person's platform roles. Shared by the engine and the channels.
#[derive(Debug, Default)]
pub struct People {
    directory: Directory,
    grants: RwLock<HashMap<String, BTreeSet<Role>>>,
}

impl People {
    pub fn new(directory: Directory) -> Self {
        People { directory, grants: RwLock::default() }
    }

    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// Sets the roles a person holds through their platform roles (replacing earlier ones).
    pub fn grant(&self, id: &str, roles: BTreeSet<Role>) {
        let mut grants = self.grants.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if roles.is_empty() {
            grants.remove(id);
        } else {
            grants.insert(id.to_owned(), roles);
        }
    }

    pub fn roles(&self, id: &str) -> BTreeSet<Role> {
        let mut roles = self.directory.configured_roles(id);
        let grants = self.grants.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(granted) = grants.get(id) {
            roles.extend(granted);
        }
        roles
    }

    pub fn is_staff(&self, id: &str) -> bool {
        let roles = self.roles(id);
        [Role::Engineer, Role::Manager, Role::Owner, Role::Lead, Role::ProductManager, Role::Parts]
            .iter()
            .any(|r| roles.contains(r))
    }

    pub fn is_engineer(&self, id: &str) -> bool {
        self.roles(id).contains(&Role::Engineer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> People {
        let people = vec![
            Person {
                id: "bob".into(),
                name: None,
                roles: vec![Role::Engineer],
                tier: Some(Tier::L1),
                time_zone: None,
                locale: None,
            },
            Person {
                id: "erin".into(),
                name: None,
                roles: vec![Role::Engineer],
                tier: Some(Tier::L2),
                time_zone: None,
                locale: None,
            },
        ];
        People::new(Directory::new(people, HashMap::from([("screen".into(), vec!["erin".into()])])))
    }

    #[test]
    fn an_unknown_person_is_a_customer() {
        let d = directory();
        assert_eq!(d.roles("zoe"), BTreeSet::from([Role::Customer]));
        assert!(!d.is_staff("zoe"));
    }

    #[test]
    fn granted_roles_add_to_the_configured_ones_until_withdrawn() {
        let d = directory();
        d.grant("zoe", BTreeSet::from([Role::Engineer]));
        assert!(d.is_staff("zoe") && d.is_engineer("zoe"));
        d.grant("zoe", BTreeSet::new());
        assert!(!d.is_staff("zoe"));
    }

    #[test]
    fn owning_a_domain_adds_the_owner_role() {
        let d = directory();
        assert!(d.roles("erin").contains(&Role::Owner));
        assert!(!d.roles("bob").contains(&Role::Owner));
        assert_eq!(d.directory().owners_of("screen"), ["erin".to_string()]);
    }
}
