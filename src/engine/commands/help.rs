//! `/help [command]`: the commands the person may use, each with its options, or one explained.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, optional};
use crate::command::{Args, Leaf, OptionType, UsageError, description_key};
use crate::domain::Locale;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Help {
    command: Option<String>,
}

#[async_trait]
impl CommandHandler for Help {
    const PATH: &'static str = "help";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Help { command: optional(args, "command") })
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let roles = engine.people.roles(ctx.actor);
        let allowed = |leaf: &&Leaf| leaf.roles.iter().any(|r| roles.contains(r));
        let leaves = engine.config.commands.leaves().filter(allowed);
        let Some(wanted) = &self.command else {
            let lines: Vec<String> =
                leaves.map(|leaf| format!("{} — {}", leaf.usage(), described(leaf, ctx.locale))).collect();
            return Ok(Outcome::private(t!(ctx.locale, "help-list", lines = lines.join("\n")), None));
        };
        let wanted = wanted.trim().trim_start_matches('/');
        let found: Vec<&Leaf> = leaves
            .filter(|leaf| leaf.path == wanted || leaf.path.starts_with(&format!("{wanted} ")))
            .collect();
        if found.is_empty() {
            return Err(Failure::user(t!(ctx.locale, "help-none", command = wanted)));
        }
        let explained: Vec<String> = found.iter().map(|leaf| explain(leaf, ctx.locale)).collect();
        Ok(Outcome::private(explained.join("\n\n"), None))
    }
}

/// One command: what it does, each option, and a line that would run.
fn explain(leaf: &Leaf, locale: Locale) -> String {
    let mut text = format!("{} — {}", leaf.usage(), described(leaf, locale));
    for option in &leaf.options {
        let kind = match option.kind {
            OptionType::Ticket => t!(locale, "help-kind-ticket"),
            OptionType::User => t!(locale, "help-kind-person"),
            OptionType::Integer => t!(locale, "help-kind-number"),
            OptionType::String if option.choices.is_empty() => t!(locale, "help-kind-text"),
            OptionType::String => t!(locale, "help-kind-choice", choices = option.choices.join(", ")),
        };
        let need = if option.required { t!(locale, "help-required") } else { t!(locale, "help-optional") };
        let key = format!("{}.{}", description_key(&leaf.path), option.name);
        let description = translated(locale, &key).unwrap_or_else(|| option.description.clone());
        text.push('\n');
        text.push_str(&t!(
            locale,
            "help-option",
            name = option.name.as_str(),
            description = description,
            kind = kind,
            need = need
        ));
    }
    text.push('\n');
    text.push_str(&t!(locale, "help-example", example = leaf.example()));
    text
}

/// A catalogue text for a language other than English (whose text is the command file's own).
fn translated(locale: Locale, key: &str) -> Option<String> {
    (locale != Locale::En).then(|| crate::i18n::lookup(locale, key)).flatten()
}

/// What a command does, in the reader's language when the catalogue has it.
fn described(leaf: &Leaf, locale: Locale) -> String {
    translated(locale, &description_key(&leaf.path)).unwrap_or_else(|| leaf.description.clone())
}
