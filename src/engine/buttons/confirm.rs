//! `confirm:T-n`: the customer confirms the fix; the ticket closes.

use async_trait::async_trait;

use crate::t;

use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, CloseReason, EventKind, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome, staff_post};
use crate::store::StoreTx;

pub struct Confirm;

#[async_trait]
impl ButtonHandler for Confirm {
    fn action(&self) -> ButtonAction {
        ButtonAction::Confirm
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        _press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        engine.customer_of(tx, ticket, ctx, &t!(ctx.locale, "card-confirm-only")).await?;
        ticket.close(CloseReason::Confirmed)?;
        let kind = EventKind::Closed { reason: CloseReason::Confirmed, comment: None, article: None };
        engine.save(tx, ctx, ticket, kind).await?;
        let notice = t!(
            engine.shared_locale(),
            "staff-confirmed",
            actor = ctx.actor,
            ticket = ticket.reference.to_string()
        );
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        let thanks = t!(ctx.locale, "card-confirmed", ticket = ticket.reference.to_string());
        Ok(Outcome::private(thanks, Some(ticket.reference)))
    }
}
