//! `rate:T-n:SCORE`: the customer rates a resolved or closed ticket from 1 to 5.

use async_trait::async_trait;

use crate::t;

use super::{ButtonHandler, Press};
use crate::domain::incident::SCORES;
use crate::domain::{ButtonAction, EventKind, Status, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome, staff_post};
use crate::store::StoreTx;

pub struct Rate;

#[async_trait]
impl ButtonHandler for Rate {
    fn action(&self) -> ButtonAction {
        ButtonAction::Rate
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        engine.customer_of(tx, ticket, ctx, &t!(ctx.locale, "card-rate-only")).await?;
        let score =
            press.value.and_then(|v| v.parse::<u8>().ok()).filter(|s| SCORES.contains(s)).ok_or_else(
                || Failure::User(t!(ctx.locale, "card-rate-usage", ticket = ticket.reference.to_string())),
            )?;
        if !matches!(ticket.status, Status::Resolved | Status::Closed) {
            return Err(Failure::User(t!(
                ctx.locale,
                "card-rate-too-early",
                ticket = ticket.reference.to_string()
            )));
        }
        engine.save(tx, ctx, ticket, EventKind::Rated { score }).await?;
        let notice = t!(
            engine.shared_locale(),
            "staff-rated",
            actor = ctx.actor,
            ticket = ticket.reference.to_string(),
            score = score.to_string()
        );
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        Ok(Outcome::private(
            t!(ctx.locale, "card-rated", ticket = ticket.reference.to_string(), score = score.to_string()),
            Some(ticket.reference),
        ))
    }
}
