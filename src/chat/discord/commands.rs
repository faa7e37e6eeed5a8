//! Slash commands: `commands/*.toml` as Discord's application commands, registered only when
//! they changed, and an interaction's options back into an `Invocation`.

use serde_json::{Value, json};

use crate::command::{CommandSet, Invocation, OptionSpec, OptionType, description_key};
use crate::domain::{Locale, Role};

/// Discord's application command option types.
const SUB_COMMAND: u8 = 1;
const STRING: u8 = 3;
const INTEGER: u8 = 4;
const USER: u8 = 6;

/// A command's, a subcommand's or an option's description in every language but English, from
/// the catalogue (`cmd-<command>[-<subcommand>][.<option>]`); `None` when it has none.
pub fn description_localizations(key: &str) -> Option<Value> {
    let localized: serde_json::Map<String, Value> = Locale::ALL
        .into_iter()
        .filter(|l| *l != Locale::En)
        .filter_map(|l| crate::i18n::lookup(l, key).map(|text| (l.tag().to_owned(), json!(text))))
        .collect();
    (!localized.is_empty()).then_some(Value::Object(localized))
}

fn option_json(option: &OptionSpec, owner: &str) -> Value {
    let kind = match option.kind {
        OptionType::String | OptionType::Ticket => STRING,
        OptionType::Integer => INTEGER,
        OptionType::User => USER,
    };
    let mut value = json!({
        "type": kind,
        "name": option.name,
        "description": option.description,
        "required": option.required,
    });
    if let Some(localized) = description_localizations(&format!("{}.{}", description_key(owner), option.name))
    {
        value["description_localizations"] = localized;
    }
    if !option.choices.is_empty() {
        let choices: Vec<Value> = option
            .choices
            .iter()
            .map(|c| {
                let value = match option.kind {
                    OptionType::Integer => c.parse::<i64>().map_or_else(|_| json!(c), |n| json!(n)),
                    _ => json!(c),
                };
                json!({ "name": c, "value": value })
            })
            .collect();
        value["choices"] = Value::Array(choices);
    }
    value
}

/// Discord's interaction contexts.
const GUILD: u8 = 0;
const BOT_DM: u8 = 1;

/// Where a registration's commands can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Registered globally with no servers named: every command, in servers and in DMs.
    Everywhere,
    /// Registered in one server: every command, there only.
    Server,
    /// Registered globally beside per-server registrations: what a customer may run, in their DM
    /// with the bot only (guild commands never reach DMs, and a DM-only global command does not
    /// show twice in the servers).
    DirectMessages,
}

/// The bulk-overwrite body for `PUT …/commands`: every command `reach` carries, in name order.
pub fn registration(commands: &CommandSet, reach: Reach) -> Value {
    let for_customers = |roles: &[Role]| roles.contains(&Role::Customer);
    let contexts = match reach {
        Reach::Everywhere => vec![GUILD, BOT_DM],
        Reach::Server => vec![GUILD],
        Reach::DirectMessages => vec![BOT_DM],
    };
    let all: Vec<Value> = commands
        .iter()
        .filter(|spec| {
            reach != Reach::DirectMessages
                || for_customers(&spec.roles)
                || spec.subcommands.iter().any(|sub| for_customers(&sub.roles))
        })
        .map(|spec| {
            let options: Vec<Value> = if spec.subcommands.is_empty() {
                spec.options.iter().map(|o| option_json(o, &spec.name)).collect()
            } else {
                spec.subcommands
                    .iter()
                    .filter(|sub| reach != Reach::DirectMessages || for_customers(&sub.roles))
                    .map(|sub| {
                        let path = format!("{} {}", spec.name, sub.name);
                        let mut value = json!({
                            "type": SUB_COMMAND,
                            "name": sub.name,
                            "description": sub.description,
                            "options": sub.options.iter().map(|o| option_json(o, &path)).collect::<Vec<_>>(),
                        });
                        if let Some(localized) = description_localizations(&description_key(&path)) {
                            value["description_localizations"] = localized;
                        }
                        value
                    })
                    .collect()
            };
            // Everyone sees every command: the engine decides who may run what, and says so.
            let mut value = json!({
                "type": 1,
                "name": spec.name,
                "description": spec.description,
                "options": options,
                "contexts": contexts,
            });
            if let Some(localized) = description_localizations(&description_key(&spec.name)) {
                value["description_localizations"] = localized;
            }
            value
        })
        .collect();
    Value::Array(all)
}

