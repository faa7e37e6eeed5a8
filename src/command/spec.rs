//! Command definitions from `commands/*.toml`: one file per command, read by every channel (the
//! console parses with them; Discord registers them as slash commands).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use strum::{Display, VariantArray};

use super::{Invocation, UsageError};
use crate::config::ConfigError;
use crate::domain::{CloseReason, Kind, LinkRelation, Locale, Msg, Role, Severity, TicketRef, Tier};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandSpec {
    pub name: String,
    pub description: String,
    /// Who may run it; the engine checks this, whatever a platform's UI shows. A command with
    /// subcommands gives roles per subcommand instead.
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub options: Vec<OptionSpec>,
    /// `/kb search …`, `/kb add …`: each subcommand with its own roles and options.
    #[serde(default)]
    pub subcommands: Vec<SubcommandSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubcommandSpec {
    pub name: String,
    pub description: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub options: Vec<OptionSpec>,
}

/// Something a person can run: a command without subcommands, or one subcommand of a command.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// `classify`, or `kb search`.
    pub path: String,
    pub description: String,
    pub roles: Vec<Role>,
    pub options: Vec<OptionSpec>,
}

impl Leaf {
    /// `/classify [ticket:] [domain:] …`: required options bare, optional ones in brackets.
    pub fn usage(&self) -> String {
        let mut usage = format!("/{}", self.path);
        for option in &self.options {
            let part =
                if option.required { format!(" {}:", option.name) } else { format!(" [{}:]", option.name) };
            usage.push_str(&part);
        }
        usage
    }

