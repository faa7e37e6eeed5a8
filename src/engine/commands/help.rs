//! `/help [command]`: the commands the person may use, each with its options, or one explained.

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, Leaf, OptionType, UsageError};
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
                leaves.map(|leaf| format!("{} — {}", leaf.usage(), leaf.description)).collect();
            return Ok(Outcome::private(
                format!("Commands you may use (/help COMMAND explains one):\n{}", lines.join("\n")),
                None,
            ));
        };
        let wanted = wanted.trim().trim_start_matches('/');
        let found: Vec<&Leaf> = leaves
            .filter(|leaf| leaf.path == wanted || leaf.path.starts_with(&format!("{wanted} ")))
            .collect();
        if found.is_empty() {
            return Err(Failure::user(format!(
                "there is no /{wanted} you may use; /help lists the commands"
            )));
        }
        Ok(Outcome::private(found.iter().map(|leaf| explain(leaf)).collect::<Vec<_>>().join("\n\n"), None))
    }
}

/// One command: what it does, each option, and a line that would run.
fn explain(leaf: &Leaf) -> String {
    let mut text = format!("{} — {}", leaf.usage(), leaf.description);
    for option in &leaf.options {
        let kind = match option.kind {
            OptionType::Ticket => "a ticket, as T-12".to_owned(),
            OptionType::User => "a person".to_owned(),
            OptionType::Integer => "a number".to_owned(),
            OptionType::String if option.choices.is_empty() => "text".to_owned(),
            OptionType::String => format!("one of {}", option.choices.join(", ")),
        };
        let need = if option.required { "required" } else { "optional" };
        text.push_str(&format!("\n  {}: {} ({kind}, {need})", option.name, option.description));
    }
    text.push_str(&format!("\nExample: {}", leaf.example()));
    text
}
