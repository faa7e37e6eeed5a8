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
mod handoff;
mod inbound;
mod incident;
mod intake;
mod jobs;
mod kb_learn;
mod knowledge;
mod locale;
mod merges;
mod outbound;
mod outcome;
mod ownership;
mod parts;
mod posts;
mod registry;
mod reply;
mod revisit;
mod sla;
mod storm;
mod text;
mod text_kb;
pub(crate) mod text_storm;
mod voc;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::error;

use crate::command::{Leaf, check_args_in};
use crate::config::Config;
use crate::domain::{ButtonId, Event, EventKind, Kind, Locale, Msg, People, Severity, Ticket, TicketRef};
use crate::kb::KnowledgeBase;
use crate::store::{Store, StoreError, StoreTx};
use crate::t;

use buttons::{ButtonRegistry, Press};
use commands::CommandRegistry;
pub use confirmation::ConfirmationReport;
pub use failure::{Ctx, Failure};
use failure::{customer_only, refused};
pub use handoff::HandoffRefusal;
pub use inbound::{
    Inbound, InboundButton, InboundCommand, InboundMessage, InboundRoomMessage, InboundStaffReply, ReplyTo,
    direct_conversation,
};
use incident::{RoomStep, room_post};
pub use kb_learn::{ArticleUse, AuthorUse, KbStats, kb_stats};
pub use knowledge::follow as follow_knowledge_base;
pub use outbound::OutboundEvent;
pub use outcome::{Outcome, Reply};
use posts::{customer_audience, customer_post, customer_says, event, person_post, staff_post};
pub use registry::{CARD_TICKETS as CUSTOMER_CARD_TICKETS, card_text as customer_card_text};
pub use sla::{DIGEST_LIST_CAP, DigestLists, DigestReport, SweepReport};

