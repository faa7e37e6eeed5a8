//! The orchestrator. It takes platform-neutral inbound events, applies the domain's rules, and
//! writes the new state, its timeline events and the posts it causes in one transaction (the
//! outbox). It never talks to a chat platform.

mod confirmation;
mod inbound;
mod incident;
mod intake;
mod knowledge;
mod outcome;
mod sla;
mod text;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use thiserror::Error;
use tracing::error;

use crate::command::{Command, EscalateTo, Invocation, Leaf, UsageError, check_args};
use crate::config::Config;
use crate::domain::routing::{queue_name, round_robin};
use crate::domain::{
    AssignedVia, Audience, Button, ButtonAction, ButtonId, CloseReason, DomainError, Event, EventKind,
    LinkRelation, Post, Severity, Ticket, TicketRef, Tier,
};
use crate::kb::KnowledgeBase;
use crate::store::{MessageSlot, NewMessage, NewTicket, Store, StoreError, StoreTx};

pub use confirmation::ConfirmationReport;
pub use inbound::{
    Inbound, InboundButton, InboundCommand, InboundMessage, InboundRoomMessage, InboundStaffReply,
    direct_conversation,
};
pub use outcome::{Outcome, Reply};
pub use sla::{DigestReport, SweepReport};

/// Why a command did not go through.
#[derive(Debug, Error)]
enum Failure {
    /// The person's mistake; the text is their reply.
    #[error("{0}")]
    User(String),
    /// Not theirs to do: replied to, and kept in the audit log.
    #[error("{reason}")]
    Refused { reason: String, ticket: Option<TicketRef> },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DomainError> for Failure {
    fn from(e: DomainError) -> Self {
        Failure::User(e.to_string())
    }
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::User(e.0)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Internal(e.into())
    }
}

/// Who did what, where and when.
struct Ctx<'a> {
    actor: &'a str,
    conversation: &'a str,
    at: DateTime<Utc>,
}

