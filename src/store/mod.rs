//! The one place SQL lives. `Store` is the trait the engine and the CLI use: tickets, messages,
//! events, posts and timers, and nothing of any platform; `open` picks the backend from the
//! database URL. A channel adapter's own memory is a trait of its own beside it, implemented by
//! the same backends over the same pool. One implementation (`sql.rs`) serves SQLite and
//! PostgreSQL, so a query is written once; the backends differ only in how they connect and lock.

pub mod customers;
pub mod deliveries;
pub mod discord;
mod indicators;
pub mod kb;
pub mod parts;
mod postgres;
pub mod revisits;
mod rollup;
mod sql;
mod sqlite;
pub mod storms;
pub mod voc;
pub mod web;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::domain::{
    Attachment, Event, Kind, LinkRelation, Post, Severity, Status, Ticket, TicketRef, Tier, WarRoom,
};

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    /// Rows other instances kept changing under a statement retried a few times.
    #[error("could not settle {0}: other instances kept changing it")]
    Contended(String),
    /// A read found no database file where the URL points (reads never create one).
    #[error(
        "there is no database at {0}; run `resolvd migrate` (or start resolvd, which migrates) to create it"
    )]
    NoDatabase(String),
    /// A read found a database nobody migrated.
    #[error("the database has no resolvd schema yet ({} to apply); run `resolvd migrate`", migrations(*.pending))]
    NoSchema { pending: usize },
    /// A read found a schema older than this build's (reads never migrate).
    #[error("the database schema is behind this resolvd ({} to apply); run `resolvd migrate`", migrations(*.pending))]
    SchemaBehind { pending: usize },
}

impl StoreError {
    /// The database gave up on the transaction because of other transactions (a deadlock, a
    /// serialization failure, a busy SQLite file): running it again may well succeed.
    pub fn is_contention(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                // PostgreSQL: deadlock_detected, serialization_failure; SQLite: SQLITE_BUSY, SQLITE_LOCKED.
                matches!(e.code().as_deref(), Some("40P01" | "40001" | "5" | "6"))
            }
            StoreError::Contended(_) => true,
            _ => false,
        }
    }
}

fn migrations(count: usize) -> String {
    match count {
        1 => "1 migration".to_owned(),
        n => format!("{n} migrations"),
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database's schema beside this build's migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// Never migrated: no migrations table at all.
    Empty { pending: usize },
    /// Some of this build's migrations are not applied (or one failed halfway).
    Behind { pending: usize },
    /// Every migration of this build is applied (a newer build's may be too).
    Current,
}

/// Which tickets an operator lists; every part left `None` matches all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    pub status: Option<StatusFilter>,
    pub assignee: Option<String>,
    pub domain: Option<String>,
    /// A page: only tickets after this one (by number).
    pub after: Option<TicketRef>,
    /// At most this many.
    pub limit: Option<i64>,
    pub severity: Option<Severity>,
    /// Only tickets whose next SLA alarm is at or before this instant ("at risk").
    pub alarm_before: Option<DateTime<Utc>>,
    /// Words the title, a message or the customer contains (any case).
    pub text: Option<String>,
}

impl TicketFilter {
    /// The `alarm_before` of "at risk": a deadline or a warning within the hour from `now`.
    pub fn at_risk_before(now: DateTime<Utc>) -> DateTime<Utc> {
        now + chrono::Duration::hours(1)
    }
}

/// A job's lock across instances (`Store::lock_job`): `release` it when the job is over. Dropped
/// instead (the job panicked or was cancelled), it is released as the connection goes back to the
/// pool, a moment later.
pub struct JobLock {
    /// What holds the lock: on PostgreSQL a transaction holding a transaction-level advisory lock,
    /// which ends (rolled back, nothing written) when it is released or dropped.
    held: Option<Box<dyn HeldLock>>,
}

/// What holds a job's lock, and lets it go.
#[async_trait]
trait HeldLock: Send {
    async fn release(self: Box<Self>) -> StoreResult<()>;
}

