//! `report:T-n`: asks for the incident report's form; whoever may run `/report` may press it.

use async_trait::async_trait;

use super::{ButtonHandler, Press};
use crate::command::Invocation;
use crate::domain::{ButtonAction, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome, refused};
use crate::store::StoreTx;

pub struct Report;

#[async_trait]
impl ButtonHandler for Report {
    fn action(&self) -> ButtonAction {
        ButtonAction::Report
    }

    async fn press(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        _press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        // The button asks for what `/report` takes, so it is allowed by that command's roles.
        let report = Invocation { name: "report".to_owned(), subcommand: None, options: vec![] };
        let leaf = engine.config.commands.leaf(&report)?;
        if let Some(reason) = engine.role_refusal(leaf, ctx.actor, ctx.locale) {
            return Err(refused(&reason, ticket));
        }
        Ok(engine.report_form(ticket, ctx.locale))
    }
}
