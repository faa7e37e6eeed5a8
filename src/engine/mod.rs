//! The orchestrator. It takes platform-neutral inbound events, applies the domain's rules, and
//! writes the new state, its timeline events and the posts it causes in one transaction (the
//! outbox). It never talks to a chat platform.
//!
//! Each command is a module of `commands/`, each button action one of `buttons/`; this file
//! dispatches to them and holds the steps they share.

mod buttons;
pub mod commands;
mod confirmation;
mod customer;
mod failure;
mod inbound;
mod incident;
mod intake;
mod jobs;
mod knowledge;
mod outcome;
mod posts;
mod reply;
mod sla;
mod text;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::error;

use crate::command::{Leaf, check_args};
use crate::config::{ClaimTaken, Config, OutsideQueue};
use crate::domain::routing::{queue_name, round_robin};
use crate::domain::{ButtonId, Event, EventKind, People, Post, Severity, Ticket, TicketRef, Tier};
use crate::kb::KnowledgeBase;
use crate::store::{Store, StoreError, StoreTx};

use buttons::{ButtonRegistry, Press};
use commands::CommandRegistry;
pub use confirmation::ConfirmationReport;
pub use failure::{Ctx, Failure};
use failure::{customer_only, refused};
pub use inbound::{
    Inbound, InboundButton, InboundCommand, InboundMessage, InboundRoomMessage, InboundStaffReply, ReplyTo,
    direct_conversation,
};
use incident::{RoomStep, room_post};
pub use outcome::{Outcome, Reply};
use posts::{customer_audience, customer_post, event, person_post, staff_post};
pub use sla::{DigestReport, SweepReport};