impl JobLock {
    fn held_by(holder: impl HeldLock + 'static) -> JobLock {
        JobLock { held: Some(Box::new(holder)) }
    }

    /// A lock that holds nothing: where one instance is all there is.
    fn alone() -> JobLock {
        JobLock { held: None }
    }

    /// Lets the lock go now, so another instance may run the job at once.
    pub async fn release(self) {
        if let Some(held) = self.held
            && let Err(e) = held.release().await
        {
            // The connection is closed on such an error, which releases the lock as well.
            tracing::warn!(error = %e, "could not release a job's lock; it goes with its connection");
        }
    }
}

/// The advisory-lock key of a job in a schema: a stable hash of both, the same on every instance
/// and build (advisory locks are per database, and two installations may share one).
pub fn job_lock_key(schema: &str, job: &str) -> i64 {
    let named = format!("resolvd job {schema}.{job}");
    i64::from_ne_bytes(crate::domain::text::stable_hash(named.as_bytes()).to_ne_bytes())
}

/// What one pass of retention deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sent_posts: u64,
    pub handled_inbound: u64,
    pub scheduler_ticks: u64,
    /// SLA notices of closed tickets (an open ticket keeps its own, so none is sent twice).
    pub notices: u64,
    /// Outbound deliveries delivered, but for those whose receiver answered with where the
    /// event now lives (an accepted VOC item's tracker issue).
    pub deliveries: u64,
}

/// A status, or every status staff count as open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Is(Status),
    /// Every status but closed: new, open, waiting for the customer, resolved.
    NotClosed,
}

impl std::str::FromStr for StatusFilter {
    type Err = String;

    /// A status name, or `open` for every status but closed (as staff say "open tickets").
    fn from_str(text: &str) -> Result<Self, String> {
        if text == "open" {
            return Ok(StatusFilter::NotClosed);
        }
        text.parse::<Status>().map(StatusFilter::Is).map_err(|_| {
            format!(
                "`{}` is not a status; use one of new, open (every status but closed), waiting_customer, \
                 resolved, closed",
                crate::domain::text::elide(text, 64)
            )
        })
    }
}

/// A customer message as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The platform's id for the message: the key that makes intake idempotent.
    pub source_id: String,
    pub conversation: String,
    pub author: String,
    pub text: String,
    pub received_at: DateTime<Utc>,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: i64,
    pub message: NewMessage,
    pub ticket: Option<TicketRef>,
}

/// What the store knows of a message by its platform id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageSlot {
    /// Never seen: insert it.
    New,
    /// Stored earlier but never taken into a ticket (a failure in between): take it in now.
    Untaken(i64),
    /// Already taken in: nothing to do.
    Duplicate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub kind: Option<Kind>,
    pub domain: Option<String>,
    pub severity: Option<Severity>,
    pub tier: Tier,
    pub assignee: Option<String>,
    pub customer: String,
    pub conversation: String,
    pub title: String,
    pub at: DateTime<Utc>,
}

/// The ticket a customer's message opens, or the one intake opened for the same customer and
/// conversation meanwhile (another instance won the race): at most one ticket intake opened is
/// open per conversation and customer, which the database enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeTicket {
    Opened(Ticket),
    AlreadyOpen(Ticket),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxPost {
    pub id: i64,
    pub post: Post,
    pub attempts: i32,
}

/// What becomes of a post that could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Tried again from this instant.
    RetryAt(DateTime<Utc>),
    /// Never tried again by itself: a dead letter, from this instant, until an operator resends it.
    Dead(DateTime<Utc>),
}

/// A post as it was enqueued, sent or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnqueuedPost {
    pub id: i64,
    pub post: Post,
    pub created_at: DateTime<Utc>,
}

/// A post not sent (yet), as an operator lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsentPost {
    pub id: i64,
    pub post: Post,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    /// Set when the post is a dead letter.
    pub dead_at: Option<DateTime<Utc>>,
}

/// Which unsent posts an operator resends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// This one, dead or still being retried.
    One(i64),
    /// Every dead letter.
    AllDead,
}

