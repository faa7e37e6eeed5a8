//! `closeown:T-n`: the customer confirms the `/close` they typed on their own ticket.

use async_trait::async_trait;

use crate::t;

use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, CloseReason, EventKind, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_only, staff_post};
use crate::store::StoreTx;

pub struct CloseOwn;

#[async_trait]
impl ButtonHandler for CloseOwn {
    fn action(&self) -> ButtonAction {
        ButtonAction::CloseOwn
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        _press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        customer_only(ticket, ctx, &t!(ctx.locale, "close-own-only"))?;
        ticket.close(CloseReason::ClosedByCustomer)?;
        let kind = EventKind::Closed { reason: CloseReason::ClosedByCustomer, comment: None, article: None };
        engine.save(tx, ctx, ticket, kind).await?;
        let owner = ticket.assignee.clone();
        let notice = t!(
            engine.shared_locale(),
            "staff-closed-own",
            actor = ctx.actor,
            ticket = ticket.reference.to_string()
        );
        tx.enqueue_post(&staff_post(ticket, notice, owner.into_iter().collect(), vec![]), ctx.at).await?;
        Ok(Outcome::private(
            t!(ctx.locale, "close-own-done", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