pub struct Engine {
    store: Arc<dyn Store>,
    config: Arc<Config>,
    intake: intake::IntakeQueue,
    kb: Option<Arc<KnowledgeBase>>,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, config: Arc<Config>) -> Self {
        Engine { store, config, intake: intake::IntakeQueue::default(), kb: None }
    }

    /// Answers new tickets from the knowledge base and makes resolved tickets searchable.
    pub fn with_knowledge_base(mut self, kb: Arc<KnowledgeBase>) -> Self {
        self.kb = Some(kb);
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Handles one inbound event. It never fails: internal errors are logged and the person
    /// reads a short apology with a reference.
    pub async fn handle(&self, inbound: Inbound) -> Outcome {
        match inbound {
            Inbound::Message(message) => self.take_in(message).await,
            Inbound::Command(command) => self.run_command(command).await,
            Inbound::Button(press) => self.press(press).await,
            Inbound::StaffReply(reply) => self.staff_reply(reply).await,
            Inbound::RoomMessage(message) => self.room_message(message).await,
        }
    }

    // ----- staff replies ------------------------------------------------------------------------

    /// A staff member's reply to a ticket's customer, idempotent on its platform id. Only staff
    /// may reply; notes (`/note`) are a different thing and are never relayed.
    async fn staff_reply(&self, reply: InboundStaffReply) -> Outcome {
        if !crate::domain::text::has_visible_text(&reply.text) {
            return Outcome::private("Your message is empty; nothing was sent", None);
        }
        let ctx = Ctx { actor: &reply.author, conversation: &reply.conversation, at: reply.at };
        let result = async {
            let mut tx = self.store.begin().await?;
            if !tx.claim_inbound(&reply.source_id, ctx.at).await? {
                return Ok(Outcome::duplicate());
            }
            if !self.config.directory.is_staff(ctx.actor) {
                return Err(Failure::Refused {
                    reason: "only staff can reply to a customer".to_owned(),
                    ticket: reply.ticket,
                });
            }
            let mut ticket = self.target(&mut *tx, &ctx, reply.ticket).await?;
            self.reply_to_customer(&mut *tx, &ctx, &mut ticket, &reply.text).await?;
            tx.commit().await?;
            Ok(Outcome::silent(Some(ticket.reference)))
        }
        .await;
        self.finish(result, &reply.source_id, &ctx, "reply").await
    }

    /// Logs a staff reply on the ticket and, unless it was written in the conversation the
    /// customer reads, relays it to them. The one place a staff reply is handled: a console
    /// `/reply` command can call this inside its transaction.
    async fn reply_to_customer(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        text: &str,
    ) -> Result<bool, Failure> {
        if ticket.status == crate::domain::Status::Closed {
            return Err(Failure::User(format!(
                "{} is closed; /reopen it before writing to the customer",
                ticket.reference
            )));
        }
        let relayed = ctx.conversation != ticket.conversation;
        self.save(tx, ctx, ticket, EventKind::StaffReply { text: text.to_owned(), relayed }).await?;
        if relayed {
            let name = self.config.directory.person(ctx.actor).and_then(|p| p.name.clone());
            let name = name.unwrap_or_else(|| ctx.actor.to_owned());
            tx.enqueue_post(&customer_post(ticket, format!("{name} ({}): {text}", ticket.reference)), ctx.at)
                .await?;
        }
        Ok(relayed)
    }

    fn internal_error(&self, error: &anyhow::Error, at: DateTime<Utc>) -> String {
        let reference = format!("E-{:x}", at.timestamp_micros());
        error!(%reference, error = %format!("{error:#}"), "internal error");
        format!("An internal error occurred (ref {reference}); it is logged")
    }

    /// The next member of the domain × tier queue, or of triage when there is no domain yet.
    async fn route(
        &self,
        tx: &mut dyn StoreTx,
        domain: Option<&str>,
        tier: Tier,
    ) -> Result<Option<String>, StoreError> {
        let members = self.config.routing.members(domain, tier);
        if members.is_empty() {
            return Ok(None);
        }
        let turn = tx.advance_queue(&queue_name(domain, tier)).await?;
        Ok(round_robin(members, turn).map(str::to_owned))
    }

    // ----- commands -----------------------------------------------------------------------------

    async fn run_command(&self, inbound: InboundCommand) -> Outcome {
        let leaf = match self.config.commands.leaf(&inbound.invocation) {
            Ok(leaf) => leaf,
            Err(usage) => return Outcome::private(usage.0, None),
        };
        let ctx = Ctx { actor: &inbound.actor, conversation: &inbound.conversation, at: inbound.at };
        // Roles first: someone who may not run a command learns that, not its options.
        if let Some(reason) = self.role_refusal(leaf, ctx.actor) {
            let named = inbound.invocation.options.iter().find(|(name, _)| name == "ticket");
            let ticket = named.and_then(|(_, value)| value.parse().ok());
            return self.refuse(&inbound.source_id, &ctx, &leaf.path, reason, ticket).await;
        }
        let args = match check_args(leaf, &inbound.invocation) {
            Ok(args) => args,
            Err(usage) => return Outcome::private(usage.0, None),
        };
        let command = match Command::from_args(&leaf.path, &args) {
            Ok(command) => command,
            Err(usage) => return Outcome::private(usage.0, None),
        };
        let resolves = matches!(command, Command::Resolve { .. });
        let result = async {
            let mut tx = self.store.begin().await?;
            if !tx.claim_inbound(&inbound.source_id, ctx.at).await? {
                return Ok(Outcome::duplicate());
            }
            let outcome = self.execute(&mut *tx, &ctx, command).await?;
            tx.commit().await?;
            Ok::<_, Failure>(outcome)
        }
        .await;
        if let (true, Ok(Outcome { ticket: Some(ticket), duplicate: false, .. })) = (resolves, &result) {
            self.index_resolved(*ticket).await;
        }
        self.finish(result, &inbound.source_id, &ctx, &leaf.path).await
    }

    async fn finish(
        &self,
        result: Result<Outcome, Failure>,
        source_id: &str,
        ctx: &Ctx<'_>,
        what: &str,
    ) -> Outcome {
        match result {
            Ok(outcome) => outcome,
            Err(Failure::User(text)) => Outcome::private(text, None),
            Err(Failure::Refused { reason, ticket }) => {
                self.refuse(source_id, ctx, what, reason, ticket).await
            }
            Err(Failure::Internal(e)) => Outcome::private(self.internal_error(&e, ctx.at), None),
        }
    }

    fn role_refusal(&self, leaf: &Leaf, actor: &str) -> Option<String> {
        let roles = self.config.directory.roles(actor);
        if leaf.roles.iter().any(|role| roles.contains(role)) {
            return None;
        }
        let allowed: Vec<&str> = leaf.roles.iter().map(|r| text::role_plural(*r)).collect();
        let yours: Vec<&str> = roles.iter().map(|r| text::role_singular(*r)).collect();
        Some(format!(
            "/{} is for {}; you are {}",
            leaf.path,
            text::join_and(&allowed),
            text::join_and(&yours)
        ))
    }

    /// Replies with the refusal and records it: on the ticket's timeline when it names one.
    async fn refuse(
        &self,
        source_id: &str,
        ctx: &Ctx<'_>,
        what: &str,
        reason: String,
        ticket: Option<TicketRef>,
    ) -> Outcome {
        let result = async {
            let mut tx = self.store.begin().await?;
            if !tx.claim_inbound(source_id, ctx.at).await? {
                return Ok(Outcome::duplicate());
            }
            let on_ticket = match ticket {
                Some(reference) => tx.ticket_for_update(reference).await?.map(|t| t.reference),
                None => None,
            };
            let refused = EventKind::Refused { command: what.to_owned(), reason: reason.clone() };
            tx.append_event(&Event {
                ticket: on_ticket,
                actor: ctx.actor.to_owned(),
                at: ctx.at,
                kind: refused,
            })
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(Outcome::private(reason, on_ticket))
        }
        .await;
        result.unwrap_or_else(|e| Outcome::private(self.internal_error(&e.into(), ctx.at), None))
    }

    /// The ticket a command names, or the one of the conversation it was typed in.
    async fn target(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        named: Option<TicketRef>,
    ) -> Result<Ticket, Failure> {
        match named {
            Some(reference) => {
                let ticket = tx.ticket_for_update(reference).await?;
                let visible =
                    ticket.filter(|t| self.config.directory.is_staff(ctx.actor) || t.customer == ctx.actor);
                visible.ok_or_else(|| Failure::User(format!("there is no ticket {reference}")))
            }
            None => tx.ticket_of_conversation(ctx.conversation).await?.ok_or_else(|| {
                Failure::User("this conversation has no open ticket; name one with ticket:T-n".to_owned())
            }),
        }
    }

    /// Writes the changed ticket and its timeline event.
    async fn save(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        kind: EventKind,
    ) -> Result<(), StoreError> {
        ticket.updated_at = ctx.at;
        let closes = matches!(kind, EventKind::Closed { .. });
        let answers_card = closes || matches!(kind, EventKind::Reopened { .. });
        // A ticket lowered from S keeps its room, whose card then shows the new severity.
        let leaves_s = matches!(kind, EventKind::SeverityChanged { from: Some(Severity::S), .. });
        tx.update_ticket(ticket).await?;
        tx.append_event(&event(ticket, ctx, kind)).await?;
        let clocks = self.schedule(tx, ticket, ctx.at).await?;
        if answers_card {
            tx.clear_confirmation_timer(ticket.reference).await?;
        }
        if ticket.severity == Some(Severity::S) || leaves_s {
            self.keep_room_in_step(tx, ctx, ticket, &clocks, closes).await?;
        }
        Ok(())
    }

    /// Moves a ticket up to `to` (or the next tier) and gives it to that tier's queue unless its
    /// assignee is already a member: the one escalation path, for `/escalate` and for OLA expiry.
    async fn escalate_ticket(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        to: Option<Tier>,
        reason: &str,
    ) -> Result<(Tier, Tier, Option<String>), Failure> {
        if ticket.domain.is_none() {
            return Err(Failure::User(format!(
                "classify {} with a domain first: each tier's queue belongs to a domain",
                ticket.reference
            )));
        }
        let from = ticket.tier;
        let to = ticket.escalate(to)?;
        let domain = ticket.domain.clone();
        let keeps = ticket
            .assignee
            .as_deref()
            .is_some_and(|a| self.config.routing.is_member(domain.as_deref(), to, a));
        if !keeps {
            ticket.assignee = self.route(tx, domain.as_deref(), to).await?;
        }
        let assignee = ticket.assignee.clone();
        let kind = EventKind::Escalated { from, to, reason: reason.to_owned(), assignee: assignee.clone() };
        self.save(tx, ctx, ticket, kind).await?;
        let update = format!(
            "We have passed {} to our {} team, who will follow up with you.",
            ticket.reference,
            text::tier_team(to)
        );
        tx.enqueue_post(&customer_post(ticket, update), ctx.at).await?;
        Ok((from, to, assignee))
    }

    async fn execute(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        command: Command,
    ) -> Result<Outcome, Failure> {
        let directory = &self.config.directory;
        match command {
            Command::Help => {
                let roles = directory.roles(ctx.actor);
                let lines: Vec<String> = self
                    .config
                    .commands
                    .leaves()
                    .filter(|leaf| leaf.roles.iter().any(|r| roles.contains(r)))
                    .map(|leaf| format!("/{} — {}", leaf.path, leaf.description))
                    .collect();
                Ok(Outcome::private(format!("Commands you may use:\n{}", lines.join("\n")), None))
            }
            Command::Ticket { customer, text } => {
                if text.trim().is_empty() {
                    return Err(Failure::User("say what the customer reported in text:…".to_owned()));
                }
                let ticket = self.insert_ticket(tx, ctx, &customer, &text).await?;
                self.announce_ticket(tx, ctx, &ticket, &text, None).await?;
                let summary = text::summary(&ticket);
                Ok(Outcome::public(
                    format!("Opened {} for {customer}: {summary}", ticket.reference),
                    Some(ticket.reference),
                ))
            }
            Command::Classify { ticket, change, reason } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                if change.severity == Some(Severity::S) {
                    return Err(Failure::User(
                        "S-level needs a domain owner's confirmation: use /escalate to:S reason:…".to_owned(),
                    ));
                }
                let domain_changed = change.domain.is_some() && change.domain != ticket.domain;
                ticket.classify(&change)?;
                let mut rerouted = None;
                if domain_changed {
                    let domain = ticket.domain.as_deref();
                    let keeps = ticket
                        .assignee
                        .as_deref()
                        .is_some_and(|a| self.config.routing.is_member(domain, ticket.tier, a));
                    if !keeps && let Some(next) = self.route(tx, domain, ticket.tier).await? {
                        ticket.assignee = Some(next.clone());
                        rerouted = Some(next);
                    }
                }
                let kind = EventKind::Classified {
                    domain: change.domain,
                    kind: change.kind,
                    severity: change.severity,
                    reason,
                    assignee: rerouted.clone(),
                };
                self.save(tx, ctx, &mut ticket, kind).await?;
                if let Some(assignee) = &rerouted {
                    let notice =
                        format!("{} moved {} to your queue: {}", ctx.actor, ticket.reference, ticket.title);
                    tx.enqueue_post(&person_post(&ticket, assignee, notice), ctx.at).await?;
                }
                Ok(Outcome::public(
                    format!("{} classified: {}", ticket.reference, text::summary(&ticket)),
                    Some(ticket.reference),
                ))
            }
            Command::Assign { ticket, user } => {
                if !directory.is_engineer(&user) {
                    return Err(Failure::User(format!(
                        "`{user}` is not an engineer; tickets go to engineers"
                    )));
                }
                let mut ticket = self.target(tx, ctx, ticket).await?;
                ticket.assign(&user)?;
                self.save(
                    tx,
                    ctx,
                    &mut ticket,
                    EventKind::Assigned { assignee: user.clone(), via: AssignedVia::Command },
                )
                .await?;
                if user != ctx.actor {
                    let notice = format!("{} gave you {}: {}", ctx.actor, ticket.reference, ticket.title);
                    tx.enqueue_post(&person_post(&ticket, &user, notice), ctx.at).await?;
                }
                Ok(Outcome::public(
                    format!("{} assigned to {user}", ticket.reference),
                    Some(ticket.reference),
                ))
            }
            Command::Claim { ticket } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                self.claim(tx, ctx, &mut ticket).await
            }
            Command::Unassign { ticket } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                let previous = ticket.unassign()?;
                self.save(tx, ctx, &mut ticket, EventKind::Unassigned { previous: previous.clone() }).await?;
                Ok(Outcome::public(
                    format!("{} no longer has {}", previous, ticket.reference),
                    Some(ticket.reference),
                ))
            }
            Command::Escalate { ticket, to: Some(EscalateTo::SLevel), reason } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                self.request_s(tx, ctx, ticket, &reason).await
            }
            Command::Escalate { ticket, to, reason } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                let to = match to {
                    Some(EscalateTo::Tier(tier)) => Some(tier),
                    _ => None,
                };
                let (from, to, assignee) = self.escalate_ticket(tx, ctx, &mut ticket, to, &reason).await?;
                let owner = assignee.clone().unwrap_or_else(|| "nobody yet".to_owned());
                let notice = format!(
                    "{} escalated {} from {from} to {to}: {reason}. It is now with {owner}.",
                    ctx.actor, ticket.reference
                );
                tx.enqueue_post(&staff_post(&ticket, notice, assignee.into_iter().collect(), vec![]), ctx.at)
                    .await?;
                Ok(Outcome::public(
                    format!("{} escalated to {to}, now with {owner}", ticket.reference),
                    Some(ticket.reference),
                ))
            }
            Command::Severity { ticket, level: Severity::S, reason } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                let reason = reason.unwrap_or_else(|| "raised with /severity".to_owned());
                self.request_s(tx, ctx, ticket, &reason).await
            }
            Command::Severity { ticket, level, reason } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                let from = ticket.set_severity(level)?;
                self.save(tx, ctx, &mut ticket, EventKind::SeverityChanged { from, to: level, reason })
                    .await?;
                Ok(Outcome::public(format!("{} is now {level}", ticket.reference), Some(ticket.reference)))
            }
            Command::Note { ticket, text } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                self.save(tx, ctx, &mut ticket, EventKind::Note { text }).await?;
                Ok(Outcome::public(
                    format!("Note added to {} (staff only)", ticket.reference),
                    Some(ticket.reference),
                ))
            }
            Command::Reply { ticket, text } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                if !crate::domain::text::has_visible_text(&text) {
                    return Err(Failure::User("say what to tell the customer in text:…".to_owned()));
                }
                self.reply_to_customer(tx, ctx, &mut ticket, &text).await?;
                Ok(Outcome::public(
                    format!("Sent to {} on {}", ticket.customer, ticket.reference),
                    Some(ticket.reference),
                ))
            }
            Command::Sla { ticket } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                let text = self.sla_text(tx, &ticket, ctx.at).await?;
                Ok(Outcome::private(text, Some(ticket.reference)))
            }
            Command::Wait { ticket, reason } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                ticket.wait_for_customer()?;
                self.save(tx, ctx, &mut ticket, EventKind::Waiting { reason: reason.clone() }).await?;
                let ask = match &reason {
                    Some(reason) => {
                        format!("We need something from you to go on with {}: {reason}", ticket.reference)
                    }
                    None => format!("We are waiting for your reply to go on with {}.", ticket.reference),
                };
                tx.enqueue_post(&customer_post(&ticket, ask), ctx.at).await?;
                Ok(Outcome::public(
                    format!("{} is waiting for the customer", ticket.reference),
                    Some(ticket.reference),
                ))
            }
            Command::Status { ticket } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                Ok(Outcome::private(text::status(&ticket), Some(ticket.reference)))
            }
            Command::Resolve { ticket, resolution } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                ticket.resolve(&resolution)?;
                self.save(tx, ctx, &mut ticket, EventKind::Resolved { resolution: resolution.clone() })
                    .await?;
                self.ask_for_confirmation(tx, &ticket, &resolution, ctx.at).await?;
                Ok(Outcome::public(
                    format!("{} resolved; the customer was asked to confirm", ticket.reference),
                    Some(ticket.reference),
                ))
            }
            Command::Close { ticket, reason } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                ticket.close(CloseReason::ClosedByStaff)?;
                self.save(
                    tx,
                    ctx,
                    &mut ticket,
                    EventKind::Closed { reason: CloseReason::ClosedByStaff, comment: reason, article: None },
                )
                .await?;
                tx.enqueue_post(
                    &customer_post(
                        &ticket,
                        format!("{} is closed. Thank you for contacting us.", ticket.reference),
                    ),
                    ctx.at,
                )
                .await?;
                Ok(Outcome::public(format!("{} closed", ticket.reference), Some(ticket.reference)))
            }
            Command::Reopen { ticket, reason } => {
                let mut ticket = self.target(tx, ctx, ticket).await?;
                ticket.reopen()?;
                self.save(tx, ctx, &mut ticket, EventKind::Reopened { reason }).await?;
                tx.enqueue_post(
                    &customer_post(
                        &ticket,
                        format!("We reopened {} and are working on it again.", ticket.reference),
                    ),
                    ctx.at,
                )
                .await?;
                Ok(Outcome::public(format!("{} reopened", ticket.reference), Some(ticket.reference)))
            }
            Command::Link { ticket, to, relation } => self.link(tx, ctx, ticket, to, relation).await,
            Command::KbSearch { query } => self.kb_search(ctx, &query).await,
            Command::KbAdd { ticket } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                self.kb_add(tx, ctx, ticket).await
            }
            Command::KbPublish { article } => self.kb_publish(tx, ctx, &article).await,
            Command::Timeline { ticket, text } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                self.timeline_entry(tx, ctx, ticket, &text).await
            }
            Command::Update { ticket, text } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                self.customer_update(tx, ctx, ticket, &text).await
            }
            Command::Invite { ticket, user } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                self.invite(tx, ctx, ticket, &user).await
            }
            Command::Report { ticket, report } => {
                let ticket = self.target(tx, ctx, ticket).await?;
                self.file_report(tx, ctx, ticket, report).await
            }
        }
    }

    async fn claim(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
    ) -> Result<Outcome, Failure> {
        ticket.assign(ctx.actor)?;
        self.save(tx, ctx, ticket, EventKind::Claimed { assignee: ctx.actor.to_owned() }).await?;
        Ok(Outcome::public(format!("{} claimed {}", ctx.actor, ticket.reference), Some(ticket.reference)))
    }

    async fn link(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: Option<TicketRef>,
        to: TicketRef,
        relation: LinkRelation,
    ) -> Result<Outcome, Failure> {
        let mut ticket = self.target(tx, ctx, ticket).await?;
        if ticket.reference == to {
            return Err(DomainError::SelfLink.into());
        }
        let mut other = tx
            .ticket_for_update(to)
            .await?
            .ok_or_else(|| Failure::User(format!("there is no ticket {to}")))?;
        if relation == LinkRelation::Duplicate {
            ticket.close(CloseReason::Merged)?;
        }
        if !tx.insert_link(ticket.reference, to, relation).await? {
            return Err(Failure::User(format!("{} is already linked to {to}", ticket.reference)));
        }
        self.save(tx, ctx, &mut ticket, EventKind::Linked { other: to, relation }).await?;
        self.save(tx, ctx, &mut other, EventKind::Linked { other: ticket.reference, relation }).await?;
        if relation == LinkRelation::Duplicate {
            let comment = Some(format!("merged into {to}"));
            self.save(
                tx,
                ctx,
                &mut ticket,
                EventKind::Closed { reason: CloseReason::Merged, comment, article: None },
            )
            .await?;
            let note = format!("{} is the same problem as {to}; we will follow up there.", ticket.reference);
            tx.enqueue_post(&customer_post(&ticket, note), ctx.at).await?;
            return Ok(Outcome::public(
                format!("{} merged into {to}", ticket.reference),
                Some(ticket.reference),
            ));
        }
        Ok(Outcome::public(format!("{} linked to {to}", ticket.reference), Some(ticket.reference)))
    }

    // ----- buttons ------------------------------------------------------------------------------

    async fn press(&self, press: InboundButton) -> Outcome {
        let button: ButtonId = match press.button_id.parse() {
            Ok(button) => button,
            Err(message) => return Outcome::private(message, None),
        };
        let ctx = Ctx { actor: &press.actor, conversation: &press.conversation, at: press.at };
        let what = format!("button {}", button.action);
        let result = async {
            let mut tx = self.store.begin().await?;
            if !tx.claim_inbound(&press.source_id, ctx.at).await? {
                return Ok(Outcome::duplicate());
            }
            let mut ticket = tx
                .ticket_for_update(button.ticket)
                .await?
                .ok_or_else(|| Failure::User(format!("there is no ticket {}", button.ticket)))?;
            let outcome = match button.action {
                ButtonAction::Claim => {
                    if !self.config.directory.is_engineer(ctx.actor) {
                        return Err(refused("only engineers can claim tickets", &ticket));
                    }
                    self.claim(&mut *tx, &ctx, &mut ticket).await?
                }
                ButtonAction::Confirm => {
                    if ticket.customer != ctx.actor {
                        return Err(refused(
                            "only the customer who reported it can confirm this ticket",
                            &ticket,
                        ));
                    }
                    ticket.close(CloseReason::Confirmed)?;
                    let kind =
                        EventKind::Closed { reason: CloseReason::Confirmed, comment: None, article: None };
                    self.save(&mut *tx, &ctx, &mut ticket, kind).await?;
                    let notice =
                        format!("{} confirmed that {} is fixed; it is closed.", ctx.actor, ticket.reference);
                    tx.enqueue_post(&staff_post(&ticket, notice, vec![], vec![]), ctx.at).await?;
                    Outcome::private(
                        format!("Thank you. {} is closed.", ticket.reference),
                        Some(ticket.reference),
                    )
                }
                ButtonAction::NotFixed => {
                    if ticket.customer != ctx.actor {
                        return Err(refused(
                            "only the customer who reported it can reopen this ticket",
                            &ticket,
                        ));
                    }
                    ticket.reopen()?;
                    let kind =
                        EventKind::Reopened { reason: Some("the customer says it is not fixed".to_owned()) };
                    self.save(&mut *tx, &ctx, &mut ticket, kind).await?;
                    let owner = ticket.assignee.as_deref().unwrap_or("nobody");
                    let notice = format!(
                        "{} says {} is not fixed; it is open again, with {owner}.",
                        ctx.actor, ticket.reference
                    );
                    tx.enqueue_post(
                        &staff_post(&ticket, notice, ticket.assignee.iter().cloned().collect(), vec![]),
                        ctx.at,
                    )
                    .await?;
                    Outcome::private(
                        format!("Sorry about that. We reopened {}; tell us what you see.", ticket.reference),
                        Some(ticket.reference),
                    )
                }
                ButtonAction::SConfirm => self.confirm_s(&mut *tx, &ctx, &mut ticket).await?,
                ButtonAction::SDecline => {
                    self.decline_s(&mut *tx, &ctx, &mut ticket, press.answer.as_deref()).await?
                }
                ButtonAction::Rate => self.rate(&mut *tx, &ctx, &mut ticket, button.value.as_deref()).await?,
                ButtonAction::Report => {
                    // The button asks for what `/report` takes, so whoever may run `/report` may press it.
                    let report = Invocation { name: "report".to_owned(), subcommand: None, options: vec![] };
                    let leaf = self.config.commands.leaf(&report)?;
                    if let Some(reason) = self.role_refusal(leaf, ctx.actor) {
                        return Err(refused(&reason, &ticket));
                    }
                    self.report_form(&ticket)
                }
                ButtonAction::Solved | ButtonAction::NeedHelp => {
                    if ticket.customer != ctx.actor {
                        return Err(refused(
                            "only the customer who asked can answer these suggestions",
                            &ticket,
                        ));
                    }
                    if button.action == ButtonAction::Solved {
                        self.press_solved(&mut *tx, &ctx, &mut ticket, button.value.clone()).await?
                    } else {
                        self.press_need_help(&mut *tx, &ctx, &mut ticket).await?
                    }
                }
            };
            tx.commit().await?;
            Ok(outcome)
        }
        .await;
        self.finish(result, &press.source_id, &ctx, &what).await
    }
}

