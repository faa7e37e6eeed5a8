//! `solved:T-n:ARTICLE`: the customer says a suggested article solved it; the ticket closes as
//! self-served.

use async_trait::async_trait;

use crate::t;

use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, CloseReason, EventKind, Msg, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_only, staff_post};
use crate::store::StoreTx;

/// What anyone but the asker reads when pressing a suggestion's buttons.
pub(super) const ASKER_ONLY: &str = "offer-asker-only";

pub struct Solved;

#[async_trait]
impl ButtonHandler for Solved {
    fn action(&self) -> ButtonAction {
        ButtonAction::Solved
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        customer_only(ticket, ctx, &crate::i18n::text(ctx.locale, &Msg::new(ASKER_ONLY)))?;
        let suggested = engine.suggested_articles(ticket.reference).await?;
        let article = match press.value {
            Some(article) if suggested.iter().any(|s| s == article) => article.to_owned(),
            Some(article) => {
                let msg =
                    Msg::new("offer-not-suggested").arg("article", article).shown("ticket", ticket.reference);
                return Err(Failure::Says(msg));
            }
            None => suggested.into_iter().next().ok_or_else(|| {
                Failure::Says(Msg::new("offer-none-suggested").shown("ticket", ticket.reference))
            })?,
        };
        ticket.close(CloseReason::SelfServed)?;
        let closed = EventKind::Closed {
            reason: CloseReason::SelfServed,
            comment: None,
            article: Some(article.clone()),
        };
        engine.save(tx, ctx, ticket, closed).await?;
        tx.count_solved(&article).await?;
        let notice = t!(
            engine.shared_locale(),
            "staff-self-served",
            actor = ctx.actor,
            article = article.as_str(),
            ticket = ticket.reference.to_string()
        );
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        Ok(Outcome::private(
            t!(ctx.locale, "offer-glad", ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
