//! `/escalate [to] reason:`: up a tier (the next by default), or a request for S-level that a
//! domain owner confirms.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, EscalateTo, UsageError};
use crate::domain::TicketRef;
use crate::engine::{Ctx, Engine, Failure, Outcome, staff_post};
use crate::store::StoreTx;

pub struct Escalate {
    ticket: Option<TicketRef>,
    to: Option<EscalateTo>,
    reason: String,
}

#[async_trait]
impl CommandHandler for Escalate {
    const PATH: &'static str = "escalate";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Escalate {
            ticket: args.ticket(),
            to: args.parsed("to"),
            reason: required(args, Self::PATH, "reason")?,
        })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let reason = &self.reason;
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let to = match self.to {
            Some(EscalateTo::SLevel) => return engine.request_s(tx, ctx, ticket, reason).await,
            Some(EscalateTo::Tier(tier)) => Some(tier),
            None => None,
        };
        let (from, to, assignee) = engine.escalate_ticket(tx, ctx, &mut ticket, to, reason).await?;
        let shared = engine.shared_locale();
        let owner = assignee.clone().unwrap_or_else(|| t!(shared, "nobody-yet"));
        let notice = t!(
            shared,
            "staff-escalated",
            actor = ctx.actor,
            ticket = ticket.reference.to_string(),
            from = from.to_string(),
            to = to.to_string(),
            reason = reason.as_str(),
            owner = owner.as_str()
        );
        tx.enqueue_post(&staff_post(&ticket, notice, assignee.into_iter().collect(), vec![]), ctx.at).await?;
        Ok(Outcome::public(
            t!(
                ctx.locale,
                "escalate-done",
                ticket = ticket.reference.to_string(),
                to = to.to_string(),
                owner = owner.as_str()
            ),
            Some(ticket.reference),
        ))
    }
}
