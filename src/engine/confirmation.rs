//! The customer's confirmation of a fix: the resolution card with its confirm, not-fixed and rating
//! buttons, the rating as the satisfaction score, and the timer that reminds an unanswered card
//! once and then closes the ticket as auto-confirmed.

use chrono::{DateTime, Utc};

use super::{Ctx, Engine, Failure, Outcome, customer_audience, refused, staff_post};
use crate::domain::incident::SCORES;
use crate::domain::{
    Button, ButtonAction, CloseReason, EventKind, Post, SYSTEM_ACTOR, Status, Ticket, TicketRef,
};
use crate::store::{ConfirmationStep, ConfirmationTimer, StoreError, StoreTx};

/// How many due cards the confirmation job takes per transaction.
const CONFIRMATION_BATCH: i64 = 100;

/// What one run of the confirmation job did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConfirmationReport {
    pub reminded: usize,
    pub auto_confirmed: usize,
}

/// The resolution card to the customer: `text`, then confirm, not fixed, and a rating from 1 to 5.
fn card(ticket: &Ticket, text: String) -> Post {
    let reference = ticket.reference;
    let mut buttons = vec![
        Button::new(ButtonAction::Confirm, reference, "Yes, it is fixed"),
        Button::new(ButtonAction::NotFixed, reference, "No, it is not fixed"),
    ];
    buttons.extend(SCORES.map(|score| {
        let label = format!("{score} {}", if score == 1 { "star" } else { "stars" });
        Button::with_value(ButtonAction::Rate, reference, &score.to_string(), &label)
    }));
    Post { buttons, ..Post::new(customer_audience(ticket), Some(reference), text) }
}

impl Engine {
    /// Sends the resolution card and starts its timer: a reminder, then auto-confirmation.
    pub(super) async fn ask_for_confirmation(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        resolution: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let text = format!(
            "{} is resolved: {resolution}\nIs it fixed? And how did we do, from 1 to 5?",
            ticket.reference
        );
        tx.enqueue_post(&card(ticket, text), at).await?;
        let settings = &self.config.settings.confirmation;
        tx.set_confirmation_timer(&ConfirmationTimer {
            ticket: ticket.reference,
            asked_at: at,
            step: ConfirmationStep::Remind,
            due_at: at + settings.remind_after(),
        })
        .await
    }

    /// `rate:T-n:SCORE`, pressed by the customer on a resolved or closed ticket.
    pub(super) async fn rate(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        value: Option<&str>,
    ) -> Result<Outcome, Failure> {
        if ticket.customer != ctx.actor {
            return Err(refused("only the customer who reported it can rate this ticket", ticket));
        }
        let score =
            value.and_then(|v| v.parse::<u8>().ok()).filter(|s| SCORES.contains(s)).ok_or_else(|| {
                Failure::User(format!(
                    "rate {} from 1 to 5, e.g. rate:{}:4",
                    ticket.reference, ticket.reference
                ))
            })?;
        if !matches!(ticket.status, Status::Resolved | Status::Closed) {
            return Err(Failure::User(format!(
                "{} is not resolved yet; rate it once we have fixed it",
                ticket.reference
            )));
        }
        self.save(tx, ctx, ticket, EventKind::Rated { score }).await?;
        let notice = format!("{} rated {} {score}/5.", ctx.actor, ticket.reference);
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        Ok(Outcome::private(
            format!("Thank you for rating {} {score} out of 5.", ticket.reference),
            Some(ticket.reference),
        ))
    }

    /// Reminds each customer whose resolution card went unanswered, once, and closes the ticket
    /// as auto-confirmed when the configured days have passed.
    pub async fn confirmation_sweep(&self, now: DateTime<Utc>) -> anyhow::Result<ConfirmationReport> {
        let mut report = ConfirmationReport::default();
        loop {
            let due = self.store.due_confirmations(now, CONFIRMATION_BATCH).await?;
            let full = due.len() as i64 == CONFIRMATION_BATCH;
            let mut tx = self.store.begin().await?;
            for reference in due {
                self.confirmation_step(&mut *tx, reference, now, &mut report).await?;
            }
            tx.commit().await?;
            if !full {
                return Ok(report);
            }
        }
    }

    async fn confirmation_step(
        &self,
        tx: &mut dyn StoreTx,
        reference: TicketRef,
        now: DateTime<Utc>,
        report: &mut ConfirmationReport,
    ) -> Result<(), Failure> {
        let Some(mut ticket) = tx.ticket_for_update(reference).await? else { return Ok(()) };
        let Some(timer) = tx.confirmation_timer(reference).await? else { return Ok(()) };
        if timer.due_at > now {
            return Ok(());
        }
        if ticket.status != Status::Resolved {
            // Answered some other way (reopened or closed by staff): nothing to wait for.
            tx.clear_confirmation_timer(reference).await?;
            return Ok(());
        }
        let conversation = ticket.conversation.clone();
        let ctx = Ctx { actor: SYSTEM_ACTOR, conversation: &conversation, at: now };
        let settings = &self.config.settings.confirmation;
        let closes_at = timer.asked_at + settings.auto_confirm_after();
        match timer.step {
            ConfirmationStep::Remind => {
                let events = tx.timeline(reference).await?;
                let resolution = events
                    .iter()
                    .rev()
                    .find_map(|e| match &e.kind {
                        EventKind::Resolved { resolution } => Some(resolution.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                self.save(tx, &ctx, &mut ticket, EventKind::ConfirmationReminded).await?;
                let text = format!(
                    "Is {} fixed? We resolved it: {resolution}\nIf we do not hear from you, we will close it on {}.",
                    ticket.reference,
                    self.local(closes_at)
                );
                tx.enqueue_post(&card(&ticket, text), now).await?;
                tx.set_confirmation_timer(&ConfirmationTimer {
                    step: ConfirmationStep::AutoConfirm,
                    due_at: closes_at,
                    ..timer
                })
                .await?;
                report.reminded += 1;
            }
            ConfirmationStep::AutoConfirm => {
                ticket.close(CloseReason::AutoConfirmed)?;
                let days = settings.auto_confirm_after_days;
                let comment = Some(format!("no answer to the resolution card within {days} days"));
                let kind = EventKind::Closed { reason: CloseReason::AutoConfirmed, comment, article: None };
                self.save(tx, &ctx, &mut ticket, kind).await?;
                let goodbye = format!(
                    "We closed {} as we have not heard from you. If it is not fixed after all, write to us and we will help.",
                    ticket.reference
                );
                tx.enqueue_post(&super::customer_post(&ticket, goodbye), now).await?;
                let notice = format!(
                    "{} closed as auto-confirmed: the customer did not answer the resolution card within {days} days.",
                    ticket.reference
                );
                tx.enqueue_post(&staff_post(&ticket, notice, vec![], vec![]), now).await?;
                report.auto_confirmed += 1;
            }
        }
        Ok(())
    }
}