    /// A line that would run: every option with a plausible value.
    pub fn example(&self) -> String {
        let mut example = format!("/{}", self.path);
        for option in &self.options {
            let value = match (option.choices.first(), option.kind) {
                (Some(choice), _) => choice.clone(),
                (None, OptionType::Ticket) => "T-1".to_owned(),
                (None, OptionType::User) => "bob".to_owned(),
                (None, OptionType::Integer) => "1".to_owned(),
                (None, OptionType::String) => format!("\"{}\"", option.name.replace('_', " ")),
            };
            example.push_str(&format!(" {}:{value}", option.name));
        }
        example
    }
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
    /// The tiers, and `S` for S-level.
    EscalationTargets,
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
            ChoiceSource::EscalationTargets => {
                let mut targets = all::<Tier>();
                targets.push(Severity::S.to_string());
                targets
            }
            ChoiceSource::CloseReasons => all::<CloseReason>(),
            // A storm's incident link is made by confirming the storm, never by hand.
            ChoiceSource::LinkRelations => LinkRelation::VARIANTS
                .iter()
                .filter(|relation| **relation != LinkRelation::Incident)
                .map(ToString::to_string)
                .collect(),
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
    /// The definitions as written (with choices resolved), for registering with a platform.
    specs: BTreeMap<String, CommandSpec>,
    leaves: BTreeMap<String, Leaf>,
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

fn check_name(name: &str) -> Result<(), String> {
    if valid_name(name) { Ok(()) } else { Err("use 1-32 lowercase letters, digits, - or _".to_owned()) }
}

fn check_description(description: &str) -> Result<(), String> {
    let chars = description.chars().count();
    if chars == 0 || chars > MAX_DESCRIPTION_CHARS {
        Err("must be 1-100 characters".to_owned())
    } else {
        Ok(())
    }
}

/// The catalogue key of a command's or subcommand's description (`cmd-kb-search`); an option's is
/// its attribute (`cmd-kb-search.query`). Discord shows them in the reader's language.
pub fn description_key(path: &str) -> String {
    format!("cmd-{}", path.replace(' ', "-"))
}

/// Discord's limits hold in every language: a description the catalogue gives is 1-100
/// characters too (a missing one is no error: Discord then shows the command file's).
fn check_localized(spec: &CommandSpec) -> Result<(), ConfigError> {
    let mut keys = vec![description_key(&spec.name)];
    keys.extend(spec.options.iter().map(|o| format!("{}.{}", description_key(&spec.name), o.name)));
    for sub in &spec.subcommands {
        let path = description_key(&format!("{} {}", spec.name, sub.name));
        keys.extend(sub.options.iter().map(|o| format!("{path}.{}", o.name)));
        keys.push(path);
    }
    for locale in crate::domain::Locale::ALL {
        for key in &keys {
            if let Some(text) = crate::i18n::lookup(locale, key) {
                check_description(&text)
                    .map_err(|e| ConfigError::new(format!("locales/{}.ftl", locale.tag()), key, e))?;
            }
        }
    }
    Ok(())
}

/// Checks a list of options and resolves their `choices_from`; errors carry the key under `prefix`.
fn check_options(
    prefix: &str,
    options: &mut [OptionSpec],
    domains: &[String],
) -> Result<(), (String, String)> {
    if options.len() > MAX_OPTIONS {
        return Err((format!("{prefix}options"), format!("at most {MAX_OPTIONS} options")));
    }
    let mut names = HashSet::new();
    let mut seen_optional = false;
    for (i, option) in options.iter_mut().enumerate() {
        let key = |field: &str| format!("{prefix}options[{i}].{field}");
        check_name(&option.name).map_err(|e| (key("name"), e))?;
        if !names.insert(option.name.clone()) {
            return Err((key("name"), format!("`{}` is defined twice", option.name)));
        }
        check_description(&option.description).map_err(|e| (key("description"), e))?;
        if option.required && seen_optional {
            return Err((key("required"), "required options must come before optional ones".into()));
        }
        seen_optional |= !option.required;
        if option.name == "ticket" && option.kind != OptionType::Ticket {
            return Err((key("type"), "an option named ticket must have type \"ticket\"".into()));
        }
        if let Some(from) = option.choices_from {
            if !option.choices.is_empty() {
                return Err((key("choices_from"), "give choices or choices_from, not both".into()));
            }
            option.choices = from.values(domains);
        }
        if option.choices.len() > MAX_CHOICES {
            return Err((key("choices"), format!("at most {MAX_CHOICES} choices")));
        }
    }
    Ok(())
}

/// The leaves of one definition, checked.
fn leaves_of(spec: &mut CommandSpec, domains: &[String]) -> Result<Vec<Leaf>, (String, String)> {
    check_name(&spec.name).map_err(|e| ("name".to_owned(), e))?;
    check_description(&spec.description).map_err(|e| ("description".to_owned(), e))?;
    if spec.subcommands.is_empty() {
        if spec.roles.is_empty() {
            return Err(("roles".into(), "list at least one role".into()));
        }
        check_options("", &mut spec.options, domains)?;
        return Ok(vec![Leaf {
            path: spec.name.clone(),
            description: spec.description.clone(),
            roles: spec.roles.clone(),
            options: spec.options.clone(),
        }]);
    }
    if !spec.roles.is_empty() || !spec.options.is_empty() {
        return Err((
            "subcommands".into(),
            "a command with subcommands gives roles and options per subcommand".into(),
        ));
    }
    let mut names = HashSet::new();
    let mut leaves = Vec::new();
    for (i, sub) in spec.subcommands.iter_mut().enumerate() {
        let key = |field: &str| format!("subcommands[{i}].{field}");
        check_name(&sub.name).map_err(|e| (key("name"), e))?;
        if !names.insert(sub.name.clone()) {
            return Err((key("name"), format!("`{}` is defined twice", sub.name)));
        }
        check_description(&sub.description).map_err(|e| (key("description"), e))?;
        if sub.roles.is_empty() {
            return Err((key("roles"), "list at least one role".into()));
        }
        check_options(&format!("subcommands[{i}]."), &mut sub.options, domains)?;
        leaves.push(Leaf {
            path: format!("{} {}", spec.name, sub.name),
            description: sub.description.clone(),
            roles: sub.roles.clone(),
            options: sub.options.clone(),
        });
    }
    Ok(leaves)
}

impl CommandSet {
    /// Checks the definitions (`(file stem, file name for errors, spec)` each) against the
    /// commands that have handlers (`handled`, as paths like `classify` or `kb search`).
    pub fn build(
        files: Vec<(String, String, CommandSpec)>,
        domains: &[String],
        handled: &[&str],
    ) -> Result<CommandSet, ConfigError> {
        let mut specs = BTreeMap::new();
        let mut leaves = BTreeMap::new();
        for (stem, file, mut spec) in files {
            if spec.name != stem {
                let message = format!("`{}` must match the file name `{stem}`", spec.name);
                return Err(ConfigError::new(&file, "name", message));
            }
            let found = leaves_of(&mut spec, domains)
                .map_err(|(key, message)| ConfigError::new(&file, key, message))?;
            check_localized(&spec)?;
            for leaf in found {
                if !handled.contains(&leaf.path.as_str()) {
                    let message = format!(
                        "no handler for /{}; the handled commands are {}",
                        leaf.path,
                        handled.join(", ")
                    );
                    return Err(ConfigError::new(&file, "name", message));
                }
                leaves.insert(leaf.path.clone(), leaf);
            }
            specs.insert(spec.name.clone(), spec);
        }
        for path in handled {
            if !leaves.contains_key(*path) {
                let file = format!("{}.toml", path.split(' ').next().unwrap_or(path));
                return Err(ConfigError::new(
                    "commands/",
                    file,
                    format!("/{path} has a handler but no definition file"),
                ));
            }
        }
        Ok(CommandSet { specs, leaves })
    }