pub struct Engine {
    store: Arc<dyn Store>,
    config: Arc<Config>,
    /// Who may do what: config's people and the roles platforms grant while running.
    people: Arc<People>,
    commands: CommandRegistry,
    buttons: ButtonRegistry,
    intake: intake::IntakeQueue,
    kb: Option<Arc<KnowledgeBase>>,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, config: Arc<Config>) -> Self {
        let people = Arc::new(People::new(config.directory.clone()));
        Engine {
            store,
            config,
            people,
            commands: CommandRegistry::builtin(),
            buttons: ButtonRegistry::builtin(),
            intake: intake::IntakeQueue::default(),
            kb: None,
        }
    }

    /// Answers new tickets from the knowledge base and makes resolved tickets searchable.
    pub fn with_knowledge_base(mut self, kb: Arc<KnowledgeBase>) -> Self {
        self.kb = Some(kb);
        self
    }

    /// Handles these commands instead of the built-in ones; config must have been loaded with
    /// `Config::load_handling(…, &commands.paths())`.
    pub fn with_commands(mut self, commands: CommandRegistry) -> Self {
        self.commands = commands;
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The shared directory of who may do what, where a channel grants platform roles.
    pub fn people(&self) -> &Arc<People> {
        &self.people
    }

    /// Handles one inbound event. It never fails: internal errors are logged and the person
    /// reads a short apology with a reference.
    pub async fn handle(&self, inbound: Inbound) -> Outcome {
        match inbound.storable() {
            Inbound::Message(message) => self.take_in(message).await,
            Inbound::Command(command) => self.run_command(command).await,
            Inbound::Button(press) => self.press(press).await,
            Inbound::StaffReply(reply) => self.staff_reply(reply).await,
            Inbound::StaffNote(note) => self.staff_note(note).await,
            Inbound::RoomMessage(message) => self.room_message(message).await,
        }
    }

    /// A command: its definition's roles, its arguments, then its handler in one transaction.
    async fn run_command(&self, mut inbound: InboundCommand) -> Outcome {
        inbound.invocation = self.config.commands.with_positional(inbound.invocation);
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
        let command = match check_args(leaf, &inbound.invocation)
            .and_then(|args| self.commands.parse(&leaf.path, &args))
        {
            Ok(command) => command,
            Err(usage) => return Outcome::private(usage.0, None),
        };
        let result = async {
            let Some(mut tx) = self.begin_claimed(&inbound.source_id, ctx.at).await? else {
                return Ok(Outcome::duplicate());
            };
            let outcome = command.handle(self, &mut *tx, &ctx).await?;
            tx.commit().await?;
            Ok(outcome)
        }
        .await;
        if let Ok(outcome) = &result
            && !outcome.duplicate
        {
            command.committed(self, outcome).await;
        }
        self.finish(result, &inbound.source_id, &ctx, &leaf.path).await
    }

    /// A button press: the ticket it names, then its action's handler in one transaction.
    async fn press(&self, press: InboundButton) -> Outcome {
        let button: ButtonId = match press.button_id.parse() {
            Ok(button) => button,
            Err(message) => return Outcome::private(message, None),
        };
        let ctx = Ctx { actor: &press.actor, conversation: &press.conversation, at: press.at };
        let details = Press { value: button.value.as_deref(), answer: press.answer.as_deref() };
        let result = async {
            let Some(mut tx) = self.begin_claimed(&press.source_id, ctx.at).await? else {
                return Ok(Outcome::duplicate());
            };
            let handler = self.buttons.get(button.action)?;
            let mut ticket = tx
                .ticket_for_update(button.ticket)
                .await?
                .ok_or_else(|| Failure::User(format!("there is no ticket {}", button.ticket)))?;
            let outcome = handler.press(self, &mut *tx, &ctx, &mut ticket, &details).await?;
            tx.commit().await?;
            Ok(outcome)
        }
        .await;
        self.finish(result, &press.source_id, &ctx, &format!("button {}", button.action)).await
    }

    /// The transaction of an inbound event, which first claims the event's platform id; `None`
    /// when the event was handled before (delivered twice, it is handled once).
    async fn begin_claimed(
        &self,
        source_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Box<dyn StoreTx>>, StoreError> {
        let mut tx = self.store.begin().await?;
        Ok(tx.claim_inbound(source_id, at).await?.then_some(tx))
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

    fn internal_error(&self, error: &anyhow::Error, at: DateTime<Utc>) -> String {
        let reference = format!("E-{:x}", at.timestamp_micros());
        error!(%reference, error = %format!("{error:#}"), "internal error");
        format!("An internal error occurred (ref {reference}); it is logged")
    }

    /// Why `actor` may not run `leaf`, if they may not.
    fn role_refusal(&self, leaf: &Leaf, actor: &str) -> Option<String> {
        let roles = self.people.roles(actor);
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

    /// Replies with the refusal and records it: on the ticket's timeline when it names one the
    /// person may see, otherwise in the audit log.
    async fn refuse(
        &self,
        source_id: &str,
        ctx: &Ctx<'_>,
        what: &str,
        reason: String,
        ticket: Option<TicketRef>,
    ) -> Outcome {
        let result = async {
            let Some(mut tx) = self.begin_claimed(source_id, ctx.at).await? else {
                return Ok(Outcome::duplicate());
            };
            // A customer refused on someone else's ticket learns nothing of it, and the refusal
            // stays off that ticket's timeline, which its own customer may read.
            let on_ticket = match ticket {
                Some(reference) => tx
                    .ticket_for_update(reference)
                    .await?
                    .filter(|t| self.people.is_staff(ctx.actor) || t.customer == ctx.actor)
                    .map(|t| t.reference),
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
                let visible = ticket.filter(|t| self.people.is_staff(ctx.actor) || t.customer == ctx.actor);
                visible.ok_or_else(|| Failure::User(format!("there is no ticket {reference}")))
            }
            None => tx.ticket_of_conversation(ctx.conversation).await?.ok_or_else(|| {
                Failure::user("this conversation has no open ticket; name one with ticket:T-n")
            }),
        }
    }

    /// Writes the changed ticket and its timeline event, then keeps in step what follows from
    /// the timeline: the next SLA alarm, the resolution card's timer and an S ticket's war room.
    async fn save(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        kind: EventKind,
    ) -> Result<(), StoreError> {
        ticket.updated_at = ctx.at;
        let closes = matches!(kind, EventKind::Closed { .. });
        let reopens = matches!(kind, EventKind::Reopened { .. });
        let answers_card = closes || reopens;
        // A ticket lowered from S keeps its room, whose card then shows the new severity.
        let leaves_s = matches!(kind, EventKind::SeverityChanged { from: Some(Severity::S), .. });
        tx.update_ticket(ticket).await?;
        tx.append_event(&event(ticket, ctx, kind)).await?;
        let clocks = self.schedule(tx, ticket, ctx.at).await?;
        if answers_card {
            tx.clear_confirmation_timer(ticket.reference).await?;
        }
        if ticket.severity == Some(Severity::S) || leaves_s {
            let step = if closes {
                RoomStep::Closes
            } else if reopens {
                RoomStep::Reopens
            } else {
                RoomStep::Goes
            };
            self.keep_room_in_step(tx, ctx, ticket, &clocks, step).await?;
        }
        Ok(())
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

    /// The next member of the ticket's queue other than `but` (a queue of one gives nobody).
    async fn next_in_queue_but(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        but: &str,
    ) -> Result<Option<String>, StoreError> {
        let domain = ticket.domain.as_deref();
        let others = self.config.routing.members(domain, ticket.tier).iter().filter(|m| *m != but).count();
        if others == 0 {
            return Ok(None);
        }
        // Round robin reaches another member within the queue's length.
        for _ in 0..=self.config.routing.members(domain, ticket.tier).len() {
            match self.route(tx, domain, ticket.tier).await? {
                Some(next) if next != but => return Ok(Some(next)),
                _ => {}
            }
        }
        Ok(None)
    }

    /// Keep the assignee or route: `None` when the ticket's assignee is a member of its domain's
    /// `tier` queue (they keep it), otherwise that queue's next member (`Some(None)`: nobody).
    async fn route_unless_member(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        tier: Tier,
    ) -> Result<Option<Option<String>>, StoreError> {
        let domain = ticket.domain.as_deref();
        let keeps =
            ticket.assignee.as_deref().is_some_and(|a| self.config.routing.is_member(domain, tier, a));
        if keeps { Ok(None) } else { self.route(tx, domain, tier).await.map(Some) }
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
        if let Some(next) = self.route_unless_member(tx, ticket, to).await? {
            ticket.assignee = next;
        }
        let assignee = ticket.assignee.clone();
        let kind = EventKind::Escalated { from, to, reason: reason.to_owned(), assignee: assignee.clone() };
        self.save(tx, ctx, ticket, kind).await?;
        // In an incident the customer hears from the war room (`/update`), not of tiers.
        if self.open_incident(tx, ticket).await?.is_none() {
            let update = format!(
                "We have passed {} to our {} team, who will follow up with you.",
                ticket.reference,
                text::tier_team(to)
            );
            self.tell_customers(tx, ticket, customer_post(ticket, update), ctx.at).await?;
        }
        Ok((from, to, assignee))
    }

    /// Tells the ticket's customer, and the customer of every ticket merged into it (and into
    /// those), each in their own conversation: a merged customer follows the ticket that carries on.
    async fn tell_customers(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        post: Post,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut audiences = vec![post.audience.clone()];
        for merged in self.merged_customers(tx, ticket.reference).await? {
            let audience = customer_audience(&merged);
            if !audiences.contains(&audience) {
                audiences.push(audience);
            }
        }
        for audience in audiences {
            tx.enqueue_post(&Post { audience, ..post.clone() }, at).await?;
        }
        Ok(())
    }

    /// The tickets merged into this one, directly or through a ticket merged into it.
    async fn merged_customers(
        &self,
        tx: &mut dyn StoreTx,
        reference: TicketRef,
    ) -> Result<Vec<Ticket>, StoreError> {
        let (mut found, mut next) = (Vec::new(), vec![reference]);
        while let Some(reference) = next.pop() {
            for merged in tx.merged_into(reference).await? {
                if merged.reference != reference
                    && !found.iter().any(|t: &Ticket| t.reference == merged.reference)
                {
                    next.push(merged.reference);
                    found.push(merged);
                }
            }
        }
        Ok(found)
    }

    /// Only a customer of the ticket (its own, or one whose ticket was merged into it) may do this;
    /// `refusal` is what anyone else reads.
    async fn customer_of(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        ctx: &Ctx<'_>,
        refusal: &str,
    ) -> Result<(), Failure> {
        if ticket.customer == ctx.actor {
            return Ok(());
        }
        let merged = self.merged_customers(tx, ticket.reference).await?;
        if merged.iter().any(|t| t.customer == ctx.actor) { Ok(()) } else { Err(refused(refusal, ticket)) }
    }

    /// The ticket a merged ticket carries on as: its merge target, followed while that was merged
    /// too; `None` when the ticket was not merged.
    async fn merged_successor(
        &self,
        tx: &mut dyn StoreTx,
        reference: TicketRef,
    ) -> Result<Option<TicketRef>, StoreError> {
        let mut current = reference;
        // A merge into a closed ticket is refused, so a chain is short; the bound is for a history
        // written before that rule.
        for _ in 0..16 {
            match tx.merged_target(current).await? {
                Some(next) if next != reference => current = next,
                _ => break,
            }
        }
        Ok((current != reference).then_some(current))
    }

    /// The actor takes the ticket: `/claim` and the Claim button. Taking it from someone else
    /// needs a reason (or is refused, as `assignment.claim_taken` says), and they are told.
    async fn claim(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        reason: Option<&str>,
    ) -> Result<Outcome, Failure> {
        let previous = ticket.assignee.clone().filter(|owner| owner != ctx.actor);
        if let Some(owner) = &previous {
            let reference = ticket.reference;
            match (self.config.settings.assignment.claim_taken, reason) {
                (ClaimTaken::Refuse, _) => {
                    return Err(Failure::User(format!(
                        "{reference} is with {owner}; they can /unassign it, or a manager can /assign it to you"
                    )));
                }
                (ClaimTaken::Reason, None) => {
                    return Err(Failure::User(format!(
                        "{reference} is with {owner}; to take it over, say why: /claim ticket:{reference} reason:…"
                    )));
                }
                (ClaimTaken::Reason, Some(_)) => {}
            }
        }
        let moves_to = self.tier_for(ticket, ctx.actor)?;
        ticket.assign(ctx.actor)?;
        let kind = EventKind::Claimed {
            assignee: ctx.actor.to_owned(),
            previous: previous.clone(),
            reason: previous.as_ref().and(reason).map(str::to_owned),
        };
        self.save(tx, ctx, ticket, kind).await?;
        self.follow_tier(tx, ctx, ticket, moves_to, ctx.actor).await?;
        let mut reply = format!("{} claimed {}", ctx.actor, ticket.reference);
        if let Some(owner) = &previous {
            let why = reason.unwrap_or_default();
            let notice = format!("{} took {} from you: {why}", ctx.actor, ticket.reference);
            tx.enqueue_post(&person_post(ticket, owner, notice), ctx.at).await?;
            reply.push_str(&format!(" from {owner} ({why}); {owner} is told"));
        }
        if let Some(tier) = moves_to {
            reply.push_str(&format!("; it moves to {tier} with them"));
        }
        Ok(Outcome::public(reply, Some(ticket.reference)))
    }

    /// The tier a ticket moves to when `user` takes it: the tier of its domain's queue they work
    /// in, else their tier in `people.toml`, when that is another (`None`: it stays). Someone in
    /// none of its domain's queues is refused when `assignment.outside_queue = "refuse"`.
    fn tier_for(&self, ticket: &Ticket, user: &str) -> Result<Option<Tier>, Failure> {
        let Some(domain) = ticket.domain.as_deref() else { return Ok(None) };
        let own_tier = || self.config.directory.person(user).and_then(|p| p.tier);
        match self.config.routing.tier_of(domain, ticket.tier, user) {
            Some(tier) => Ok((tier != ticket.tier).then_some(tier)),
            None if self.config.settings.assignment.outside_queue == OutsideQueue::Allow => {
                Ok(own_tier().filter(|tier| *tier != ticket.tier))
            }
            None => Err(Failure::User(format!(
                "{user} is in none of the {domain} queues, so {} cannot go to them (assignment.outside_queue = \"refuse\")",
                ticket.reference
            ))),
        }
    }

    /// Moves the ticket to the tier of the engineer who now has it, as `tier_for` chose; its OLA
    /// starts again there. Said nowhere but the timeline and the staff thread: the customer hears
    /// of escalations, not of who sits in which tier.
    async fn follow_tier(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        to: Option<Tier>,
        user: &str,
    ) -> Result<(), Failure> {
        let Some(to) = to else { return Ok(()) };
        let from = ticket.tier;
        ticket.tier = to;
        let reason = format!("{user} works in {to}");
        self.save(tx, ctx, ticket, EventKind::TierChanged { from, to, reason }).await?;
        let notice = format!("{} moved from {from} to {to} with {user}, who has it now.", ticket.reference);
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        Ok(())
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
