//! `/resolve resolution:`: the customer gets the resolution card; the ticket becomes searchable.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::sla::ClockKind;
use crate::domain::{EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Resolve {
    ticket: Option<TicketRef>,
    resolution: String,
}

#[async_trait]
impl CommandHandler for Resolve {
    const PATH: &'static str = "resolve";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Resolve { ticket: args.ticket(), resolution: required(args, Self::PATH, "resolution")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let resolution = &self.resolution;
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        // The resolution clock as it stands at the resolution, before the resolution stops it: the
        // business time it counted and whether it met its deadline, kept on the event for the
        // cockpit's indicators (SQL cannot run a business calendar).
        let clock = engine
            .clock_states_in(tx, &ticket, ctx.at)
            .await?
            .and_then(|states| states.into_iter().find(|s| s.kind == ClockKind::Resolution));
        ticket.resolve(resolution)?;
        let kind = EventKind::Resolved {
            resolution: resolution.clone(),
            business_secs: clock.as_ref().map(|c| c.reading.elapsed.num_seconds()),
            on_time: clock.as_ref().map(|c| !c.reading.breached),
        };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        engine.ask_for_confirmation(tx, &ticket, resolution, ctx.at).await?;
        Ok(Outcome::public(
            t!(ctx.locale, "resolve-done", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }

    /// The knowledge base is written outside the transaction, once the resolution stands.
    async fn committed(&self, engine: &Engine, outcome: &Outcome) {
        if let Some(ticket) = outcome.ticket {
            engine.index_resolved(ticket).await;
        }
    }
}
