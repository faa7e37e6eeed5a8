//! `sdecline:T-n`: a domain owner declines S-level, with the reason as the press's answer (asked
//! for in a form when missing).

use async_trait::async_trait;

use super::{ButtonHandler, Press};
use crate::domain::{Button, ButtonAction, EventKind, Form, FormField, FormSubmit, SYSTEM_ACTOR, Ticket};
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
            return Ok(ask_for_reason(ticket));
        };
        let reason = reason.trim().to_owned();
        engine.save(tx, ctx, ticket, EventKind::SDeclined { reason: reason.clone() }).await?;
        let stays = ticket.severity.map_or_else(|| "unrated".to_owned(), |s| s.to_string());
        let notice =
            format!("{} declined S-level for {}: {reason}. It stays {stays}.", ctx.actor, ticket.reference);
        let mentions = if request.by == SYSTEM_ACTOR { vec![] } else { vec![request.by] };
        tx.enqueue_post(&staff_post(ticket, notice, mentions, vec![]), ctx.at).await?;
        Ok(Outcome::private(format!("Declined; {} stays {stays}", ticket.reference), Some(ticket.reference)))
    }
}

fn ask_for_reason(ticket: &Ticket) -> Outcome {
    let again = Button::new(ButtonAction::SDecline, ticket.reference, "Decline, with a reason");
    let form = Form {
        title: format!("Decline S-level for {}", ticket.reference),
        fields: vec![FormField { name: "answer".into(), label: "Why is it not S-level?".into(), long: true }],
        submit: FormSubmit::Press { id: again.id.clone() },
        ask_again: Some(again),
    };
    Outcome::asking(
        form,
        "Say why it is not S-level: press the button and write the reason.".to_owned(),
        Some(ticket.reference),
    )
}
