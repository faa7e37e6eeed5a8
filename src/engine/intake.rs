//! Intake: every customer message is stored, then opens a ticket or is added to the customer's
//! open one, with its timeline event and posts, in one transaction.
//!
//! Messages are taken in with group commit: while one transaction is being written, messages that
//! arrive queue up, and the next writer takes all of them in one transaction. Each message's
//! effects stay together and idempotent; a commit is shared, which is what bounds the rate on
//! a database that syncs every commit to disk. A batch that fails is retried one message at a
//! time, so one bad message never holds up the others.
//!
//! On PostgreSQL several such writers run at once (`WRITERS_ON_POSTGRES`), each with its own
//! queue; a customer's messages always take the same one (by a stable hash of the author), so
//! they are taken in in the order they came, as with one writer. Transactions that open a ticket
//! take turns (`StoreTx::lock_intake_openings`), so writers never deadlock over the rows
//! openings share; messages added to open tickets, most of a busy hour, are written in parallel.

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::oneshot;
use tracing::{error, warn};

use super::{
    Ctx, Engine, InboundMessage, Outcome, ReplyTo, customer_post, direct_conversation, event, staff_post,
    text,
};
use crate::domain::{
    Attachment, Audience, Button, ButtonAction, EventKind, Locale, Post, Status, Ticket, TicketRef, Tier,
};
use crate::store::{Backend, IntakeTicket, MessageSlot, NewMessage, NewTicket, StoreError, StoreTx};
use crate::t;

/// Why a resolved ticket reopens when its customer writes.
const CUSTOMER_WROTE_AFTER_RESOLUTION: &str = "the customer wrote after the resolution";

/// How often a message's own transaction runs again when the database aborted it for contention.
const RETRIES_WHEN_CONTENDED: usize = 3;

/// At most this many messages share a transaction.
const MAX_BATCH: usize = 256;

/// Intake's writers (each a transaction at a time) on PostgreSQL; SQLite has one writer anyway.
const WRITERS_ON_POSTGRES: usize = 4;

type Waiting = (InboundMessage, oneshot::Sender<Outcome>);

/// Messages waiting for intake, in lanes by author: each lane has one writer at a time.
pub(super) struct IntakeQueue {
    lanes: Vec<Lane>,
}

#[derive(Default)]
struct Lane {
    waiting: Mutex<VecDeque<Waiting>>,
    /// Held by the one task writing this lane's batch.
    writer: tokio::sync::Mutex<()>,
}

impl IntakeQueue {
    pub(super) fn for_backend(backend: Backend) -> Self {
        let writers = match backend {
            Backend::Postgres => WRITERS_ON_POSTGRES,
            Backend::Sqlite => 1,
        };
        IntakeQueue { lanes: (0..writers).map(|_| Lane::default()).collect() }
    }

    /// The lane of an author's messages: always the same one.
    fn lane(&self, author: &str) -> &Lane {
        let index = crate::domain::text::stable_hash(author.as_bytes()) % self.lanes.len() as u64;
        &self.lanes[index as usize]
    }
}

/// What a customer sent: its text (maybe empty when files came alone), the stored message, files.
#[derive(Clone, Copy)]
pub(super) struct Sent<'a> {
    pub text: &'a str,
    pub message_id: Option<i64>,
    pub attachments: &'a [Attachment],
}

/// How a message found its ticket, as the staff notice tells it.
pub(super) enum Landed {
    /// The customer's one open ticket here (or a new one).
    Only,
    /// The ticket the customer replied to.
    Replied,
    /// The most recently active of several open tickets.
    MostRecent { others: Vec<TicketRef> },
    /// The customer's ticket `from` was merged into this one.
    Merged { from: TicketRef },
}

