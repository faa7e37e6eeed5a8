//! `/assign user:`: gives a ticket to an engineer.

use async_trait::async_trait;

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
            return Err(Failure::User(format!("`{user}` is not an engineer; tickets go to engineers")));
        }
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        ticket.assign(user)?;
        let kind = EventKind::Assigned { assignee: user.clone(), via: AssignedVia::Command };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        if user != ctx.actor {
            let notice = format!("{} gave you {}: {}", ctx.actor, ticket.reference, ticket.title);
            tx.enqueue_post(&person_post(&ticket, user, notice), ctx.at).await?;
        }
        Ok(Outcome::public(format!("{} assigned to {user}", ticket.reference), Some(ticket.reference)))
    }
}