pub struct Engine {
    store: Arc<dyn Store>,
    config: Arc<Config>,
    /// Who may do what: config's people and the roles platforms grant while running.
    people: Arc<People>,
    commands: CommandRegistry,
    buttons: ButtonRegistry,
    intake: intake::IntakeQueue,
    kb: Option<Arc<KnowledgeBase>>,
    /// One follow of the shared knowledge base's feed at a time (`follow_knowledge_base`).
    kb_follow: tokio::sync::Mutex<()>,
    metrics: Arc<crate::metrics::Metrics>,
    /// Where the web cockpit is reached and how its links are signed, once it serves: for
    /// `/dashboard`, which must not write (it runs inside its command's transaction).
    cockpit: std::sync::OnceLock<(String, crate::access::Signer)>,
    /// The terms of recent tickets' first messages, for storms.
    storm_terms: storm::TermsCache,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, config: Arc<Config>) -> Self {
        let people = Arc::new(People::new(config.directory.clone()));
        let intake = intake::IntakeQueue::for_backend(store.backend());
        Engine {
            store,
            config,
            people,
            commands: CommandRegistry::builtin(),
            buttons: ButtonRegistry::builtin(),
            intake,
            kb: None,
            kb_follow: tokio::sync::Mutex::new(()),
            metrics: Arc::new(crate::metrics::Metrics::new()),
            cockpit: std::sync::OnceLock::new(),
            storm_terms: storm::TermsCache::default(),
        }
    }

    /// Records where the web cockpit is served and its signer (once; later calls change nothing).
    pub fn set_cockpit(&self, url: String, signer: crate::access::Signer) {
        let _ = self.cockpit.set((url, signer));
    }

    /// The cockpit's public URL and signer, when this process serves it.
    pub fn cockpit(&self) -> Option<&(String, crate::access::Signer)> {
        self.cockpit.get()
    }

    /// What this process measures about itself (`/metrics`); channels report their gateway here.
    pub fn metrics(&self) -> &Arc<crate::metrics::Metrics> {
        &self.metrics
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
        let started = std::time::Instant::now();
        match inbound.storable() {
            Inbound::Message(message) => {
                let outcome = self.take_in(message).await;
                self.metrics.observe_intake(started.elapsed());
                outcome
            }
            Inbound::Command(command) => {
                // A label from config's command names only: never text a user typed.
                let label = self
                    .config
                    .commands
                    .get(&command.invocation.name)
                    .map_or("unknown", |spec| spec.name.as_str())
                    .to_owned();
                let outcome = self.run_command(command).await;
                self.metrics.observe_command(&label, started.elapsed());
                outcome
            }
            Inbound::Button(press) => {
                let outcome = self.press(press).await;
                self.metrics.observe_command("button", started.elapsed());
                outcome
            }
            Inbound::StaffReply(reply) => self.staff_reply(reply).await,
            Inbound::StaffNote(note) => self.staff_note(note).await,
            Inbound::RoomMessage(message) => self.room_message(message).await,
        }
    }

    /// A command: its definition's roles, its arguments, then its handler in one transaction.
    async fn run_command(&self, mut inbound: InboundCommand) -> Outcome {
        inbound.invocation = self.config.commands.with_positional(inbound.invocation);
        let locale = self.reader_locale(&inbound.actor, inbound.locale.as_deref()).await;
        let leaf = match self.config.commands.leaf_in(&inbound.invocation, locale) {
            Ok(leaf) => leaf,
            Err(usage) => return Outcome::private(usage.0, None),
        };
        let ctx = Ctx { actor: &inbound.actor, conversation: &inbound.conversation, at: inbound.at, locale };
        // Roles first: someone who may not run a command learns that, not its options.
        if let Some(reason) = self.role_refusal(leaf, ctx.actor, ctx.locale) {
            let named = inbound.invocation.options.iter().find(|(name, _)| name == "ticket");
            let ticket = named.and_then(|(_, value)| value.parse().ok());
            return self.refuse(&inbound.source_id, &ctx, &leaf.path, reason, ticket).await;
        }
        let command = match check_args_in(leaf, &inbound.invocation, ctx.locale)
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
        let locale = self.reader_locale(&press.actor, press.locale.as_deref()).await;
        let ctx = Ctx { actor: &press.actor, conversation: &press.conversation, at: press.at, locale };
        let details = Press { value: button.value.as_deref(), answer: press.answer.as_deref() };
        let result = async {
            let Some(mut tx) = self.begin_claimed(&press.source_id, ctx.at).await? else {
                return Ok(Outcome::duplicate());
            };
            let handler = self.buttons.get(button.action)?;
            let mut ticket = tx
                .ticket_for_update(button.ticket)
                .await?
                .ok_or_else(|| Failure::Says(Msg::new("no-such-ticket").shown("ticket", button.ticket)))?;
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
            Err(Failure::Says(msg)) => Outcome::private(crate::i18n::text(ctx.locale, &msg), None),
            Err(Failure::Refused { reason, ticket }) => {
                self.refuse(source_id, ctx, what, reason, ticket).await
            }
            Err(Failure::Internal(e)) => Outcome::private(self.internal_error(&e, ctx.at, ctx.locale), None),
        }
    }

    fn internal_error(&self, error: &anyhow::Error, at: DateTime<Utc>, locale: Locale) -> String {
        let reference = format!("E-{:x}", at.timestamp_micros());
        error!(%reference, error = %format!("{error:#}"), "internal error");
        t!(locale, "internal-error", reference = reference)
    }

    /// Why `actor` may not run `leaf`, if they may not.
    fn role_refusal(&self, leaf: &Leaf, actor: &str, locale: Locale) -> Option<String> {
        let roles = self.people.roles(actor);
        if leaf.roles.iter().any(|role| roles.contains(role)) {
            return None;
        }
        let allowed: Vec<String> = leaf.roles.iter().map(|r| text::role_plural(*r, locale)).collect();
        let yours: Vec<String> = roles.iter().map(|r| text::role_singular(*r, locale)).collect();
        Some(t!(
            locale,
            "role-refused",
            command = leaf.path.as_str(),
            allowed = text::join_and_in(&allowed, locale),
            yours = text::join_and_in(&yours, locale)
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
        result.unwrap_or_else(|e| Outcome::private(self.internal_error(&e.into(), ctx.at, ctx.locale), None))
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
                visible.ok_or_else(|| Failure::Says(Msg::new("no-such-ticket").shown("ticket", reference)))
            }
            None => tx
                .ticket_of_conversation(ctx.conversation)
                .await?
                .ok_or_else(|| Failure::Says(Msg::new("no-ticket-here"))),
        }
    }

    /// Writes the changed ticket and its timeline event, then keeps in step what follows from
    /// the timeline: the next SLA alarm, the resolution card's timer, the revisit of a ticket
    /// that closes (when it is in the sample) and an S ticket's war room; last, the deliveries the
    /// event causes (`outbound::outbound_of`: resolved, closed).
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
        let outbound = outbound::outbound_of(ticket, &kind);
        tx.update_ticket(ticket).await?;
        tx.append_event(&event(ticket, ctx, kind)).await?;
        let clocks = self.schedule(tx, ticket, ctx.at).await?;
        if answers_card {
            tx.clear_confirmation_timer(ticket.reference).await?;
        }
        if closes {
            self.plan_revisit(tx, ticket, ctx.at).await?;
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
        if let Some(outbound) = outbound {
            self.deliver(tx, ctx.at, &outbound).await?;
        }
        Ok(())
    }

    /// A ticket's kind was set (at intake, by `/ticket` or `/classify`): the one place a kind
    /// brings what goes with it. A suggestion becomes part of a voice-of-customer item; an
    /// inquiry is handed to sales (returns whether it was).
    async fn kind_set(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
    ) -> Result<bool, StoreError> {
        match ticket.kind {
            Some(Kind::Suggestion) => self.take_suggestion(tx, ctx, ticket).await.map(|()| false),
            Some(Kind::Inquiry) => self.hand_to_sales(tx, ctx, ticket).await,
            _ => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn role_names_read_as_people() {
        assert_eq!(text::role_plural(Role::Owner, Locale::En), "domain owners");
        assert_eq!(text::join_and_in(&["engineers", "managers"], Locale::En), "engineers and managers");
        assert_eq!(text::join_and_in(&["工程师", "经理"], Locale::ZhCn), "工程师和经理");
    }
}
