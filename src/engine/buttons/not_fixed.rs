//! `notfixed:T-n`: the customer says it is not fixed; the ticket reopens with its assignee.

use async_trait::async_trait;

use crate::t;

use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, EventKind, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome, staff_post};
use crate::store::StoreTx;

pub struct NotFixed;

#[async_trait]
impl ButtonHandler for NotFixed {
    fn action(&self) -> ButtonAction {
        ButtonAction::NotFixed
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        _press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        engine.customer_of(tx, ticket, ctx, &t!(ctx.locale, "card-reopen-only")).await?;
        ticket.reopen()?;
        let kind = EventKind::Reopened { reason: Some("the customer says it is not fixed".to_owned()) };
        engine.save(tx, ctx, ticket, kind).await?;
        let owner = ticket.assignee.as_deref().unwrap_or("nobody");
        let notice = t!(
            engine.shared_locale(),
            "staff-not-fixed",
            actor = ctx.actor,
            ticket = ticket.reference.to_string(),
            owner = owner
        );
        let mentions = ticket.assignee.iter().cloned().collect();
        tx.enqueue_post(&staff_post(ticket, notice, mentions, vec![]), ctx.at).await?;
        Ok(Outcome::private(
            t!(ctx.locale, "card-not-fixed", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