    pub fn get(&self, name: &str) -> Option<&CommandSpec> {
        self.specs.get(name)
    }

    /// The definitions as written, for registering with a platform.
    pub fn iter(&self) -> impl Iterator<Item = &CommandSpec> {
        self.specs.values()
    }

    /// Everything runnable, by path.
    pub fn leaves(&self) -> impl Iterator<Item = &Leaf> {
        self.leaves.values()
    }

    /// `/status T-1` as `/status ticket:T-1`, `/help classify` as `/help command:classify`: a bare
    /// word after a command without subcommands is its first option, unless that is named too.
    pub fn with_positional(&self, mut invocation: Invocation) -> Invocation {
        let Some(spec) = self.specs.get(&invocation.name) else { return invocation };
        let Some(first) = spec.options.first() else { return invocation };
        if !spec.subcommands.is_empty() || invocation.options.iter().any(|(name, _)| name == &first.name) {
            return invocation;
        }
        if let Some(word) = invocation.subcommand.take() {
            invocation.options.insert(0, (first.name.clone(), word));
        }
        invocation
    }

    /// Checks an invocation against its definition: known command (and subcommand), known
    /// options, each given once, required ones present, values of the right type and among the
    /// choices.
    pub fn check(&self, invocation: &Invocation) -> Result<(&Leaf, Args), UsageError> {
        let leaf = self.leaf(invocation)?;
        Ok((leaf, check_args(leaf, invocation)?))
    }

    /// The command (or subcommand) an invocation names; its options are not looked at.
    pub fn leaf(&self, invocation: &Invocation) -> Result<&Leaf, UsageError> {
        self.leaf_in(invocation, Locale::En)
    }

