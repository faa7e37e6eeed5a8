//! `/unassign`: the ticket goes back to its queue, whose next member (not the one it came from)
//! has it now.

use async_trait::async_trait;

use crate::t;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, person_post, staff_post};
use crate::store::StoreTx;

pub struct Unassign {
    ticket: Option<TicketRef>,
}

#[async_trait]
impl CommandHandler for Unassign {
    const PATH: &'static str = "unassign";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Unassign { ticket: args.ticket() })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let previous = ticket.unassign()?;
        let next = engine.next_in_queue_but(tx, &ticket, &previous).await?;
        ticket.assignee = next.clone();
        let kind = EventKind::Unassigned { previous: previous.clone(), assignee: next.clone() };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        let now_with = |locale| match &next {
            Some(next) => t!(locale, "unassign-next", next = next.as_str()),
            None => t!(locale, "unassign-nobody"),
        };
        if let Some(next) = &next {
            let notice = t!(
                engine.locale_of(next, None, None),
                "notice-yours-now",
                ticket = ticket.reference.to_string(),
                previous = previous.as_str(),
                title = ticket.title.as_str()
            );
            tx.enqueue_post(&person_post(&ticket, next, notice), ctx.at).await?;
        }
        if previous != ctx.actor {
            let locale = engine.locale_of(&previous, None, None);
            let notice = t!(
                locale,
                "notice-taken-off-you",
                actor = ctx.actor,
                ticket = ticket.reference.to_string(),
                now_with = now_with(locale)
            );
            tx.enqueue_post(&person_post(&ticket, &previous, notice), ctx.at).await?;
        }
        let notice = t!(
            engine.shared_locale(),
            "staff-unassigned",
            actor = ctx.actor,
            ticket = ticket.reference.to_string(),
            previous = previous.as_str(),
            now_with = now_with(engine.shared_locale())
        );
        tx.enqueue_post(&staff_post(&ticket, notice, next.iter().cloned().collect(), vec![]), ctx.at).await?;
        Ok(Outcome::public(
            t!(
                ctx.locale,
                "unassign-done",
                previous = previous.as_str(),
                ticket = ticket.reference.to_string(),
                now_with = now_with(ctx.locale)
            ),
            Some(ticket.reference),
        ))
    }
}