impl Landed {
    fn how(&self, message_id: i64, locale: Locale) -> String {
        match self {
            Landed::Only => String::new(),
            Landed::Replied => t!(locale, "landed-replied"),
            Landed::MostRecent { others } => {
                let others: Vec<String> = others.iter().map(ToString::to_string).collect();
                let others = text::join_and_in(&others, locale);
                t!(locale, "landed-most-recent", others = others, message = message_id)
            }
            Landed::Merged { from } => t!(locale, "landed-merged", from = from.to_string()),
        }
    }
}

/// How taking one message in within a transaction went.
enum Taken {
    Done(Outcome),
    /// Another instance stored the same message meanwhile: this transaction must be rolled back.
    Raced,
}

impl Engine {
    /// Takes in messages that were stored but whose intake failed; run at start and by the
    /// `untaken_messages` job every minute. Returns how many it retried.
    pub async fn take_in_untaken(&self) -> Result<usize, StoreError> {
        let untaken = self.store.untaken_messages().await?;
        let count = untaken.len();
        for stored in untaken {
            let m = stored.message;
            let inbound = InboundMessage {
                source_id: m.source_id,
                conversation: m.conversation,
                author: m.author,
                text: m.text,
                at: m.received_at,
                attachments: m.attachments,
                reply_to: None,
            };
            self.take_in_alone(&inbound).await;
        }
        Ok(count)
    }