    /// As [`CommandSet::leaf`], its error in `locale`.
    pub fn leaf_in(&self, invocation: &Invocation, locale: Locale) -> Result<&Leaf, UsageError> {
        let spec = self
            .specs
            .get(&invocation.name)
            .ok_or_else(|| usage(locale, Msg::new("usage-no-command").arg("command", &invocation.name)))?;
        let subcommands = || spec.subcommands.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
        let path = match (&invocation.subcommand, spec.subcommands.is_empty()) {
            (None, true) => spec.name.clone(),
            (Some(sub), false) => format!("{} {sub}", spec.name),
            (None, false) => {
                let msg =
                    Msg::new("usage-needs-subcommand").arg("command", &spec.name).arg("names", subcommands());
                return Err(usage(locale, msg));
            }
            (Some(sub), true) => return Err(usage(locale, Msg::new("usage-not-an-option").arg("word", sub))),
        };
        self.leaves.get(&path).ok_or_else(|| {
            let msg = Msg::new("usage-no-subcommand")
                .arg("command", &spec.name)
                .arg("sub", invocation.subcommand.as_deref().unwrap_or_default())
                .arg("names", subcommands());
            usage(locale, msg)
        })
    }
}

/// A usage error in the reader's language.
fn usage(locale: Locale, msg: Msg) -> UsageError {
    UsageError(crate::i18n::text(locale, &msg))
}

/// Checks an invocation's options against the leaf it names.
pub fn check_args(leaf: &Leaf, invocation: &Invocation) -> Result<Args, UsageError> {
    check_args_in(leaf, invocation, Locale::En)
}

/// As [`check_args`], its error in `locale`.
pub fn check_args_in(leaf: &Leaf, invocation: &Invocation, locale: Locale) -> Result<Args, UsageError> {
    let mut values = BTreeMap::new();
    let path = leaf.path.as_str();
    for (name, value) in &invocation.options {
        let option = leaf.options.iter().find(|o| &o.name == name).ok_or_else(|| {
            let known: Vec<&str> = leaf.options.iter().map(|o| o.name.as_str()).collect();
            let msg = Msg::new("usage-no-option")
                .arg("command", path)
                .arg("option", name)
                .arg("known", known.join(", "))
                .arg("count", known.len());
            usage(locale, msg)
        })?;
        if values.contains_key(name) {
            return Err(usage(locale, Msg::new("usage-twice").arg("command", path).arg("option", name)));
        }
        let value = value.trim();
        if value.is_empty() {
            return Err(usage(locale, Msg::new("usage-empty").arg("command", path).arg("option", name)));
        }
        check_value(leaf, option, value, locale)?;
        values.insert(name.clone(), value.to_owned());
    }
    if let Some(missing) = leaf.options.iter().find(|o| o.required && !values.contains_key(&o.name)) {
        let key = format!("{}.{}", description_key(path), missing.name);
        // English is the command file's own; another language the catalogue's, when it has one.
        let translated = (locale != Locale::En).then(|| crate::i18n::lookup(locale, &key)).flatten();
        let description = translated.unwrap_or_else(|| missing.description.clone());
        let msg = Msg::new("usage-needs")
            .arg("command", path)
            .arg("option", &missing.name)
            .arg("description", description);
        return Err(usage(locale, msg));
    }
    Ok(Args { values })
}

fn check_value(leaf: &Leaf, option: &OptionSpec, value: &str, locale: Locale) -> Result<(), UsageError> {
    let said = |key: &'static str| {
        let msg = Msg::new(key).arg("value", value).arg("option", &option.name).arg("command", &leaf.path);
        usage(locale, msg)
    };
    match option.kind {
        OptionType::Ticket => {
            value.parse::<TicketRef>().map_err(|e| usage(locale, e.msg()))?;
        }
        OptionType::Integer => {
            value.parse::<i64>().map_err(|_| said("usage-not-a-number"))?;
        }
        OptionType::User => {
            if value.chars().any(char::is_whitespace) {
                return Err(said("usage-not-a-user"));
            }
        }
        OptionType::String => {}
    }
    if !option.choices.is_empty() && !option.choices.iter().any(|c| c == value) {
        return Err(usage(
            locale,
            Msg::new("usage-not-a-choice")
                .arg("value", value)
                .arg("option", &option.name)
                .arg("command", &leaf.path)
                .arg("choices", option.choices.join(", ")),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(toml_text: &str, handled: &[&str]) -> Result<CommandSet, ConfigError> {
        let spec: CommandSpec = toml::from_str(toml_text).unwrap();
        CommandSet::build(vec![(spec.name.clone(), "commands/x.toml".into(), spec)], &[], handled)
    }

    const KB: &str = r#"
        name = "kb"
        description = "Knowledge base"
        [[subcommands]]
        name = "search"
        description = "Search it"
        roles = ["customer", "engineer"]
        [[subcommands.options]]
        name = "query"
        type = "string"
        required = true
        description = "What to look for"
        [[subcommands]]
        name = "publish"
        description = "Publish a draft"
        roles = ["engineer"]
    "#;

    fn invocation(subcommand: Option<&str>, options: &[(&str, &str)]) -> Invocation {
        Invocation {
            name: "kb".into(),
            subcommand: subcommand.map(str::to_owned),
            options: options.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn each_subcommand_is_a_leaf_with_its_own_roles_and_options() {
        let commands = set(KB, &["kb search", "kb publish"]).unwrap();
        let (leaf, args) = commands.check(&invocation(Some("search"), &[("query", "退款")])).unwrap();
        assert_eq!(leaf.path, "kb search");
        assert_eq!(leaf.roles, [Role::Customer, Role::Engineer]);
        assert_eq!(args.text("query"), Some("退款"));
    }

    #[test]
    fn a_missing_or_unknown_subcommand_is_named() {
        let commands = set(KB, &["kb search", "kb publish"]).unwrap();
        let missing = commands.check(&invocation(None, &[])).unwrap_err();
        assert_eq!(missing.0, "/kb needs a subcommand: search, publish");
        let unknown = commands.check(&invocation(Some("burn"), &[])).unwrap_err();
        assert_eq!(unknown.0, "/kb has no subcommand `burn`; use one of search, publish");
        let required = commands.check(&invocation(Some("search"), &[])).unwrap_err();
        assert_eq!(required.0, "/kb search needs query:… (What to look for)");
    }

    #[test]
    fn a_subcommand_without_a_handler_stops_start_up() {
        let error = set(KB, &["kb search"]).unwrap_err();
        assert_eq!(error.key, "name");
        assert!(error.message.starts_with("no handler for /kb publish"), "{error}");
    }
}
