//! Command definitions from `commands/*.toml`: one file per command, read by every channel (the
//! console parses with them; Discord registers them as slash commands).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use strum::{Display, VariantArray};

use super::typed::COMMAND_NAMES;
use super::{Invocation, UsageError};
use crate::config::ConfigError;
use crate::domain::{CloseReason, Kind, LinkRelation, Role, Severity, TicketRef, Tier};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandSpec {
    pub name: String,
    pub description: String,
    /// Who may run it; the engine checks this, whatever a platform's UI shows.
    pub roles: Vec<Role>,
    #[serde(default)]
    pub options: Vec<OptionSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: OptionType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub choices: Vec<String>,
    /// Takes its choices from the domain's vocabulary or the configured domains.
    #[serde(default)]
    pub choices_from: Option<ChoiceSource>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Display)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OptionType {
    String,
    Integer,
    /// A ticket reference, `T-<n>`.
    Ticket,
    /// A person's id.
    User,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceSource {
    Domains,
    Kinds,
    Severities,
    Tiers,
    CloseReasons,
    LinkRelations,
}

impl ChoiceSource {
    fn values(self, domains: &[String]) -> Vec<String> {
        fn all<T: VariantArray + ToString>() -> Vec<String> {
            T::VARIANTS.iter().map(ToString::to_string).collect()
        }
        match self {
            ChoiceSource::Domains => domains.to_vec(),
            ChoiceSource::Kinds => all::<Kind>(),
            ChoiceSource::Severities => all::<Severity>(),
            ChoiceSource::Tiers => all::<Tier>(),
            ChoiceSource::CloseReasons => all::<CloseReason>(),
            ChoiceSource::LinkRelations => all::<LinkRelation>(),
        }
    }
}

/// Discord's limits, checked at start-up so registration cannot fail later.
const MAX_NAME_CHARS: usize = 32;
const MAX_DESCRIPTION_CHARS: usize = 100;
const MAX_CHOICES: usize = 25;
const MAX_OPTIONS: usize = 25;

/// Every command definition, checked, with choices resolved.
#[derive(Debug, Clone, Default)]
pub struct CommandSet {
    specs: BTreeMap<String, CommandSpec>,
}

/// Validated option values by name, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    values: BTreeMap<String, String>,
}