fn refused(reason: &str, ticket: &Ticket) -> Failure {
    Failure::Refused { reason: reason.to_owned(), ticket: Some(ticket.reference) }
}

fn new_message(message: &InboundMessage) -> NewMessage {
    NewMessage {
        source_id: message.source_id.clone(),
        conversation: message.conversation.clone(),
        author: message.author.clone(),
        text: message.text.clone(),
        received_at: message.at,
    }
}

fn event(ticket: &Ticket, ctx: &Ctx<'_>, kind: EventKind) -> Event {
    Event { ticket: Some(ticket.reference), actor: ctx.actor.to_owned(), at: ctx.at, kind }
}

fn customer_audience(ticket: &Ticket) -> Audience {
    Audience::Customer { user: ticket.customer.clone(), conversation: ticket.conversation.clone() }
}

fn customer_post(ticket: &Ticket, text: String) -> Post {
    Post::new(customer_audience(ticket), Some(ticket.reference), text)
}

fn staff_post(ticket: &Ticket, text: String, mentions: Vec<String>, buttons: Vec<Button>) -> Post {
    Post {
        buttons,
        mentions,
        ..Post::new(Audience::Staff { ticket: ticket.reference }, Some(ticket.reference), text)
    }
}

fn person_post(ticket: &Ticket, user: &str, text: String) -> Post {
    Post {
        mentions: vec![user.to_owned()],
        ..Post::new(Audience::Person { user: user.to_owned() }, Some(ticket.reference), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn role_names_read_as_people() {
        assert_eq!(text::role_plural(Role::Owner), "domain owners");
        assert_eq!(text::join_and(&["engineers", "managers"]), "engineers and managers");
    }
}
