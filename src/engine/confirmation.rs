//! The customer's confirmation of a fix: the resolution card with its confirm, not-fixed and rating
//! buttons, the rating as the satisfaction score, and the timer that reminds an unanswered card
//! once and then closes the ticket as auto-confirmed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::jobs::{BatchJob, Tally};
use super::{Ctx, Engine, customer_audience, customer_post, staff_post};
use crate::domain::Locale;
use crate::domain::incident::{SCORES, latest_resolution};
use crate::domain::{
    Button, ButtonAction, CloseReason, EventKind, Post, SYSTEM_ACTOR, Status, Ticket, TicketRef,
};
use crate::store::{ConfirmationStep, ConfirmationTimer, StoreError, StoreResult, StoreTx};
use crate::t;

/// What one run of the confirmation job did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConfirmationReport {
    pub reminded: usize,
    pub auto_confirmed: usize,
}

impl Tally for ConfirmationReport {
    fn add(&mut self, other: ConfirmationReport) {
        self.reminded += other.reminded;
        self.auto_confirmed += other.auto_confirmed;
    }
}

/// The resolution cards' timers as a batch job: due tickets are those whose card has a step due.
struct Confirmations;

#[async_trait]
impl BatchJob for Confirmations {
    type Tally = ConfirmationReport;
    const NAME: &'static str = "confirmations";
    const BATCH: i64 = 100;

    async fn due(&self, engine: &Engine, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>> {
        engine.store.due_confirmations(now, limit).await
    }

    async fn step(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        now: DateTime<Utc>,
        report: &mut ConfirmationReport,
    ) -> anyhow::Result<()> {
        engine.confirmation_step(tx, ticket, now, report).await
    }

    async fn put_off(
        &self,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        match tx.confirmation_timer(ticket).await? {
            Some(timer) => tx.set_confirmation_timer(&ConfirmationTimer { due_at: retry_at, ..timer }).await,
            None => Ok(()),
        }
    }
}

/// The resolution card to the customer: `text`, then confirm, not fixed, and a rating from 1 to 5.
fn card(ticket: &Ticket, text: String, locale: Locale) -> Post {
    let reference = ticket.reference;
    let mut buttons = vec![
        Button::new(ButtonAction::Confirm, reference, &t!(locale, "card-confirm-button")),
        Button::new(ButtonAction::NotFixed, reference, &t!(locale, "card-not-fixed-button")),
    ];
    buttons.extend(SCORES.map(|score| {
        let label = t!(locale, "stars", count = score);
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
        let resolved = |locale| {
            let text =
                t!(locale, "card-resolved", ticket = ticket.reference.to_string(), resolution = resolution);
            card(ticket, text, locale)
        };
        self.tell_customers(tx, ticket, resolved, at).await?;
        let settings = &self.config.settings.confirmation;
        tx.set_confirmation_timer(&ConfirmationTimer {
            ticket: ticket.reference,
            asked_at: at,
            step: ConfirmationStep::Remind,
            due_at: at
                .checked_add_signed(settings.remind_after())
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
        })
        .await
    }

    /// Reminds each customer whose resolution card went unanswered, once, and closes the ticket
    /// as auto-confirmed when the configured days have passed.
    pub async fn confirmation_sweep(&self, now: DateTime<Utc>) -> anyhow::Result<ConfirmationReport> {
        self.run_batched(&Confirmations, now).await
    }

    async fn confirmation_step(
        &self,
        tx: &mut dyn StoreTx,
        reference: TicketRef,
        now: DateTime<Utc>,
        report: &mut ConfirmationReport,
    ) -> anyhow::Result<()> {
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
        let ctx =
            Ctx { actor: SYSTEM_ACTOR, conversation: &conversation, at: now, locale: self.shared_locale() };
        let settings = &self.config.settings.confirmation;
        let closes_at = timer
            .asked_at
            .checked_add_signed(settings.auto_confirm_after())
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
        match timer.step {
            ConfirmationStep::Remind => {
                let events = tx.timeline(reference).await?;
                let resolution = latest_resolution(&events).unwrap_or_default().to_owned();
                self.save(tx, &ctx, &mut ticket, EventKind::ConfirmationReminded).await?;
                let zone = self.time_zone_of(&ticket.customer);
                let reminder = |locale| {
                    let text = t!(
                        locale,
                        "card-reminder",
                        ticket = ticket.reference.to_string(),
                        resolution = resolution.as_str(),
                        closes = crate::i18n::time_in(locale, closes_at, zone)
                    );
                    card(&ticket, text, locale)
                };
                self.tell_customers(tx, &ticket, reminder, now).await?;
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
                let wait = settings.auto_confirm_wait();
                let comment = Some(format!("no answer to the resolution card within {wait}"));
                let kind = EventKind::Closed { reason: CloseReason::AutoConfirmed, comment, article: None };
                self.save(tx, &ctx, &mut ticket, kind).await?;
                let goodbye = |locale| {
                    customer_post(
                        &ticket,
                        t!(locale, "card-auto-closed", ticket = ticket.reference.to_string()),
                    )
                };
                self.tell_customers(tx, &ticket, goodbye, now).await?;
                let notice = t!(
                    self.shared_locale(),
                    "staff-auto-confirmed",
                    ticket = ticket.reference.to_string(),
                    wait = wait.as_str()
                );
                tx.enqueue_post(&staff_post(&ticket, notice, vec![], vec![]), now).await?;
                report.auto_confirmed += 1;
            }
        }
        Ok(())
    }
}
