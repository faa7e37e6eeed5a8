//! SLA and OLA in the engine: keeping each ticket's next alarm in step with its timeline, the sweep
//! that sends warnings and breach notices and escalates when a tier's OLA runs out, the daily digest,
//! and the `/sla` view. Every function takes `now` from its caller.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::jobs::{BatchJob, Tally};
use super::{Ctx, Engine, room_post, staff_post, text};
use crate::domain::sla::{Alarm, ClockFacts, ClockKind, ClockState, SlaMarks, clock_states, next_look};
use crate::domain::{Audience, Event, EventKind, Locale, Msg, Post, SYSTEM_ACTOR, Status, Ticket, TicketRef};
use crate::store::{StoreError, StoreResult, StoreTx};
use crate::t;

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    /// Due tickets looked at.
    pub looked_at: usize,
    /// Staff notices sent (one per ticket and sweep, listing every new alarm).
    pub notices: usize,
    pub escalated: usize,
}

impl Tally for SweepReport {
    fn add(&mut self, other: SweepReport) {
        self.looked_at += other.looked_at;
        self.notices += other.notices;
        self.escalated += other.escalated;
    }
}

/// The SLA sweep as a batch job: due tickets are those whose next alarm has come.
struct SlaSweep;

#[async_trait]
impl BatchJob for SlaSweep {
    type Tally = SweepReport;
    const NAME: &'static str = "sla_sweep";
    const BATCH: i64 = 200;

