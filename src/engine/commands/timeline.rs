//! `/timeline text:`: an entry of the incident timeline, in an S-level ticket's war room.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, TicketRef, TimelineSource};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Timeline {
    ticket: Option<TicketRef>,
    text: String,
}

#[async_trait]
impl CommandHandler for Timeline {
    const PATH: &'static str = "timeline";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Timeline { ticket: args.ticket(), text: required(args, Self::PATH, "text")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        engine.open_room(tx, &ticket, "/timeline").await?;
        let entry = self.text.trim();
        if !crate::domain::text::has_visible_text(entry) {
            return Err(Failure::user(t!(ctx.locale, "timeline-say-what")));
        }
        let kind = EventKind::TimelineEntry { text: entry.to_owned(), source: TimelineSource::Command };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        Ok(Outcome::public(
            t!(ctx.locale, "timeline-done", ticket = ticket.reference.to_string(), entry = entry),
            Some(ticket.reference),
        ))
    }
}
