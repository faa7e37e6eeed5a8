//! S-level incidents in the engine: staff ask for S, a domain owner confirms or declines, the war
//! room opens with its roster and a pinned incident card kept up to date, `/timeline`, `/update`,
//! `/invite` and pins work the incident, a silent room is reminded, and closing the ticket asks for
//! the incident report, whose filing archives the room.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use super::jobs::BatchJob;
use super::{Ctx, Engine, Failure, Outcome, event, refused, staff_post, text};
use crate::domain::incident::{SRequest, pending_s_request, s_confirmers};
use crate::domain::sla::{ClockKind, ClockState};
use crate::domain::{
    Audience, Button, ButtonAction, EventKind, Form, FormField, FormSubmit, IncidentReport, Locale, Msg,
    Post, RoomChange, SYSTEM_ACTOR, Severity, Ticket, TicketRef, TimelineSource, WarRoom,
};
use crate::engine::InboundRoomMessage;
use crate::store::{StoreError, StoreResult, StoreTx};
use crate::t;

/// What the change just saved means for an S ticket's war room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RoomStep {
    /// Work goes on.
    Goes,
    Closes,
    /// The ticket reopened: an archived room opens again.
    Reopens,
}

/// The key of the incident card: the first post with it is pinned, later ones edit it.
pub const INCIDENT_CARD: &str = "incident";

pub(super) fn room_post(ticket: TicketRef, text: String) -> Post {
    Post::new(Audience::Room { ticket }, Some(ticket), text)
}

