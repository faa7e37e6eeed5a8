//! `/resolve resolution:`: the customer gets the resolution card; the ticket becomes searchable on
//! every instance (its document written in the shared knowledge base in the same transaction).

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::sla::ClockKind;
use crate::domain::{EventKind, Ticket, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, text_storm};
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
        engine.resolve_with_card(tx, ctx, &mut ticket, resolution).await?;
        engine.cite_named(tx, ctx, ticket.reference, resolution, "resolve").await?;
        // A storm's incident resolves the tickets linked to it, each with its own card.
        let linked = engine.resolve_incident_tickets(tx, ctx, &ticket, resolution).await?;
        // Last: the shared knowledge base's feed stays locked from here to the commit.
        engine.record_resolved_doc(tx, &ticket, ctx.at).await?;
        let mut reply = t!(ctx.locale, "resolve-done", ticket = ticket.reference.to_string());
        if linked > 0 {
            reply.push_str(&text_storm::resolve_reached(linked, ctx.locale));
        }
        Ok(Outcome::public(reply, Some(ticket.reference)))
    }

    /// This instance's index takes the ticket's document at once; the others follow the feed.
    async fn committed(&self, engine: &Engine, _outcome: &Outcome) {
        engine.follow_now().await;
    }
}

impl Engine {
    /// Resolves the ticket and sends its customer the resolution card.
    pub(in crate::engine) async fn resolve_with_card(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        resolution: &str,
    ) -> Result<(), Failure> {
        // The resolution clock as it stands at the resolution, before the resolution stops it: the
        // business time it counted and whether it met its deadline, kept on the event for the
        // cockpit's indicators (SQL cannot run a business calendar).
        let clock = self
            .clock_states_in(tx, ticket, ctx.at)
            .await?
            .and_then(|states| states.into_iter().find(|s| s.kind == ClockKind::Resolution));
        ticket.resolve(resolution)?;
        let kind = EventKind::Resolved {
            resolution: resolution.to_owned(),
            business_secs: clock.as_ref().map(|c| c.reading.elapsed.num_seconds()),
            on_time: clock.as_ref().map(|c| !c.reading.breached),
        };
        self.save(tx, ctx, ticket, kind).await?;
        self.ask_for_confirmation(tx, ticket, resolution, ctx.at).await?;
        Ok(())
    }
}