    pub(super) async fn take_in(&self, message: InboundMessage) -> Outcome {
        if !crate::domain::text::has_visible_text(&message.text) && message.attachments.is_empty() {
            let locale = self.locale_of(&message.author, None, None);
            return Outcome::private(t!(locale, "intake-empty"), None);
        }
        // Staff write to the bot to work, not to report: a ticket with themselves as its
        // customer would only sit in a queue.
        if self.people.is_staff(&message.author) {
            let locale = self.locale_of(&message.author, None, None);
            return Outcome::private(t!(locale, "intake-staff-help"), None);
        }
        let (sender, mut receiver) = oneshot::channel();
        // Kept here in case the batch carrying it is dropped before it answers.
        let own = message.clone();
        let lane = self.intake.lane(&message.author);
        lane.waiting.lock().expect("intake queue lock").push_back((message, sender));
        loop {
            let _writer = lane.writer.lock().await;
            match receiver.try_recv() {
                Ok(outcome) => return outcome,
                // The writer of the batch holding it stopped (its task was dropped or panicked)
                // before answering: whatever that batch did, take the message in on its own, so
                // it is stored or kept, never lost (idempotent if the batch had committed).
                Err(oneshot::error::TryRecvError::Closed) => return self.take_in_alone(&own).await,
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let batch: Vec<Waiting> = {
                let mut waiting = lane.waiting.lock().expect("intake queue lock");
                let n = waiting.len().min(MAX_BATCH);
                waiting.drain(..n).collect()
            };
            self.take_in_batch(batch).await;
        }
    }

    async fn take_in_batch(&self, batch: Vec<Waiting>) {
        if batch.len() > 1 {
            match self.take_in_together(&batch).await {
                Ok(outcomes) => {
                    for ((_, sender), outcome) in batch.into_iter().zip(outcomes) {
                        let _ = sender.send(outcome);
                    }
                    return;
                }
                Err(e) => {
                    warn!(error = %format!("{e:#}"), size = batch.len(), "batch failed; taking its messages in one by one")
                }
            }
        }
        for (message, sender) in batch {
            let outcome = self.take_in_alone(&message).await;
            let _ = sender.send(outcome);
        }
    }

    async fn take_in_together(&self, batch: &[Waiting]) -> anyhow::Result<Vec<Outcome>> {
        let mut tx = self.store.begin().await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for (message, _) in batch {
            match self.take_in_with(&mut *tx, message).await? {
                Taken::Done(outcome) => outcomes.push(outcome),
                Taken::Raced => {
                    anyhow::bail!("message {} was stored by another instance meanwhile", message.source_id)
                }
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// One message in its own transaction; if that fails, the message is kept on its own so the
    /// `untaken_messages` job (or the next start) takes it in.
    async fn take_in_alone(&self, message: &InboundMessage) -> Outcome {
        let attempt = || async {
            let mut tx = self.store.begin().await?;
            match self.take_in_with(&mut *tx, message).await? {
                Taken::Done(outcome) => {
                    tx.commit().await?;
                    Ok(outcome)
                }
                Taken::Raced => Ok(Outcome::duplicate()),
            }
        };
        let mut result: anyhow::Result<Outcome> = attempt().await;
        // Two instances taking in one customer's messages can deadlock (each holding a row the
        // other waits for); the database aborts one, which simply runs again.
        for _ in 0..RETRIES_WHEN_CONTENDED {
            match &result {
                Err(e) if e.downcast_ref::<StoreError>().is_some_and(StoreError::is_contention) => {
                    result = attempt().await;
                }
                _ => break,
            }
        }
        match result {
            Ok(outcome) => outcome,
            Err(e) => {
                let locale = self.locale_of(&message.author, None, Some(&message.text));
                let apology = self.internal_error(&e, message.at, locale);
                if let Err(keep) = self.store.keep_untaken_message(&new_message(message)).await {
                    error!(error = %keep, source_id = %message.source_id, "could not even keep the message");
                    return Outcome::private(apology, None);
                }
                Outcome::private(t!(locale, "intake-saved-later"), None)
            }
        }
    }

    async fn take_in_with(&self, tx: &mut dyn StoreTx, message: &InboundMessage) -> anyhow::Result<Taken> {
        let slot = tx.message_slot(&message.source_id).await?;
        if slot == MessageSlot::Duplicate {
            return Ok(Taken::Done(Outcome::duplicate()));
        }
        // The customer reads in the language of the message they just wrote, unless config or
        // the customer registry says.
        let locale = self.customer_locale_of(tx, &message.author, Some(&message.text)).await?;
        let ctx = Ctx { actor: &message.author, conversation: &message.conversation, at: message.at, locale };
        let landing = self.landing_for(tx, message).await?;
        let (mut ticket, landed, is_new) = match landing {
            Some((ticket, landed)) => (ticket, landed, false),
            None => {
                tx.lock_intake_openings().await?;
                let subject = text::or_files(&message.text, &message.attachments, ctx.locale);
                let new = self.new_ticket(tx, &ctx, &message.author, &subject).await?;
                // Another instance may have opened the customer's ticket here since `landing_for`
                // looked: the database lets one open, and the other message joins it.
                match tx.open_intake_ticket(&new).await? {
                    IntakeTicket::Opened(ticket) => (ticket, Landed::Only, true),
                    IntakeTicket::AlreadyOpen(ticket) => (ticket, Landed::Only, false),
                }
            }
        };
        let message_id = match slot {
            MessageSlot::Untaken(id) => {
                // The untaken-messages job and a redelivery may both retry it.
                if !tx.attach_message(id, ticket.reference).await? {
                    return Ok(Taken::Raced);
                }
                id
            }
            _ => match tx.insert_message(&new_message(message), ticket.reference).await? {
                Some(id) => id,
                None => return Ok(Taken::Raced),
            },
        };
        let reference = ticket.reference;
        if is_new {
            let sent =
                Sent { text: &message.text, message_id: Some(message_id), attachments: &message.attachments };
            self.announce_ticket(tx, &ctx, &mut ticket, sent).await?;
            self.watch_storms(tx, &ctx, &ticket, &message.text).await?;
        } else {
            let flooding = self.slows_down(tx, &ctx, &ticket).await?;
            let sent =
                Sent { text: &message.text, message_id: Some(message_id), attachments: &message.attachments };
            self.append_message(tx, &ctx, ticket, sent, landed, flooding).await?;
        }
        Ok(Taken::Done(Outcome::silent(Some(reference))))
    }

    /// Which ticket a customer's message is about, the rule README states: the open ticket of
    /// theirs it replies to; else their most recently active open ticket in this conversation;
    /// else a ticket staff opened for them (`/ticket customer:`); else, when their ticket here was
    /// merged, the ticket it was merged into, while that is open. `None`: a new ticket.
    async fn landing_for(
        &self,
        tx: &mut dyn StoreTx,
        message: &InboundMessage,
    ) -> Result<Option<(Ticket, Landed)>, StoreError> {
        let replied = match &message.reply_to {
            Some(ReplyTo::Ticket(reference)) => Some(*reference),
            Some(ReplyTo::Message(source_id)) => tx.ticket_of_message(source_id).await?,
            None => None,
        };
        if let Some(reference) = replied {
            // A reply to a merged ticket is about the ticket that carries on.
            let reference = self.merged_successor(tx, reference).await?.unwrap_or(reference);
            if let Some(mut ticket) = tx.ticket_for_update(reference).await?
                && !ticket.is_closed()
                && ticket.customer == message.author
            {
                // A ticket staff opened for them takes the conversation they answer from.
                if ticket.conversation == direct_conversation(&message.author) {
                    ticket.conversation = message.conversation.clone();
                    tx.update_ticket(&ticket).await?;
                }
                return Ok(Some((ticket, Landed::Replied)));
            }
        }
        let mut open = tx.open_tickets_of(&message.conversation, &message.author).await?;
        let latest_here = open.first().map(|t| t.updated_at);
        // A ticket staff opened for them since is the most recently active one.
        if let Some(ticket) = self.adopt_opened_for(tx, message, latest_here).await? {
            let others: Vec<TicketRef> = open.iter().map(|t| t.reference).collect();
            let landed = if others.is_empty() { Landed::Only } else { Landed::MostRecent { others } };
            return Ok(Some((ticket, landed)));
        }
        if !open.is_empty() {
            let latest = tx.ticket_for_update(open.remove(0).reference).await?;
            let others = open.iter().map(|t| t.reference).collect::<Vec<_>>();
            let landed = if others.is_empty() { Landed::Only } else { Landed::MostRecent { others } };
            return Ok(latest.map(|ticket| (ticket, landed)));
        }
        let Some(merged) = tx.last_merged_ticket_of(&message.conversation, &message.author).await? else {
            return Ok(None);
        };
        let Some(successor) = self.merged_successor(tx, merged).await? else { return Ok(None) };
        let ticket = tx.ticket_for_update(successor).await?.filter(|t| !t.is_closed());
        Ok(ticket.map(|ticket| (ticket, Landed::Merged { from: merged })))
    }

    /// A ticket staff opened for this customer (`/ticket customer:`) waits in their direct
    /// conversation, wherever the platform reaches them; the customer's first answer, from the
    /// conversation they actually write in, is about it. That conversation becomes the ticket's,
    /// so what follows goes back and forth there.
    /// Only a ticket more recently active than `newer_than` (the latest here) is taken.
    async fn adopt_opened_for(
        &self,
        tx: &mut dyn StoreTx,
        message: &InboundMessage,
        newer_than: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Option<Ticket>, StoreError> {
        let direct = direct_conversation(&message.author);
        if message.conversation == direct {
            return Ok(None);
        }
        let Some(mut ticket) = tx.open_ticket_of(&direct, &message.author).await? else { return Ok(None) };
        if newer_than.is_some_and(|latest| ticket.updated_at <= latest) {
            return Ok(None);
        }
        ticket.conversation = message.conversation.clone();
        tx.update_ticket(&ticket).await?;
        Ok(Some(ticket))
    }

    /// Whether the customer is over `intake.max_per_minute`. The first message over it in a minute
    /// asks them, and tells staff, once; the messages themselves are all kept.
    async fn slows_down(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
    ) -> Result<bool, StoreError> {
        let limit = self.config.settings.intake.max_per_minute;
        let sent = tx.messages_from_since(ctx.actor, ctx.at - chrono::TimeDelta::minutes(1)).await?;
        if sent <= i64::from(limit) {
            return Ok(false);
        }
        let minute = ctx.at.timestamp() / 60;
        if tx.record_notice(ticket.reference, &format!("slow-down:{}:{minute}", ctx.actor), ctx.at).await? {
            let ask =
                t!(ctx.locale, "intake-slow-down", limit = limit, ticket = ticket.reference.to_string());
            tx.enqueue_post(&customer_post(ticket, ask), ctx.at).await?;
            let notice = t!(
                self.shared_locale(),
                "staff-flooding",
                actor = ctx.actor,
                limit = limit,
                ticket = ticket.reference.to_string()
            );
            tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        }
        Ok(true)
    }

    async fn append_message(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        mut ticket: Ticket,
        sent: Sent<'_>,
        landed: Landed,
        flooding: bool,
    ) -> Result<TicketRef, StoreError> {
        let Sent { text, message_id, attachments } = sent;
        let message_id = message_id.unwrap_or_default();
        let resumed = ticket.customer_replied();
        ticket.updated_at = ctx.at;
        tx.update_ticket(&ticket).await?;
        tx.append_event(&event(
            &ticket,
            ctx,
            EventKind::Message { text: text.to_owned(), message_id, attachments: attachments.to_vec() },
        ))
        .await?;
        if resumed {
            tx.append_event(&event(&ticket, ctx, EventKind::Resumed)).await?;
            self.schedule(tx, &ticket, ctx.at).await?;
        }
        // Writing after the resolution card means it is not settled: as "not fixed" does, the
        // ticket reopens to its assignee and the card's timer stops (`save` clears it).
        let reopened = ticket.status == Status::Resolved && ticket.reopen().is_ok();
        if reopened {
            let reason = Some(CUSTOMER_WROTE_AFTER_RESOLUTION.to_owned());
            self.save(tx, ctx, &mut ticket, EventKind::Reopened { reason }).await?;
        }
        if flooding && !reopened && !resumed {
            return Ok(ticket.reference);
        }
        let quote_chars = self.config.settings.intake.quote_chars;
        if let Some(note) = text::long_message(text, quote_chars, ctx.locale) {
            // To the writer, who may be a merged ticket's customer in a conversation of their own.
            let writer =
                Audience::Customer { user: ctx.actor.to_owned(), conversation: ctx.conversation.to_owned() };
            let added = t!(ctx.locale, "intake-added", ticket = ticket.reference.to_string(), note = note);
            tx.enqueue_post(&Post::new(writer, Some(ticket.reference), added), ctx.at).await?;
        }
        let shared = self.shared_locale();
        let quote = text::quote(text, quote_chars, shared);
        let how = landed.how(message_id, shared);
        let mut notice = t!(
            shared,
            "staff-wrote",
            actor = ctx.actor,
            ticket = ticket.reference.to_string(),
            how = how,
            quote = quote
        );
        if let Some(files) = text::files(attachments, shared) {
            notice.push_str(&files);
        }
        if resumed {
            notice.push('\n');
            notice.push_str(&t!(shared, "staff-resumed"));
        }
        if reopened {
            let owner = ticket.assignee.clone().unwrap_or_else(|| t!(shared, "nobody"));
            notice.push('\n');
            notice.push_str(&t!(shared, "staff-reopened-by-writing", owner = owner));
        }
        let post = staff_post(&ticket, notice, ticket.assignee.iter().cloned().collect(), vec![]);
        tx.enqueue_post(&post, ctx.at).await?;
        Ok(ticket.reference)
    }

    /// Opens a ticket from a customer's text: classified by the rules and routed to its queue.
    pub(super) async fn insert_ticket(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        customer: &str,
        text: &str,
    ) -> Result<Ticket, StoreError> {
        let new = self.new_ticket(tx, ctx, customer, text).await?;
        tx.insert_ticket(&new).await
    }

    /// A ticket about a customer's text, classified by the rules and routed to its queue.
    async fn new_ticket(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        customer: &str,
        text: &str,
    ) -> Result<NewTicket, StoreError> {
        let classification = self.config.rules.classify(text);
        let assignee = self.route(tx, classification.domain.as_deref(), Tier::L1).await?;
        let conversation =
            if ctx.actor == customer { ctx.conversation.to_owned() } else { direct_conversation(customer) };
        Ok(NewTicket {
            kind: classification.kind,
            domain: classification.domain,
            severity: classification.severity,
            tier: Tier::L1,
            assignee,
            customer: customer.to_owned(),
            conversation,
            title: text::title(text, self.config.settings.intake.title_chars),
            at: ctx.at,
        })
    }

    /// The new ticket's first timeline event, the customer's acknowledgement, the staff notice,
    /// and the knowledge base's articles for the customer, if any fit; an inquiry is then handed
    /// to sales (`hand_to_sales`).
    pub(super) async fn announce_ticket(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        sent: Sent<'_>,
    ) -> Result<(), StoreError> {
        let Sent { text, message_id, attachments } = sent;
        let settings = &self.config.settings.intake;
        let suggestions = self.suggestions_for(ticket, text);
        let created = EventKind::Created {
            customer: ticket.customer.clone(),
            text: text.to_owned(),
            message_id,
            attachments: attachments.to_vec(),
            domain: ticket.domain.clone(),
            kind: ticket.kind,
            severity: ticket.severity,
            assignee: ticket.assignee.clone(),
            suggested: suggestions.iter().map(|hit| hit.id.clone()).collect(),
        };
        self.record(tx, ctx, ticket, created).await?;
        let offered: Vec<String> = suggestions.iter().map(|hit| hit.id.clone()).collect();
        tx.count_offered(&offered).await?;
        self.schedule(tx, ticket, ctx.at).await?;

        // Staff may open a ticket for a customer (`/ticket`): the customer reads their own language.
        let locale = if ctx.actor == ticket.customer {
            ctx.locale
        } else {
            self.customer_locale_of(tx, &ticket.customer, Some(text)).await?
        };
        let mut ack = t!(locale, "intake-ack", ticket = ticket.reference.to_string());
        if let Some(note) = text::long_message(text, settings.quote_chars, locale) {
            ack = text::then(&ack, &note, locale);
        }
        tx.enqueue_post(&customer_post(ticket, ack), ctx.at).await?;

        let shared = self.shared_locale();
        let owner = ticket.assignee.clone().unwrap_or_else(|| t!(shared, "nobody-yet"));
        let mut notice = t!(
            shared,
            "staff-new-ticket",
            ticket = ticket.reference.to_string(),
            customer = ticket.customer.as_str(),
            labels = text::labels(ticket, shared),
            owner = owner,
            quote = text::quote(text, settings.quote_chars, shared)
        );
        if let Some(files) = text::files(attachments, shared) {
            notice.push_str(&files);
        }
        notice.push('\n');
        notice.push_str(
            &self.customer_card(tx, &ticket.customer, Some(ticket.reference), ctx.at, shared).await?,
        );
        let claim = Button::new(ButtonAction::Claim, ticket.reference, &t!(shared, "claim-button"));
        let mentions = ticket.assignee.iter().cloned().collect();
        tx.enqueue_post(&staff_post(ticket, notice, mentions, vec![claim]), ctx.at).await?;
        if let Some(card) = self.suggestion_card(ticket, &suggestions, locale) {
            tx.enqueue_post(&card, ctx.at).await?;
        }
        self.kind_set(tx, ctx, ticket).await?;
        Ok(())
    }
}

fn new_message(message: &InboundMessage) -> NewMessage {
    NewMessage {
        source_id: message.source_id.clone(),
        conversation: message.conversation.clone(),
        author: message.author.clone(),
        text: message.text.clone(),
        received_at: message.at,
        attachments: message.attachments.clone(),
    }
}