    async fn due(&self, engine: &Engine, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>> {
        engine.store.due_tickets(now, limit).await
    }

    async fn step(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        now: DateTime<Utc>,
        report: &mut SweepReport,
    ) -> anyhow::Result<()> {
        engine.sweep_batch(tx, &[ticket], now, report).await
    }

    async fn step_all(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        due: &[TicketRef],
        now: DateTime<Utc>,
        report: &mut SweepReport,
    ) -> anyhow::Result<()> {
        engine.sweep_batch(tx, due, now, report).await
    }

    async fn put_off(
        &self,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        tx.set_next_alarm(ticket, Some(retry_at)).await
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DigestReport {
    pub open: usize,
    pub breached: usize,
    pub due_today: usize,
}

impl Engine {
    /// A ticket's clocks at `now` as its timeline in this transaction tells them; `None` without a
    /// domain and severity.
    pub(super) async fn clock_states_in(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<ClockState>>, StoreError> {
        let events = tx.timeline(ticket.reference).await?;
        let facts = ClockFacts::from_timeline(ticket, &events);
        Ok(clock_states(&self.config.sla, ticket, &facts, now))
    }

    /// Recomputes when the sweep must next look at the ticket. Every change goes through here (from
    /// `save` and intake), so a severity or domain change, a pause or an escalation moves the alarm.
    /// Returns the clocks it read, for whoever shows them next (the incident card).
    pub(super) async fn schedule(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        now: DateTime<Utc>,
    ) -> Result<Vec<ClockState>, StoreError> {
        let states = self.clock_states_in(tx, ticket, now).await?.unwrap_or_default();
        tx.set_sla_schedule(ticket.reference, next_look(&states, now), SlaMarks::of(&states)).await?;
        Ok(states)
    }

    /// Sends what is due at `now`: warnings, breach notices, and OLA expiry as an escalation to the
    /// next tier. Each notice is recorded under a key in the same transaction that enqueues it, so a
    /// second sweep at the same instant, after a restart or on another instance, sends nothing new.
    pub async fn sla_sweep(&self, now: DateTime<Utc>) -> anyhow::Result<SweepReport> {
        self.run_batched(&SlaSweep, now).await
    }

    /// One batch of the sweep, set-wise: the due tickets (locked) and their timelines in two reads,
    /// every alarm they stand at recorded in one statement (those recorded before are not sent
    /// again), then for each ticket with a new alarm its events, posts and OLA escalation (through
    /// `escalate_ticket`), and last every ticket's next alarm and marks in one statement. A ticket
    /// with nothing new has its clocks as read; one that only got notices too (an alarm's event
    /// moves no clock); an escalated one as read with its tier received now.
    async fn sweep_batch(
        &self,
        tx: &mut dyn StoreTx,
        due: &[TicketRef],
        now: DateTime<Utc>,
        report: &mut SweepReport,
    ) -> anyhow::Result<()> {
        let tickets = tx.tickets_for_update(due).await?;
        let mut timelines: HashMap<TicketRef, Vec<Event>> = HashMap::new();
        for event in tx.timelines(due).await? {
            if let Some(ticket) = event.ticket {
                timelines.entry(ticket).or_default().push(event);
            }
        }
        let mut looks = Vec::with_capacity(tickets.len());
        let mut keys = Vec::new();
        for ticket in tickets {
            report.looked_at += 1;
            let events = timelines.remove(&ticket.reference).unwrap_or_default();
            let facts = ClockFacts::from_timeline(&ticket, &events);
            let states = clock_states(&self.config.sla, &ticket, &facts, now).unwrap_or_default();
            for state in &states {
                if let Some(alarm) = state.alarm() {
                    keys.push((ticket.reference, notice_key(state, alarm)));
                }
            }
            looks.push((ticket, facts, states));
        }
        let fresh: HashSet<(TicketRef, String)> = tx.record_notices(&keys, now).await?.into_iter().collect();
        let mut schedules = Vec::with_capacity(looks.len());
        for (ticket, mut facts, states) in looks {
            let reference = ticket.reference;
            let is_fresh = |state: &ClockState| {
                state.alarm().is_some_and(|alarm| fresh.contains(&(reference, notice_key(state, alarm))))
            };
            let states = if states.iter().any(is_fresh) {
                let fresh_states: Vec<&ClockState> = states.iter().filter(|s| is_fresh(s)).collect();
                let escalated = self.sweep_notify(tx, ticket, &fresh_states, now, report).await?;
                match escalated {
                    // Strictly after `now`: what stands at an alarm now has just been handled.
                    // The timeline as read plus what the sweep added: alarms (which move no clock)
                    // and the escalation, which gave the ticket to its new tier now.
                    Some(ticket) => {
                        facts.tier_since = now;
                        clock_states(&self.config.sla, &ticket, &facts, now).unwrap_or_default()
                    }
                    None => states,
                }
            } else {
                states
            };
            let next = states.iter().filter_map(|s| s.next_alarm.map(|(_, at)| at)).min();
            schedules.push((reference, next, SlaMarks::of(&states)));
        }
        tx.set_sla_schedules(&schedules).await?;
        Ok(())
    }

    /// A ticket's new alarms (each recorded already): their timeline events, the room's and the
    /// staff's notices, and the escalation when a tier's OLA ran out. Returns the ticket when it was
    /// escalated (its clocks then moved).
    async fn sweep_notify(
        &self,
        tx: &mut dyn StoreTx,
        mut ticket: Ticket,
        fresh: &[&ClockState],
        now: DateTime<Utc>,
        report: &mut SweepReport,
    ) -> anyhow::Result<Option<Ticket>> {
        let conversation = ticket.conversation.clone();
        let ctx =
            Ctx { actor: SYSTEM_ACTOR, conversation: &conversation, at: now, locale: self.shared_locale() };
        // An incident has one clock: its room drives the ticket, not the tiers' OLAs.
        let incident = self.open_incident(tx, &ticket).await?;
        let mut lines = Vec::new();
        let mut ola_ran_out = false;
        for state in fresh {
            let Some(alarm) = state.alarm() else { continue };
            let due = state.reading.due;
            let (name, threshold) = match alarm {
                Alarm::Warning(fraction) => ("warning", Some(fraction)),
                Alarm::Breach => ("breach", None),
            };
            let kind =
                EventKind::SlaAlarm { clock: state.kind.key(), alarm: name.to_owned(), threshold, due };
            self.record(tx, &ctx, &ticket, kind).await?;
            // A tier that received the ticket with the SLA already spent has an OLA of zero; passing
            // the ticket on again a minute later would only bounce it up to R&D, so it is reported.
            let had_time = state.reading.elapsed + state.reading.remaining > TimeDelta::zero();
            let escalates = matches!(state.kind, ClockKind::Ola(tier) if tier.next().is_some())
                && alarm == Alarm::Breach
                && had_time;
            if escalates && incident.is_none() {
                ola_ran_out = true;
            } else if escalates {
                lines.push(t!(
                    self.shared_locale(),
                    "sla-ola-out-in-incident",
                    tier = ticket.tier.to_string()
                ));
            } else {
                lines.push(self.alarm_line(state, alarm, self.shared_locale()));
            }
        }
        let mut mentions: Vec<String> = ticket.assignee.iter().cloned().collect();
        if let Some(leader) = incident.as_ref().and_then(|room| room.leader.clone())
            && !lines.is_empty()
        {
            if !mentions.contains(&leader) {
                mentions.push(leader.clone());
            }
            let notice = t!(
                self.shared_locale(),
                "sla-room-notice",
                ticket = ticket.reference.to_string(),
                lines = lines.join("\n")
            );
            let post = Post { mentions: vec![leader], ..room_post(ticket.reference, notice) };
            tx.enqueue_post(&post, now).await?;
        }
        if ola_ran_out {
            let from = ticket.tier;
            let reason = format!("the {from} OLA ran out");
            let (_, to, assignee) = self.escalate_ticket(tx, &ctx, &mut ticket, None, &reason).await?;
            let shared = self.shared_locale();
            let owner = assignee.clone().unwrap_or_else(|| t!(shared, "nobody-yet"));
            lines.push(t!(
                shared,
                "sla-ola-out",
                from = from.to_string(),
                to = to.to_string(),
                owner = owner
            ));
            mentions = assignee.into_iter().collect();
            report.escalated += 1;
        }
        if !lines.is_empty() {
            let notice = t!(
                self.shared_locale(),
                "sla-notice",
                ticket = ticket.reference.to_string(),
                labels = text::labels(&ticket, self.shared_locale()),
                lines = lines.join("\n")
            );
            tx.enqueue_post(&staff_post(&ticket, notice, mentions, vec![]), now).await?;
            report.notices += 1;
        }
        Ok(ola_ran_out.then_some(ticket))
    }

    fn alarm_line(&self, state: &ClockState, alarm: Alarm, locale: Locale) -> String {
        let due =
            state.reading.due.map_or_else(|| t!(locale, "sla-while-paused"), |d| self.local_in(d, locale));
        let clock = clock_name(state.kind, locale);
        match alarm {
            Alarm::Warning(fraction) => {
                let percent = format!("{:.0}", fraction * 100.0);
                t!(locale, "sla-warning", clock = clock, percent = percent, due = due)
            }
            Alarm::Breach => t!(locale, "sla-breach", clock = clock, due = due),
        }
    }

    /// An instant as the ops team reads it: in the digest's time zone.
    pub(super) fn local(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.config.digest.time_zone).format("%a %Y-%m-%d %H:%M %Z").to_string()
    }

    /// An instant in the digest's time zone, written in `locale`.
    pub(super) fn local_in(&self, at: DateTime<Utc>, locale: Locale) -> String {
        match locale {
            Locale::En => self.local(at),
            _ => crate::i18n::time_in(locale, at, self.config.digest.time_zone),
        }
    }

    /// The `/sla` view: each clock's elapsed and remaining business time, and whether it is paused,
    /// stopped or breached.
    pub(super) async fn sla_text(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        now: DateTime<Utc>,
        locale: Locale,
    ) -> Result<String, StoreError> {
        let Some(states) = self.clock_states_in(tx, ticket, now).await? else {
            return Ok(t!(locale, "sla-none", ticket = ticket.reference.to_string()));
        };
        let mut out = t!(
            locale,
            "sla-of",
            ticket = ticket.reference.to_string(),
            labels = text::labels(ticket, locale)
        );
        for state in &states {
            let r = &state.reading;
            let due = r.due.map_or_else(|| t!(locale, "sla-none-while-paused"), |d| self.local_in(d, locale));
            let mut flags = Vec::new();
            if state.stopped {
                flags.push(t!(locale, "sla-stopped"));
            }
            if r.paused && !state.stopped {
                flags.push(t!(locale, "sla-paused"));
            }
            if r.breached {
                flags.push(t!(locale, "sla-breached"));
            }
            let flags = if flags.is_empty() { String::new() } else { format!(" [{}]", flags.join(", ")) };
            out.push('\n');
            out.push_str(&t!(
                locale,
                "sla-clock-line",
                clock = clock_name(state.kind, locale),
                due = due,
                elapsed = span(r.elapsed),
                remaining = span(r.remaining),
                flags = flags
            ));
        }
        Ok(out)
    }

    /// Posts the daily digest to the ops conversation: open tickets, breached ones, and those whose
    /// resolution is due today (in the digest's time zone). One read of the tickets' stored SLA
    /// marks (`SlaMarks`, kept with the next alarm), each list capped at `DIGEST_LIST_CAP`.
    pub async fn sla_digest(&self, now: DateTime<Utc>) -> anyhow::Result<DigestReport> {
        self.mark_sla_facts(now).await?;
        let tz: Tz = self.config.digest.time_zone;
        let today = now.with_timezone(&tz).date_naive();
        let digest = self.store.sla_digest(now, day_end(tz, today), DIGEST_LIST_CAP).await?;
        let report = DigestReport {
            open: digest.open as usize,
            breached: digest.breached as usize,
            due_today: digest.due_today as usize,
        };
        let shared = self.shared_locale();
        let list = |refs: &[TicketRef], total: i64| {
            if refs.is_empty() {
                return t!(shared, "none");
            }
            let shown = refs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            let more = total - refs.len() as i64;
            if more > 0 { t!(shared, "digest-and-more", list = shown, more = more) } else { shown }
        };
        let text = t!(
            shared,
            "digest",
            today = today.to_string(),
            open = report.open,
            breached = list(&digest.breached_refs, digest.breached),
            due_today = list(&digest.due_today_refs, digest.due_today)
        );
        let ops = Audience::Conversation { conversation: self.config.settings.ops.conversation.clone() };
        let post = Post::new(ops, None, text);
        let mut tx = self.store.begin().await?;
        tx.enqueue_post(&post, now).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The digest's figures the old way, from every ticket's timeline: what the stored marks must
    /// always agree with (tests, and the digest bench's baseline). Posts nothing.
    pub async fn sla_digest_from_timelines(&self, now: DateTime<Utc>) -> anyhow::Result<DigestLists> {
        let tz: Tz = self.config.digest.time_zone;
        let today = now.with_timezone(&tz).date_naive();
        let mut lists = DigestLists::default();
        for ticket in self.store.tickets(None).await? {
            if ticket.status == Status::Closed {
                continue;
            }
            lists.open += 1;
            let events = self.store.timeline(ticket.reference).await?;
            let facts = ClockFacts::from_timeline(&ticket, &events);
            let Some(states) = clock_states(&self.config.sla, &ticket, &facts, now) else { continue };
            if states.iter().any(|s| s.reading.breached) {
                lists.breached.push(ticket.reference);
            }
            let resolution = states.iter().find(|s| s.kind == ClockKind::Resolution);
            if let Some(due) = resolution.filter(|s| !s.stopped).and_then(|s| s.reading.due)
                && due >= now
                && due.with_timezone(&tz).date_naive() == today
            {
                lists.due_today.push(ticket.reference);
            }
        }
        Ok(lists)
    }

    /// The digest's figures from the stored marks, uncapped: compared with
    /// `sla_digest_from_timelines` by the tests.
    pub async fn sla_digest_lists(&self, now: DateTime<Utc>) -> anyhow::Result<DigestLists> {
        self.mark_sla_facts(now).await?;
        let tz: Tz = self.config.digest.time_zone;
        let today = now.with_timezone(&tz).date_naive();
        let digest = self.store.sla_digest(now, day_end(tz, today), i64::MAX).await?;
        Ok(DigestLists {
            open: digest.open as usize,
            breached: digest.breached_refs,
            due_today: digest.due_today_refs,
        })
    }

    /// The one-time pass over tickets from before migration 0025: computes each one's SLA marks
    /// from its timeline, a batch per transaction. Run at the start of a serving process and before
    /// each digest; it finds nothing to do once done. Returns how many it marked.
    pub async fn mark_sla_facts(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut marked = 0;
        loop {
            let batch = self.store.unmarked_tickets(500).await?;
            if batch.is_empty() {
                return Ok(marked);
            }
            let mut tx = self.store.begin().await?;
            for reference in &batch {
                let Some(ticket) = tx.ticket_for_update(*reference).await? else { continue };
                let states = self.clock_states_in(&mut *tx, &ticket, now).await?.unwrap_or_default();
                tx.set_sla_marks(*reference, SlaMarks::of(&states)).await?;
            }
            tx.commit().await?;
            marked += batch.len();
        }
    }
}

/// How many references each of the digest's lists shows before "and N more".
pub const DIGEST_LIST_CAP: i64 = 50;

/// The digest's figures as lists, for comparing the two ways of computing them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DigestLists {
    pub open: usize,
    pub breached: Vec<TicketRef>,
    pub due_today: Vec<TicketRef>,
}

/// The first instant of the day after `today` in `tz` (the earliest, should midnight repeat; an hour
/// later should it not exist).
fn day_end(tz: Tz, today: chrono::NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = today.succ_opt().unwrap_or(today).and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(midnight + TimeDelta::hours(1))).earliest())
        .map_or_else(|| midnight.and_utc(), |at| at.to_utc())
}

/// The key an alarm's notice is recorded under: the clock, the alarm (a warning with its threshold)
/// and the deadline, so a deadline that moves announces again.
fn notice_key(state: &ClockState, alarm: Alarm) -> String {
    let (name, threshold) = match alarm {
        Alarm::Warning(fraction) => ("warning", Some(fraction)),
        Alarm::Breach => ("breach", None),
    };
    format!(
        "{}:{name}{}:{}",
        state.kind.key(),
        threshold.map(|f| format!("{:.0}", f * 100.0)).unwrap_or_default(),
        state.reading.due.map_or_else(|| "paused".to_owned(), |d| d.to_rfc3339())
    )
}

/// A clock's name as a line starts with it: `First response`, `L2 OLA`.
pub(super) fn clock_name(kind: ClockKind, locale: Locale) -> String {
    let msg = match kind {
        ClockKind::Response => Msg::new("clock-name").arg("kind", "response").arg("tier", ""),
        ClockKind::Resolution => Msg::new("clock-name").arg("kind", "resolution").arg("tier", ""),
        ClockKind::Ola(tier) => Msg::new("clock-name").arg("kind", "ola").shown("tier", tier),
    };
    crate::i18n::text(locale, &msg)
}

/// Business time as `1d 2h 5m` (days of 24 hours), with a minus sign when overrun.
pub(super) fn span(d: TimeDelta) -> String {
    let sign = if d < TimeDelta::zero() { "-" } else { "" };
    let minutes = d.num_minutes().abs();
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins}m"));
    }
    format!("{sign}{}", parts.join(" "))
}
