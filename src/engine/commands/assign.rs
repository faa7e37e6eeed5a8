//! `/assign user:`: gives a ticket to an engineer.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::{AssignedVia, EventKind, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, person_post};
use crate::store::StoreTx;

pub struct Assign {
    ticket: Option<TicketRef>,
    user: String,
}

#[async_trait]
impl CommandHandler for Assign {
    const PATH: &'static str = "assign";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Assign { ticket: args.ticket(), user: required(args, Self::PATH, "user")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let user = &self.user;
        if !engine.people.is_engineer(user) {
            return Err(Failure::User(t!(ctx.locale, "assign-not-engineer", user = user)));
        }
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let moves_to = engine.tier_for(&ticket, user)?;
        let previous = ticket.assignee.clone();
        ticket.assign(user)?;
        let kind = EventKind::Assigned { assignee: user.clone(), via: AssignedVia::Command };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        engine.follow_tier(tx, ctx, &mut ticket, moves_to, user).await?;
        if user != ctx.actor {
            let notice = t!(
                engine.locale_of(user, None, None),
                "notice-given-to-you",
                actor = ctx.actor,
                ticket = ticket.reference.to_string(),
                title = ticket.title.as_str()
            );
            tx.enqueue_post(&person_post(&ticket, user, notice), ctx.at).await?;
        }
        let mut reply = t!(ctx.locale, "assign-done", ticket = ticket.reference.to_string(), user = user);
        if let Some(previous) = previous.filter(|p| p != ctx.actor) {
            let notice = t!(
                engine.locale_of(&previous, None, None),
                "notice-given-away",
                actor = ctx.actor,
                ticket = ticket.reference.to_string(),
                user = user
            );
            tx.enqueue_post(&person_post(&ticket, &previous, notice), ctx.at).await?;
            reply.push_str(&t!(ctx.locale, "assign-from", previous = previous.as_str()));
        }
        if let Some(tier) = moves_to {
            reply.push_str(&t!(ctx.locale, "assign-tier", tier = tier.to_string()));
        }
        Ok(Outcome::public(reply, Some(ticket.reference)))
    }
}