/// A stable hash of a registration body: registered again only when it changes.
pub fn fingerprint(body: &Value) -> String {
    let text = body.to_string();
    let hash = crate::domain::text::stable_hash(text.as_bytes());
    format!("{hash:016x}:{}", text.len())
}

/// An option's value as the console would have typed it; users are mapped by `person`.
pub enum OptionValue {
    Text(String),
    User(u64),
    Subcommand(String, Vec<(String, OptionValue)>),
}

pub fn invocation(
    name: &str,
    options: Vec<(String, OptionValue)>,
    person: impl Fn(u64) -> String,
) -> Invocation {
    let flat = |options: Vec<(String, OptionValue)>| -> Vec<(String, String)> {
        options
            .into_iter()
            .filter_map(|(name, value)| match value {
                OptionValue::Text(text) => Some((name, text)),
                OptionValue::User(id) => Some((name, person(id))),
                OptionValue::Subcommand(..) => None,
            })
            .collect()
    };
    let mut subcommand = None;
    let mut top = Vec::new();
    for (option, value) in options {
        match value {
            OptionValue::Subcommand(sub, inner) => subcommand = Some((sub, inner)),
            other => top.push((option, other)),
        }
    }
    match subcommand {
        Some((sub, inner)) => {
            Invocation { name: name.to_owned(), subcommand: Some(sub), options: flat(inner) }
        }
        None => Invocation { name: name.to_owned(), subcommand: None, options: flat(top) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CommandSet {
        let source = crate::config::ConfigSource::Embedded;
        crate::config::Config::load(source, std::iter::empty()).unwrap().commands
    }

    #[test]
    fn choices_become_discord_choices_and_tickets_are_strings() {
        let body = registration(&sample(), Reach::Everywhere);
        let classify = body.as_array().unwrap().iter().find(|c| c["name"] == "classify").unwrap();
        let severity =
            classify["options"].as_array().unwrap().iter().find(|o| o["name"] == "severity").unwrap();
        assert_eq!(severity["type"], STRING);
        let names: Vec<&str> =
            severity["choices"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["S", "P1", "P2", "P3"]);
        let ticket = classify["options"].as_array().unwrap().iter().find(|o| o["name"] == "ticket").unwrap();
        assert_eq!(ticket["type"], STRING);
    }

    #[test]
    fn the_fingerprint_changes_only_with_the_definitions() {
        let a = registration(&sample(), Reach::Server);
        assert_eq!(fingerprint(&a), fingerprint(&registration(&sample(), Reach::Server)));
        let mut b = a.clone();
        b[0]["description"] = json!("changed");
        assert_ne!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn direct_messages_carry_only_what_customers_run_and_servers_only_show_theirs() {
        let names = |body: &Value| -> Vec<String> {
            body.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
        };
        let dms = registration(&sample(), Reach::DirectMessages);
        let dm_names = names(&dms);
        assert!(dm_names.contains(&"status".to_owned()), "{dm_names:?}");
        assert!(!dm_names.contains(&"classify".to_owned()), "{dm_names:?}");
        assert!(dms.as_array().unwrap().iter().all(|c| c["contexts"] == json!([BOT_DM])));
        let server = registration(&sample(), Reach::Server);
        assert!(names(&server).contains(&"classify".to_owned()));
        assert!(server.as_array().unwrap().iter().all(|c| c["contexts"] == json!([GUILD])));
    }

    #[test]
    fn user_options_map_to_people_and_subcommands_nest() {
        let options = vec![
            ("user".to_owned(), OptionValue::User(7)),
            ("ticket".to_owned(), OptionValue::Text("T-1".into())),
        ];
        let inv = invocation("assign", options, |id| format!("p{id}"));
        assert_eq!(
            inv.options,
            [("user".to_owned(), "p7".to_owned()), ("ticket".to_owned(), "T-1".to_owned())]
        );
        let nested = vec![(
            "search".to_owned(),
            OptionValue::Subcommand("search".into(), vec![("q".to_owned(), OptionValue::Text("x".into()))]),
        )];
        let inv = invocation("kb", nested, |id| id.to_string());
        assert_eq!((inv.subcommand.as_deref(), inv.options.len()), (Some("search"), 1));
    }
}
