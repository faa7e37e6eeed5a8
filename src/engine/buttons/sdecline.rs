//! `sdecline:T-n`: a domain owner declines S-level, with the reason as the press's answer (asked
//! for in a form when missing).

use async_trait::async_trait;

use crate::t;

use super::{ButtonHandler, Press};
use crate::domain::{
    Button, ButtonAction, EventKind, Form, FormField, FormSubmit, Locale, SYSTEM_ACTOR, Ticket,
};
use crate::engine::{Ctx, Engine, Failure, Outcome, staff_post};
use crate::store::StoreTx;

pub struct SDecline;

#[async_trait]
impl ButtonHandler for SDecline {
    fn action(&self) -> ButtonAction {
        ButtonAction::SDecline
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        let request = engine.s_request_for_owner(tx, ctx, ticket).await?;
        let Some(reason) = press.answer.filter(|a| crate::domain::text::has_visible_text(a)) else {
            return Ok(ask_for_reason(ticket, ctx.locale));
        };
        let reason = reason.trim().to_owned();
        engine.save(tx, ctx, ticket, EventKind::SDeclined { reason: reason.clone() }).await?;
        let stays = |locale| ticket.severity.map_or_else(|| t!(locale, "unrated"), |s| s.to_string());
        let notice = t!(
            engine.shared_locale(),
            "staff-s-declined",
            actor = ctx.actor,
            ticket = ticket.reference.to_string(),
            reason = reason.as_str(),
            stays = stays(engine.shared_locale())
        );
        let mentions = if request.by == SYSTEM_ACTOR { vec![] } else { vec![request.by] };
        tx.enqueue_post(&staff_post(ticket, notice, mentions, vec![]), ctx.at).await?;
        let declined =
            t!(ctx.locale, "s-declined", ticket = ticket.reference.to_string(), stays = stays(ctx.locale));
        Ok(Outcome::private(declined, Some(ticket.reference)))
    }
}

fn ask_for_reason(ticket: &Ticket, locale: Locale) -> Outcome {
    let again = Button::new(ButtonAction::SDecline, ticket.reference, &t!(locale, "s-decline-button"));
    let form = Form {
        title: t!(locale, "s-decline-title", ticket = ticket.reference.to_string()),
        fields: vec![FormField { name: "answer".into(), label: t!(locale, "s-decline-why"), long: true }],
        submit: FormSubmit::Press { id: again.id.clone() },
        ask_again: Some(again),
    };
    Outcome::asking(form, t!(locale, "s-decline-say-why"), Some(ticket.reference))
}