impl Args {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// For values the spec already checked (choices, ticket references).
    pub fn parsed<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.text(name).and_then(|v| v.parse().ok())
    }

    pub fn ticket(&self) -> Option<TicketRef> {
        self.parsed("ticket")
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl CommandSet {
    /// Checks the definitions: `(file stem, file name for errors, spec)` each.
    pub fn build(
        files: Vec<(String, String, CommandSpec)>,
        domains: &[String],
    ) -> Result<CommandSet, ConfigError> {
        let mut specs = BTreeMap::new();
        for (stem, file, mut spec) in files {
            let err = |key: String, message: String| ConfigError::new(&file, key, message);
            if spec.name != stem {
                return Err(err("name".into(), format!("`{}` must match the file name `{stem}`", spec.name)));
            }
            if !valid_name(&spec.name) {
                return Err(err("name".into(), "use 1-32 lowercase letters, digits, - or _".into()));
            }
            if !COMMAND_NAMES.contains(&spec.name.as_str()) {
                return Err(err(
                    "name".into(),
                    format!(
                        "no handler for /{}; the handled commands are {}",
                        spec.name,
                        COMMAND_NAMES.join(", ")
                    ),
                ));
            }
            let description_chars = spec.description.chars().count();
            if description_chars == 0 || description_chars > MAX_DESCRIPTION_CHARS {
                return Err(err("description".into(), "must be 1-100 characters".into()));
            }
            if spec.roles.is_empty() {
                return Err(err("roles".into(), "list at least one role".into()));
            }
            if spec.options.len() > MAX_OPTIONS {
                return Err(err("options".into(), format!("at most {MAX_OPTIONS} options")));
            }
            let mut names = HashSet::new();
            let mut seen_optional = false;
            for (i, option) in spec.options.iter_mut().enumerate() {
                let key = |field: &str| format!("options[{i}].{field}");
                if !valid_name(&option.name) {
                    return Err(err(key("name"), "use 1-32 lowercase letters, digits, - or _".into()));
                }
                if !names.insert(option.name.clone()) {
                    return Err(err(key("name"), format!("`{}` is defined twice", option.name)));
                }
                let chars = option.description.chars().count();
                if chars == 0 || chars > MAX_DESCRIPTION_CHARS {
                    return Err(err(key("description"), "must be 1-100 characters".into()));
                }
                if option.required && seen_optional {
                    return Err(err(
                        key("required"),
                        "required options must come before optional ones".into(),
                    ));
                }
                seen_optional |= !option.required;
                if option.name == "ticket" && option.kind != OptionType::Ticket {
                    return Err(err(key("type"), "an option named ticket must have type \"ticket\"".into()));
                }
                if let Some(from) = option.choices_from {
                    if !option.choices.is_empty() {
                        return Err(err(
                            key("choices_from"),
                            "give choices or choices_from, not both".into(),
                        ));
                    }
                    option.choices = from.values(domains);
                }
                if option.choices.len() > MAX_CHOICES {
                    return Err(err(key("choices"), format!("at most {MAX_CHOICES} choices")));
                }
            }
            specs.insert(spec.name.clone(), spec);
        }
        for handled in COMMAND_NAMES {
            if !specs.contains_key(*handled) {
                return Err(ConfigError::new(
                    "commands/",
                    format!("{handled}.toml"),
                    format!("/{handled} has a handler but no definition file"),
                ));
            }
        }
        Ok(CommandSet { specs })
    }

    pub fn get(&self, name: &str) -> Option<&CommandSpec> {
        self.specs.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &CommandSpec> {
        self.specs.values()
    }

    /// Checks an invocation against its definition: known command, known options, each given
    /// once, required ones present, values of the right type and among the choices.
    pub fn check(&self, invocation: &Invocation) -> Result<(&CommandSpec, Args), UsageError> {
        let spec = self.specs.get(&invocation.name).ok_or_else(|| {
            UsageError(format!("there is no /{} command; /help lists the commands", invocation.name))
        })?;
        let mut values = BTreeMap::new();
        for (name, value) in &invocation.options {
            let option = spec.options.iter().find(|o| &o.name == name).ok_or_else(|| {
                let known: Vec<&str> = spec.options.iter().map(|o| o.name.as_str()).collect();
                let hint = if known.is_empty() {
                    "it takes no options".to_owned()
                } else {
                    format!("its options are {}", known.join(", "))
                };
                UsageError(format!("/{} has no option `{name}`; {hint}", spec.name))
            })?;
            if values.contains_key(name) {
                return Err(UsageError(format!("/{} got `{name}` twice", spec.name)));
            }
            let value = value.trim();
            if value.is_empty() {
                return Err(UsageError(format!("`{name}` is empty in /{}", spec.name)));
            }
            check_value(spec, option, value)?;
            values.insert(name.clone(), value.to_owned());
        }
        if let Some(missing) = spec.options.iter().find(|o| o.required && !values.contains_key(&o.name)) {
            return Err(UsageError(format!(
                "/{} needs {}:… ({})",
                spec.name, missing.name, missing.description
            )));
        }
        Ok((spec, Args { values }))
    }
}

fn check_value(spec: &CommandSpec, option: &OptionSpec, value: &str) -> Result<(), UsageError> {
    match option.kind {
        OptionType::Ticket => {
            value.parse::<TicketRef>().map_err(|e| UsageError(e.to_string()))?;
        }
        OptionType::Integer => {
            value.parse::<i64>().map_err(|_| {
                UsageError(format!("`{value}` is not a whole number for {} in /{}", option.name, spec.name))
            })?;
        }
        OptionType::User => {
            if value.chars().any(char::is_whitespace) {
                return Err(UsageError(format!(
                    "`{value}` is not a user id for {} in /{}",
                    option.name, spec.name
                )));
            }
        }
        OptionType::String => {}
    }
    if !option.choices.is_empty() && !option.choices.iter().any(|c| c == value) {
        return Err(UsageError(format!(
            "`{value}` is not a choice for {} in /{}; choose one of {}",
            option.name,
            spec.name,
            option.choices.join(", ")
        )));
    }
    Ok(())
}