/// The daily digest as the store counts it from the tickets' stored SLA marks: tickets not closed,
/// those breached at the digest's instant, those whose running resolution clock is due between it
/// and the end of the day; each list the first `cap` by number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlaDigest {
    pub open: i64,
    pub breached: i64,
    pub due_today: i64,
    pub breached_refs: Vec<TicketRef>,
    pub due_today_refs: Vec<TicketRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub other: TicketRef,
    pub relation: LinkRelation,
}

/// A knowledge-base article drafted from a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub article_id: String,
    pub ticket: TicketRef,
    /// The article file's text: front matter and body.
    pub markdown: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// What a resolution card waiting for the customer does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ConfirmationStep {
    /// Remind the customer once.
    Remind,
    /// Close the ticket as auto-confirmed.
    AutoConfirm,
}

/// A resolution card's timer: a row, so a restart loses none and fires none twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationTimer {
    pub ticket: TicketRef,
    /// When the card went out.
    pub asked_at: DateTime<Utc>,
    pub step: ConfirmationStep,
    pub due_at: DateTime<Utc>,
}

#[async_trait]
pub trait Store:
    web::WebStore
    + kb::KbStore
    + customers::CustomerStore
    + deliveries::DeliveryStore
    + voc::VocStore
    + parts::PartsStore
    + revisits::RevisitStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    async fn migrate(&self) -> StoreResult<()>;
    /// How the database's schema stands beside this build's migrations; changes nothing.
    async fn schema(&self) -> StoreResult<Schema>;
    /// A write transaction: everything the engine changes for one inbound event goes through one.
    async fn begin(&self) -> StoreResult<Box<dyn StoreTx>>;

    async fn ticket(&self, reference: TicketRef) -> StoreResult<Option<Ticket>>;
    async fn tickets(&self, status: Option<Status>) -> StoreResult<Vec<Ticket>>;
    /// Tickets matching every part of the filter, oldest first.
    /// Deletes what only guards against repeats and has grown old: posts sent before `before`,
    /// handled inbound ids, scheduler ticks, and the SLA notices of closed tickets.
    async fn prune_before(&self, before: DateTime<Utc>) -> StoreResult<Pruned>;
    async fn find_tickets(&self, filter: &TicketFilter) -> StoreResult<Vec<Ticket>>;
    /// As `find_tickets`, each with its next SLA alarm (`None`: nothing pending): the staff queue.
    async fn queue(&self, filter: &TicketFilter) -> StoreResult<Vec<(Ticket, Option<DateTime<Utc>>)>>;
    async fn timeline(&self, reference: TicketRef) -> StoreResult<Vec<Event>>;
    async fn links(&self, reference: TicketRef) -> StoreResult<Vec<Link>>;
    /// Events with no ticket: refusals of commands that named none.
    async fn audit_log(&self) -> StoreResult<Vec<Event>>;
    async fn messages_of(&self, reference: TicketRef) -> StoreResult<Vec<StoredMessage>>;
    /// The text of a person's latest message (the language they write in), by the index of
    /// messages by author and time.
    async fn latest_message_of(&self, author: &str) -> StoreResult<Option<String>>;

    /// Keeps a message whose intake failed, so it is not lost; `untaken_messages` finds it again.
    async fn keep_untaken_message(&self, message: &NewMessage) -> StoreResult<()>;
    async fn untaken_messages(&self) -> StoreResult<Vec<StoredMessage>>;

    /// Takes up to `limit` posts due for sending and leases them until `lease_until`, so that
    /// another instance draining the same outbox skips them.
    async fn claim_posts(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<OutboxPost>>;
    async fn mark_post_sent(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
        self.mark_posts_sent(&[id], at).await
    }
    /// Marks posts sent in one statement: a drainer sending many at once writes them in batches.
    async fn mark_posts_sent(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()>;
    /// Leases claimed posts (neither sent nor dead) until `until`: a drainer renews its lease while
    /// a long batch runs, and puts posts back for later (after one that failed before them).
    async fn lease_posts(&self, ids: &[i64], until: DateTime<Utc>) -> StoreResult<()>;
    async fn mark_post_failed(&self, id: i64, error: &str, then: AfterFailure) -> StoreResult<()>;
    /// Posts waiting to be sent, dead letters included; only those when `dead_only`. Oldest first.
    async fn unsent_posts(&self, dead_only: bool, limit: i64) -> StoreResult<Vec<UnsentPost>>;
    /// Makes posts due again at `at` with their attempts counted from zero; returns how many.
    async fn resend_posts(&self, which: Resend, at: DateTime<Utc>) -> StoreResult<u64>;
    /// Posts still to be sent, dead letters not counted.
    async fn unsent_post_count(&self) -> StoreResult<i64>;
    /// The id of the newest post in the outbox, sent or not; 0 when there is none.
    async fn last_post_id(&self) -> StoreResult<i64>;
    /// Posts with an id above `after_id` enqueued at exactly `at`, sent or not, in order: what
    /// one run at that instant (a `jobs run-once`) enqueued.
    async fn posts_enqueued_at(&self, after_id: i64, at: DateTime<Utc>) -> StoreResult<Vec<EnqueuedPost>>;

    /// Tickets whose next SLA alarm is at or before `now`, earliest first: read through the index
    /// on `next_alarm_at`, so the cost follows the number due, not the number open.
    async fn due_tickets(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>>;
    async fn next_alarm(&self, reference: TicketRef) -> StoreResult<Option<DateTime<Utc>>>;
    /// The digest at `now`, due-today meaning before `day_end`: counts through the partial indexes
    /// of migration 0025 and the capped lists, in one read transaction.
    async fn sla_digest(
        &self,
        now: DateTime<Utc>,
        day_end: DateTime<Utc>,
        cap: i64,
    ) -> StoreResult<SlaDigest>;
    /// Tickets not closed whose SLA marks were never computed (rows from before migration 0025).
    async fn unmarked_tickets(&self, limit: i64) -> StoreResult<Vec<TicketRef>>;
    async fn war_room(&self, ticket: TicketRef) -> StoreResult<Option<WarRoom>>;
    /// War rooms whose reminder is due at `now`, earliest first.
    async fn war_rooms_to_remind(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>>;
    /// Tickets whose resolution card has a step due at `now`, earliest first.
    async fn due_confirmations(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>>;

    /// The cockpit's four indicators over the query's days (README, "The cockpit's four
    /// indicators"): from the rollups when they are built for the query's time zone and it filters
    /// by nothing they do not carry (the customer), else as `indicators_from_timeline`.
    async fn indicators(
        &self,
        query: &crate::domain::indicators::IndicatorQuery,
    ) -> StoreResult<crate::domain::indicators::Indicators>;
    /// The four indicators computed by the database from the timeline itself: the reference.
    async fn indicators_from_timeline(
        &self,
        query: &crate::domain::indicators::IndicatorQuery,
    ) -> StoreResult<crate::domain::indicators::Indicators>;
    /// The time zone the indicators' rollups are built and kept in; `None` when they are not built
    /// (or were built by a build that counted differently).
    async fn indicator_rollups_zone(&self) -> StoreResult<Option<chrono_tz::Tz>>;
    /// Builds the indicators' rollups from the timeline for `zone`, in one transaction that
    /// writers wait for, replacing what was there; returns how many tickets it read. From then on
    /// every write transaction keeps them in step.
    async fn rebuild_indicator_rollups(&self, zone: chrono_tz::Tz) -> StoreResult<u64>;

    /// Takes the lock that keeps a job from running on two instances at once, held until the
    /// `JobLock` is dropped; `None` when another instance holds it (its run is not over).
    async fn lock_job(&self, job: &str) -> StoreResult<Option<JobLock>>;
    /// Claims one scheduled run of a job for this process (`instance_name`), leased for
    /// `TICK_LEASE` from `at`; false when an instance (this one or another) claimed it and either
    /// finished it or still holds its lease.
    async fn claim_tick(&self, job: &str, tick: DateTime<Utc>, at: DateTime<Utc>) -> StoreResult<bool> {
        self.claim_tick_as(job, tick, &TickClaim { by: instance_name(), at, lease_until: at + TICK_LEASE })
            .await
    }
    /// Claims one scheduled run of a job as `claim` says: a tick no one claimed, or one whose
    /// claimer died mid-job (not finished, its lease over by `claim.at`); false otherwise.
    async fn claim_tick_as(&self, job: &str, tick: DateTime<Utc>, claim: &TickClaim<'_>)
    -> StoreResult<bool>;
    /// Keeps a claimed tick's lease while its job runs; false when `by` no longer holds it (its
    /// lease ran out and another instance claimed it).
    async fn renew_tick(
        &self,
        job: &str,
        tick: DateTime<Utc>,
        by: &str,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Marks a claimed tick's run finished: no one claims it again.
    async fn finish_tick(&self, job: &str, tick: DateTime<Utc>, at: DateTime<Utc>) -> StoreResult<()>;
    /// Gives a claimed tick back (its job failed), so that the next run claims and runs it again.
    async fn release_tick(&self, job: &str, tick: DateTime<Utc>) -> StoreResult<()>;
    /// The ticks claimed at or after `since`, oldest claim first: who claimed each and whether it
    /// finished (what an operator or the fault harness reads to see which instance ran what).
    async fn ticks_claimed_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<TickRow>>;
}

/// How long a claimed tick is leased to its claimer without a renewal; the scheduler renews it
/// every third of this while the job runs. A tick whose claimer died is claimed again after it.
pub const TICK_LEASE: chrono::Duration = chrono::Duration::seconds(20);

/// A claim of a scheduler tick: who claims it, when, and until when it is theirs.
#[derive(Debug, Clone, Copy)]
pub struct TickClaim<'a> {
    pub by: &'a str,
    pub at: DateTime<Utc>,
    pub lease_until: DateTime<Utc>,
}

/// One claimed tick as `scheduler_ticks` holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TickRow {
    pub job: String,
    pub tick: DateTime<Utc>,
    pub claimed_at: DateTime<Utc>,
    /// `None` for ticks claimed before claimers were recorded.
    pub claimed_by: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// This process as it signs the scheduler ticks it claims: `host:pid`.
pub fn instance_name() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".to_owned());
        format!("{host}:{}", std::process::id())
    })
}

#[async_trait]
pub trait StoreTx:
    kb::KbTx
    + storms::StormTx
    + customers::CustomerTx
    + deliveries::DeliveryTx
    + voc::VocTx
    + parts::PartsTx
    + revisits::RevisitTx
    + Send
{
    /// Records that a command or button press with this platform id was handled; false when it was before.
    async fn claim_inbound(&mut self, source_id: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    async fn message_slot(&mut self, source_id: &str) -> StoreResult<MessageSlot>;
    /// Stores a message taken into `ticket`; `None` when another transaction stored it first.
    async fn insert_message(&mut self, message: &NewMessage, ticket: TicketRef) -> StoreResult<Option<i64>>;
    /// How many messages `author` sent from `since` on (through the index on author and time).
    async fn messages_from_since(&mut self, author: &str, since: DateTime<Utc>) -> StoreResult<i64>;
    /// Takes a message kept untaken into `ticket`; false when another transaction took it in first.
    async fn attach_message(&mut self, message_id: i64, ticket: TicketRef) -> StoreResult<bool>;

    /// The ticket a message (by its platform id) was taken into.
    async fn ticket_of_message(&mut self, source_id: &str) -> StoreResult<Option<TicketRef>>;
    async fn message(&mut self, message_id: i64) -> StoreResult<Option<StoredMessage>>;
    /// Puts a message on another ticket (`/move`).
    async fn move_message(&mut self, message_id: i64, to: TicketRef) -> StoreResult<()>;
    /// The customer's tickets in this conversation that are not closed, most recently active first.
    async fn open_tickets_of(&mut self, conversation: &str, customer: &str) -> StoreResult<Vec<Ticket>>;
    /// The customer's newest ticket in this conversation that was merged into another.
    async fn last_merged_ticket_of(
        &mut self,
        conversation: &str,
        customer: &str,
    ) -> StoreResult<Option<TicketRef>>;
    /// The tickets merged (closed as duplicates) into this one.
    async fn merged_into(&mut self, reference: TicketRef) -> StoreResult<Vec<Ticket>>;
    /// The ticket this one was merged into, if it was.
    async fn merged_target(&mut self, reference: TicketRef) -> StoreResult<Option<TicketRef>>;
    /// The customer's most recently active ticket in this conversation that is not closed, if any.
    async fn open_ticket_of(&mut self, conversation: &str, customer: &str) -> StoreResult<Option<Ticket>>;
    /// The newest ticket of a conversation that is not closed: the default for commands typed there.
    async fn ticket_of_conversation(&mut self, conversation: &str) -> StoreResult<Option<Ticket>>;
    /// Reads a ticket for change, locking it where the backend can.
    async fn ticket_for_update(&mut self, reference: TicketRef) -> StoreResult<Option<Ticket>>;
    async fn insert_ticket(&mut self, ticket: &NewTicket) -> StoreResult<Ticket>;
    /// Opens a ticket from a customer's message in `ticket.conversation`, marked as intake's
    /// there; when intake has one open there for the customer already (opened by another
    /// transaction after this one looked), that one instead, locked for change.
    async fn open_intake_ticket(&mut self, ticket: &NewTicket) -> StoreResult<IntakeTicket>;
    async fn update_ticket(&mut self, ticket: &Ticket) -> StoreResult<()>;
    async fn append_event(&mut self, event: &Event) -> StoreResult<()>;
    async fn insert_link(
        &mut self,
        from: TicketRef,
        to: TicketRef,
        relation: LinkRelation,
    ) -> StoreResult<bool>;
    async fn enqueue_post(&mut self, post: &Post, at: DateTime<Utc>) -> StoreResult<()>;
    /// Saves a draft, replacing an unpublished one with the same article id.
    async fn save_draft(&mut self, draft: &Draft) -> StoreResult<()>;
    async fn draft(&mut self, article_id: &str) -> StoreResult<Option<Draft>>;
    async fn mark_draft_published(&mut self, article_id: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Makes the transactions that open tickets at intake take turns until this one ends (a
    /// PostgreSQL advisory lock; nothing on SQLite, whose writers already do): intake's parallel
    /// writers then meet in the rows openings share (round-robin cursors, storms, article counts)
    /// one at a time, in no order that could deadlock.
    async fn lock_intake_openings(&mut self) -> StoreResult<()>;
    /// Moves a routing queue's round-robin position on by one and returns the new position (1 first).
    async fn advance_queue(&mut self, queue: &str) -> StoreResult<i64>;
    /// The ticket's timeline as this transaction sees it (including its own writes).
    async fn timeline(&mut self, reference: TicketRef) -> StoreResult<Vec<Event>>;
    /// When the SLA sweep must next look at the ticket; `None` when nothing is pending.
    async fn set_next_alarm(&mut self, reference: TicketRef, at: Option<DateTime<Utc>>) -> StoreResult<()>;
    /// Several tickets read for update at once (in number order, so two batches lock alike), as
    /// `ticket_for_update` reads one; those that do not exist are left out.
    async fn tickets_for_update(&mut self, references: &[TicketRef]) -> StoreResult<Vec<Ticket>>;
    /// The timelines of several tickets in one read: their events by ticket, then in order.
    async fn timelines(&mut self, references: &[TicketRef]) -> StoreResult<Vec<Event>>;
    /// Records several SLA notices in one statement; returns those recorded now (the others
    /// were before, and are not sent again).
    async fn record_notices(
        &mut self,
        notices: &[(TicketRef, String)],
        at: DateTime<Utc>,
    ) -> StoreResult<Vec<(TicketRef, String)>>;
    /// `set_sla_schedule` for several tickets in one statement.
    async fn set_sla_schedules(
        &mut self,
        schedules: &[(TicketRef, Option<DateTime<Utc>>, crate::domain::sla::SlaMarks)],
    ) -> StoreResult<()>;
    /// The next alarm and the digest's marks of the ticket's clocks, in one statement.
    async fn set_sla_schedule(
        &mut self,
        reference: TicketRef,
        at: Option<DateTime<Utc>>,
        marks: crate::domain::sla::SlaMarks,
    ) -> StoreResult<()>;
    /// The digest's marks alone (the one-time pass over rows from before migration 0025).
    async fn set_sla_marks(
        &mut self,
        reference: TicketRef,
        marks: crate::domain::sla::SlaMarks,
    ) -> StoreResult<()>;
    /// Records an SLA notice by its key; false when it was recorded before, so it is not sent again.
    async fn record_notice(
        &mut self,
        reference: TicketRef,
        key: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Writes a war room (inserted or replaced whole).
    async fn save_war_room(&mut self, room: &WarRoom) -> StoreResult<()>;
    async fn war_room_for_update(&mut self, ticket: TicketRef) -> StoreResult<Option<WarRoom>>;
    /// Sets a ticket's resolution-card timer, replacing any earlier one.
    async fn set_confirmation_timer(&mut self, timer: &ConfirmationTimer) -> StoreResult<()>;
    async fn confirmation_timer(&mut self, ticket: TicketRef) -> StoreResult<Option<ConfirmationTimer>>;
    async fn clear_confirmation_timer(&mut self, ticket: TicketRef) -> StoreResult<()>;

    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// Opens the database the URL names and brings its schema up to date.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(connect(url, Connect::Migrate).await?.store())
}

/// Opens the database the URL names for an operator's read, as it is: never migrated, no SQLite
/// file created. A database whose schema is not up to date with this build is refused with an
/// error naming `resolvd migrate`.
pub async fn open_current(url: &str) -> StoreResult<Arc<dyn Store>> {
    let store = connect(url, Connect::Existing).await?.store();
    match store.schema().await? {
        Schema::Current => Ok(store),
        Schema::Empty { pending } => Err(StoreError::NoSchema { pending }),
        Schema::Behind { pending } => Err(StoreError::SchemaBehind { pending }),
    }
}

/// Whether opening may create and migrate the database, or takes it as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Connect {
    Migrate,
    Existing,
}

/// A backend connected (and migrated, unless opened for reading), before it is seen through a trait: one pool, which the
/// core store and a channel adapter's memory can share.
enum Opened {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PostgresStore>),
}

impl Opened {
    fn store(&self) -> Arc<dyn Store> {
        match self {
            Opened::Sqlite(backend) => backend.clone(),
            Opened::Postgres(backend) => backend.clone(),
        }
    }
}

async fn connect(url: &str, how: Connect) -> StoreResult<Opened> {
    let opened = if url.starts_with("sqlite:") {
        let store = match how {
            Connect::Migrate => SqliteStore::connect(url).await?,
            Connect::Existing => SqliteStore::connect_existing(url).await?,
        };
        Opened::Sqlite(Arc::new(store))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Opened::Postgres(Arc::new(PostgresStore::connect(url).await?))
    } else {
        return Err(StoreError::UnsupportedUrl(url.to_owned()));
    };
    if how == Connect::Migrate {
        opened.store().migrate().await?;
    }
    Ok(opened)
}

/// Builds the indicators' rollups for `zone` unless they are built for it already: at the start of
/// a serving process, for the ops time zone. Returns how many tickets a rebuild read.
pub async fn prepare_indicator_rollups(store: &dyn Store, zone: chrono_tz::Tz) -> StoreResult<Option<u64>> {
    if store.indicator_rollups_zone().await? == Some(zone) {
        return Ok(None);
    }
    Ok(Some(store.rebuild_indicator_rollups(zone).await?))
}