impl Engine {
    pub(super) fn room_cadence(&self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.config.settings.war_room.reminder_minutes))
    }

    /// `/escalate to:S` and `/severity level:S`: asks the domain's owners to confirm.
    pub(super) async fn request_s(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        mut ticket: Ticket,
        reason: &str,
    ) -> Result<Outcome, Failure> {
        ticket.check_s_request()?;
        let domain = ticket.domain.clone().unwrap_or_default();
        let owners = self.config.directory.owners_of(&domain).to_vec();
        if owners.is_empty() {
            return Err(Failure::Says(Msg::new("s-no-owner").arg("domain", domain.as_str())));
        }
        let owners = s_confirmers(&owners, &self.config.directory.managers(), ctx.actor);
        if owners.is_empty() {
            return Err(Failure::Says(Msg::new("s-no-second").arg("domain", domain.as_str())));
        }
        let events = tx.timeline(ticket.reference).await?;
        if let Some(pending) = pending_s_request(&events) {
            let msg =
                Msg::new("s-already-asked").shown("ticket", ticket.reference).arg("by", pending.by.as_str());
            return Err(Failure::Says(msg));
        }
        let from = ticket.severity;
        let kind = EventKind::SRequested { from, reason: reason.to_owned() };
        self.save(tx, ctx, &mut ticket, kind).await?;
        for owner in &owners {
            let locale = self.locale_of(owner, None, None);
            let ask = t!(
                locale,
                "s-ask-owner",
                actor = ctx.actor,
                ticket = ticket.reference.to_string(),
                reason = reason,
                title = ticket.title.as_str(),
                labels = text::labels(&ticket, locale),
                customer = ticket.customer.as_str()
            );
            let post = Post {
                buttons: vec![
                    Button::new(ButtonAction::SConfirm, ticket.reference, &t!(locale, "s-confirm-button")),
                    Button::new(
                        ButtonAction::SDecline,
                        ticket.reference,
                        &t!(locale, "s-decline-short-button"),
                    ),
                ],
                mentions: vec![owner.clone()],
                ..Post::new(Audience::Person { user: owner.clone() }, Some(ticket.reference), ask)
            };
            tx.enqueue_post(&post, ctx.at).await?;
        }
        let shared = self.shared_locale();
        let notice = t!(
            shared,
            "staff-s-asked",
            actor = ctx.actor,
            asked = text::join_and_in(&owners, shared),
            ticket = ticket.reference.to_string(),
            reason = reason
        );
        tx.enqueue_post(&staff_post(&ticket, notice, vec![], vec![]), ctx.at).await?;
        Ok(Outcome::public(
            t!(
                ctx.locale,
                "s-asked",
                asked = text::join_and_in(&owners, ctx.locale),
                ticket = ticket.reference.to_string()
            ),
            Some(ticket.reference),
        ))
    }

    /// The S request an owner of the ticket's domain answers, or why `ctx.actor` cannot answer it.
    pub(super) async fn s_request_for_owner(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
    ) -> Result<SRequest, Failure> {
        let Some(domain) = ticket.domain.as_deref() else {
            return Err(Failure::Says(Msg::new("s-no-domain").shown("ticket", ticket.reference)));
        };
        let owners = self.config.directory.owners_of(domain);
        let managers = self.config.directory.managers();
        if !owners.iter().any(|o| o == ctx.actor) && !managers.contains(&ctx.actor) {
            let who = if owners.is_empty() {
                t!(ctx.locale, "nobody")
            } else {
                text::join_and_in(owners, ctx.locale)
            };
            let reason = t!(
                ctx.locale,
                "s-owners-only",
                domain = domain,
                who = who,
                ticket = ticket.reference.to_string()
            );
            return Err(refused(&reason, ticket));
        }
        let events = tx.timeline(ticket.reference).await?;
        let request = pending_s_request(&events).ok_or_else(|| {
            let key = if ticket.severity == Some(Severity::S) { "s-already" } else { "s-nothing-waiting" };
            Failure::Says(Msg::new(key).shown("ticket", ticket.reference))
        })?;
        let confirmers = s_confirmers(owners, &managers, &request.by);
        if !confirmers.iter().any(|c| c == ctx.actor) {
            let reason = if request.by == ctx.actor {
                t!(
                    ctx.locale,
                    "s-second-confirmation",
                    ticket = ticket.reference.to_string(),
                    who = text::join_or_in(&confirmers, ctx.locale)
                )
            } else {
                t!(
                    ctx.locale,
                    "s-owners-only",
                    domain = domain,
                    who = text::join_and_in(owners, ctx.locale),
                    ticket = ticket.reference.to_string()
                )
            };
            return Err(refused(&reason, ticket));
        }
        Ok(request)
    }

    /// The open war room of an S ticket: while there is one, the incident's clock and its room
    /// drive the ticket, not the tiers' OLAs, and the customer hears from the room.
    pub(super) async fn open_incident(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
    ) -> Result<Option<WarRoom>, StoreError> {
        if ticket.severity != Some(Severity::S) {
            return Ok(None);
        }
        Ok(tx.war_room_for_update(ticket.reference).await?.filter(|room| !room.is_archived()))
    }

    /// The ticket's war room, open, or a reply saying why `what` needs one.
    pub(super) async fn open_room(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        what: &str,
    ) -> Result<WarRoom, Failure> {
        match tx.war_room_for_update(ticket.reference).await? {
            Some(room) if !room.is_archived() => Ok(room),
            Some(_) => Err(Failure::Says(Msg::new("room-archived").shown("ticket", ticket.reference))),
            None => {
                Err(Failure::Says(Msg::new("room-none").shown("ticket", ticket.reference).arg("what", what)))
            }
        }
    }

    /// The form of the incident report, for `report:T-n` and for a room asking for it.
    pub(super) fn report_form(&self, ticket: &Ticket, locale: Locale) -> Outcome {
        let fields = IncidentReport::FIELDS
            .iter()
            .map(|(name, label)| FormField {
                name: (*name).to_owned(),
                label: crate::i18n::lookup(locale, &format!("report-field.{name}"))
                    .unwrap_or_else(|| (*label).to_owned()),
                long: true,
            })
            .collect();
        let form = Form {
            title: t!(locale, "report-form-title", ticket = ticket.reference.to_string()),
            fields,
            submit: FormSubmit::Command { name: "report".into(), ticket: ticket.reference },
            ask_again: Some(Button::new(
                ButtonAction::Report,
                ticket.reference,
                &t!(locale, "report-button"),
            )),
        };
        Outcome::asking(form, text::report_usage(ticket.reference), Some(ticket.reference))
    }

    /// Keeps an S-level ticket's war room in step with a change just saved: anyone's action counts
    /// as activity, the incident card is posted again when what it shows changed, and closing the
    /// ticket asks for the report (or, with the report filed, archives the room).
    pub(super) async fn keep_room_in_step(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
        clocks: &[ClockState],
        step: RoomStep,
    ) -> Result<(), StoreError> {
        let Some(mut room) = tx.war_room_for_update(ticket.reference).await? else { return Ok(()) };
        if room.is_archived() {
            if step != RoomStep::Reopens {
                return Ok(());
            }
            self.reopen_room(tx, ctx, ticket, &mut room).await?;
        }
        let closes = step == RoomStep::Closes;
        if ctx.actor != SYSTEM_ACTOR {
            room.remind_at = Some(ctx.at + self.room_cadence());
        }
        // Whoever holds the ticket works the incident: a new assignee joins the room.
        if let Some(assignee) = ticket.assignee.clone()
            && room.admit(&assignee)
        {
            let kind = EventKind::RoomInvited { user: assignee.clone() };
            tx.append_event(&event(ticket, ctx, kind)).await?;
            let welcome = t!(
                self.shared_locale(),
                "room-assignee-joins",
                assignee = assignee.as_str(),
                ticket = ticket.reference.to_string()
            );
            let post = Post {
                mentions: vec![assignee.clone()],
                room: Some(RoomChange::Invite { users: vec![assignee] }),
                ..room_post(ticket.reference, welcome)
            };
            tx.enqueue_post(&post, ctx.at).await?;
        }
        self.post_card(tx, ticket, &mut room, clocks, ctx.at).await?;
        if closes {
            if room.report.is_some() {
                self.archive_room(tx, ctx, ticket, &mut room).await?;
            } else {
                let shared = self.shared_locale();
                let ask = t!(
                    shared,
                    "room-file-report",
                    ticket = ticket.reference.to_string(),
                    usage = text::report_usage(ticket.reference)
                );
                let post = Post {
                    buttons: vec![Button::new(
                        ButtonAction::Report,
                        ticket.reference,
                        &t!(shared, "report-button"),
                    )],
                    mentions: room.leader.iter().cloned().collect(),
                    ..room_post(ticket.reference, ask)
                };
                tx.enqueue_post(&post, ctx.at).await?;
            }
        }
        tx.save_war_room(&room).await
    }

    /// Posts the incident card when it differs from the one last posted.
    pub(super) async fn post_card(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        room: &mut WarRoom,
        clocks: &[ClockState],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let resolution = clocks.iter().find(|s| s.kind == ClockKind::Resolution);
        let shared = self.shared_locale();
        let due = match resolution {
            Some(state) if state.stopped => t!(shared, "card-due-met"),
            Some(state) => {
                state.reading.due.map_or_else(|| t!(shared, "sla-paused"), |d| self.local_in(d, shared))
            }
            None => t!(shared, "none"),
        };
        let customer = match self.config.directory.person(&ticket.customer).and_then(|p| p.name.clone()) {
            Some(name) => format!("{} ({name})", ticket.customer),
            None => ticket.customer.clone(),
        };
        let card = text::incident_card(ticket, room, &customer, &due, shared);
        if room.card.as_deref() == Some(card.as_str()) {
            return Ok(());
        }
        let post = Post { card: Some(INCIDENT_CARD.to_owned()), ..room_post(ticket.reference, card.clone()) };
        tx.enqueue_post(&post, at).await?;
        room.card = Some(card);
        Ok(())
    }

    /// The incident is back (its ticket reopened after the report): the room opens again with its
    /// roster, and closing asks for the report again, since the one filed did not hold.
    async fn reopen_room(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
        room: &mut WarRoom,
    ) -> Result<(), StoreError> {
        room.archived_at = None;
        room.report = None;
        room.remind_at = Some(ctx.at + self.room_cadence());
        tx.append_event(&event(ticket, ctx, EventKind::RoomReopened)).await?;
        let text = t!(
            self.shared_locale(),
            "room-reopened",
            ticket = ticket.reference.to_string(),
            actor = ctx.actor
        );
        let post = Post {
            mentions: room.roster.clone(),
            room: Some(RoomChange::Reopen { users: room.roster.clone() }),
            ..room_post(ticket.reference, text)
        };
        tx.enqueue_post(&post, ctx.at).await
    }

    pub(super) async fn archive_room(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
        room: &mut WarRoom,
    ) -> Result<(), StoreError> {
        room.archived_at = Some(ctx.at);
        room.remind_at = None;
        tx.append_event(&event(ticket, ctx, EventKind::RoomArchived)).await?;
        let text = t!(self.shared_locale(), "room-archived-post", ticket = ticket.reference.to_string());
        let post = Post { room: Some(RoomChange::Archive), ..room_post(ticket.reference, text) };
        tx.enqueue_post(&post, ctx.at).await
    }

    /// Someone spoke in a war room (the room is not silent), or pinned a message there (it goes on
    /// the incident timeline, once).
    pub(super) async fn room_message(&self, message: InboundRoomMessage) -> Outcome {
        let locale = self.locale_of(&message.author, None, None);
        let ctx = Ctx { actor: &message.author, conversation: "", at: message.at, locale };
        let result = async {
            let mut tx = self.store.begin().await?;
            if message.pinned && !tx.claim_inbound(&message.source_id, ctx.at).await? {
                return Ok(Outcome::duplicate());
            }
            let Some(mut ticket) = tx.ticket_for_update(message.ticket).await? else {
                return Ok(Outcome::silent(None));
            };
            if message.pinned && crate::domain::text::has_visible_text(&message.text) {
                let kind = EventKind::TimelineEntry {
                    text: message.text.trim().to_owned(),
                    source: TimelineSource::Pin,
                };
                self.save(&mut *tx, &ctx, &mut ticket, kind).await?;
            } else if let Some(mut room) = tx.war_room_for_update(ticket.reference).await?
                && !room.is_archived()
            {
                room.remind_at = Some(ctx.at + self.room_cadence());
                tx.save_war_room(&room).await?;
            }
            tx.commit().await?;
            Ok::<_, Failure>(Outcome::silent(Some(ticket.reference)))
        }
        .await;
        self.finish(result, &message.source_id, &ctx, "pin").await
    }

    /// Reminds every war room that has been silent for the configured cadence; returns how many.
    pub async fn remind_war_rooms(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        self.run_batched(&RoomReminders, now).await
    }

    async fn remind_room(
        &self,
        tx: &mut dyn StoreTx,
        reference: TicketRef,
        now: DateTime<Utc>,
    ) -> anyhow::Result<usize> {
        // The ticket is locked before its room, as every change to the ticket does.
        let closed = tx.ticket_for_update(reference).await?.is_some_and(|t| t.is_closed());
        let Some(mut room) = tx.war_room_for_update(reference).await? else { return Ok(0) };
        if room.is_archived() || room.remind_at.is_none_or(|at| at > now) {
            return Ok(0);
        }
        let minutes = self.config.settings.war_room.reminder_minutes;
        let leader = room.leader.clone();
        let shared = self.shared_locale();
        let has_leader = if leader.is_some() { "yes" } else { "no" };
        let who = leader.clone().unwrap_or_default();
        let text = if closed {
            let usage = text::report_usage(reference);
            let reference = reference.to_string();
            t!(
                shared,
                "room-remind-report",
                ticket = reference,
                has_leader = has_leader,
                leader = who,
                usage = usage
            )
        } else {
            let reference = reference.to_string();
            t!(
                shared,
                "room-remind-silent",
                ticket = reference,
                minutes = minutes,
                has_leader = has_leader,
                leader = who
            )
        };
        let post = Post { mentions: leader.into_iter().collect(), ..room_post(reference, text) };
        tx.enqueue_post(&post, now).await?;
        room.remind_at = Some(now + self.room_cadence());
        tx.save_war_room(&room).await?;
        Ok(1)
    }
}

/// The war-room reminders as a batch job: due tickets are those whose room has been silent.
struct RoomReminders;

#[async_trait]
impl BatchJob for RoomReminders {
    type Tally = usize;
    const NAME: &'static str = "war_room_reminders";
    const BATCH: i64 = 100;

    async fn due(&self, engine: &Engine, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>> {
        engine.store.war_rooms_to_remind(now, limit).await
    }

    async fn step(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        now: DateTime<Utc>,
        reminded: &mut usize,
    ) -> anyhow::Result<()> {
        *reminded += engine.remind_room(tx, ticket, now).await?;
        Ok(())
    }

    async fn put_off(
        &self,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        if let Some(mut room) = tx.war_room_for_update(ticket).await? {
            room.remind_at = Some(retry_at);
            tx.save_war_room(&room).await?;
        }
        Ok(())
    }
}
