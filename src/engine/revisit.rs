//! Revisits: a closed ticket in the sample (`domain::revisit`) is planned in the transaction that
//! closes it; `revisit.after_days` later the revisit job asks its customer whether it is still
//! working, with yes / no buttons; the answer goes on the timeline, and a "no" reopens the ticket
//! to its assignee, as "not fixed" on the resolution card does.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::jobs::BatchJob;
use super::{Ctx, Engine, Failure, Outcome, customer_audience, staff_post};
use crate::domain::revisit::RevisitAnswer;
use crate::domain::{Button, ButtonAction, EventKind, Locale, Post, SYSTEM_ACTOR, Status, Ticket, TicketRef};
use crate::store::{StoreError, StoreResult, StoreTx};
use crate::t;

/// The revisits due, as a batch job.
struct Revisits;

#[async_trait]
impl BatchJob for Revisits {
    type Tally = usize;
    const NAME: &'static str = "revisits";
    const BATCH: i64 = 100;

    async fn due(&self, engine: &Engine, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>> {
        engine.store.due_revisits(now, limit).await
    }

    async fn step(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        now: DateTime<Utc>,
        asked: &mut usize,
    ) -> anyhow::Result<()> {
        if engine.revisit_step(tx, ticket, now).await? {
            *asked += 1;
        }
        Ok(())
    }

    async fn put_off(
        &self,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        tx.put_off_revisit(ticket, retry_at).await
    }
}

/// The question to the customer: `text`, then "yes, it works" and "no, it does not".
fn question(ticket: &Ticket, locale: Locale) -> Post {
    let reference = ticket.reference;
    let text = t!(locale, "revisit-ask", ticket = reference.to_string(), title = ticket.title.as_str());
    let buttons = vec![
        Button::with_value(ButtonAction::Revisit, reference, "yes", &t!(locale, "revisit-yes-button")),
        Button::with_value(ButtonAction::Revisit, reference, "no", &t!(locale, "revisit-no-button")),
    ];
    Post { buttons, ..Post::new(customer_audience(ticket), Some(reference), text) }
}

impl Engine {
    /// Plans the ticket's revisit when it is in the sample: a step of `save` for a ticket that
    /// closes, in the same transaction.
    pub(super) async fn plan_revisit(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let rule = self.config.settings.revisit.rule();
        if !rule.samples(ticket) {
            return Ok(());
        }
        let due = at.checked_add_signed(rule.after).unwrap_or(DateTime::<Utc>::MAX_UTC);
        tx.plan_revisit(ticket.reference, at, due).await
    }

    /// Asks the customers of every ticket whose revisit is due at `now`; returns how many.
    pub async fn revisit_sweep(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        self.run_batched(&Revisits, now).await
    }

    /// One due revisit: asked when the ticket is still closed, dropped when it is not.
    async fn revisit_step(
        &self,
        tx: &mut dyn StoreTx,
        reference: TicketRef,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let Some(mut ticket) = tx.ticket_for_update(reference).await? else { return Ok(false) };
        let Some(revisit) = tx.revisit_for_update(reference).await? else { return Ok(false) };
        if revisit.sent_at.is_some() || revisit.due_at > now {
            return Ok(false);
        }
        if ticket.status != Status::Closed {
            // Reopened since: the work goes on, there is nothing to ask.
            tx.drop_revisit(reference).await?;
            return Ok(false);
        }
        let conversation = ticket.conversation.clone();
        let ctx =
            Ctx { actor: SYSTEM_ACTOR, conversation: &conversation, at: now, locale: self.shared_locale() };
        self.save(tx, &ctx, &mut ticket, EventKind::RevisitAsked).await?;
        self.tell_customers(tx, &ticket, |locale| question(&ticket, locale), now).await?;
        tx.mark_revisit_sent(reference, now).await?;
        Ok(true)
    }

    /// The customer's answer to a revisit (a button): on the timeline; "no" reopens the ticket to
    /// its assignee, who is told.
    pub(super) async fn answer_revisit(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        answer: RevisitAnswer,
    ) -> Result<Outcome, Failure> {
        self.customer_of(tx, ticket, ctx, &t!(ctx.locale, "revisit-customer-only")).await?;
        if !tx.answer_revisit(ticket.reference, answer, ctx.at).await? {
            let msg = crate::domain::Msg::new("revisit-answered-before").shown("ticket", ticket.reference);
            return Err(Failure::Says(msg));
        }
        let answered = EventKind::RevisitAnswered { answer: <&'static str>::from(answer).to_owned() };
        self.save(tx, ctx, ticket, answered).await?;
        let reference = ticket.reference.to_string();
        if answer == RevisitAnswer::Working {
            return Ok(Outcome::private(
                t!(ctx.locale, "revisit-thanks", ticket = reference),
                Some(ticket.reference),
            ));
        }
        if ticket.status != Status::Closed {
            // Reopened some other way meanwhile: the answer is on the timeline, the work goes on.
            return Ok(Outcome::private(
                t!(ctx.locale, "revisit-reopened", ticket = reference),
                Some(ticket.reference),
            ));
        }
        ticket.reopen()?;
        let reason = Some("revisit: the customer says it is not working".to_owned());
        self.save(tx, ctx, ticket, EventKind::Reopened { reason }).await?;
        let owner = ticket.assignee.as_deref().unwrap_or("nobody");
        let notice = t!(
            self.shared_locale(),
            "staff-revisit-not-working",
            actor = ctx.actor,
            ticket = reference.as_str(),
            owner = owner
        );
        let mentions = ticket.assignee.iter().cloned().collect();
        tx.enqueue_post(&staff_post(ticket, notice, mentions, vec![]), ctx.at).await?;
        Ok(Outcome::private(t!(ctx.locale, "revisit-reopened", ticket = reference), Some(ticket.reference)))
    }
}
