//! `/help`: the commands the person may use.

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Help;

#[async_trait]
impl CommandHandler for Help {
    const PATH: &'static str = "help";

    fn parse(_args: &Args) -> Result<Self, UsageError> {
        Ok(Help)
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let roles = engine.people.roles(ctx.actor);
        let lines: Vec<String> = engine
            .config
            .commands
            .leaves()
            .filter(|leaf| leaf.roles.iter().any(|r| roles.contains(r)))
            .map(|leaf| format!("/{} — {}", leaf.path, leaf.description))
            .collect();
        Ok(Outcome::private(format!("Commands you may use:\n{}", lines.join("\n")), None))
    }
}
