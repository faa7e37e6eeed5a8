//! `needhelp:T-n`: the customer read the suggested articles and still needs help; the ticket goes
//! on to its engineer.

use async_trait::async_trait;

use crate::t;

use super::solved::ASKER_ONLY;
use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, DomainError, EventKind, Status, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_only, staff_post};
use crate::store::StoreTx;

pub struct NeedHelp;

#[async_trait]
impl ButtonHandler for NeedHelp {
    fn action(&self) -> ButtonAction {
        ButtonAction::NeedHelp
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        _press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        customer_only(ticket, ctx, &crate::i18n::text(ctx.locale, &crate::domain::Msg::new(ASKER_ONLY)))?;
        if ticket.status == Status::Closed {
            return Err(DomainError::Closed(ticket.reference).into());
        }
        engine.save(tx, ctx, ticket, EventKind::NeedsHelp).await?;
        let owner = ticket.assignee.clone();
        let notice = t!(
            engine.shared_locale(),
            "staff-needs-help",
            actor = ctx.actor,
            ticket = ticket.reference.to_string()
        );
        tx.enqueue_post(&staff_post(ticket, notice, owner.into_iter().collect(), vec![]), ctx.at).await?;
        Ok(Outcome::private(
            t!(ctx.locale, "offer-need-help-thanks", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
