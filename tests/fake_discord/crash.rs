//! The crash scenario, shared by a test (small) and the `crash_soak` bench (500 messages): the
//! binary serves the fake Discord while customers write in bursts, is killed with SIGKILL in the
//! middle of a burst, misses what is written while it is down, and is started again. Afterwards
//! every message must be stored once, on a ticket.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use resolvd::store::Store;

use super::{FakeDiscord, GUILD};

pub struct Scenario<'a> {
    pub binary: &'a str,
    pub repo: PathBuf,
    pub database_url: String,
    pub store: Arc<dyn Store>,
    pub data_dir: &'a Path,
    pub customers: usize,
    /// Messages after each customer's first one, sent in bursts.
    pub messages: usize,
    pub burst: usize,
    /// The kill comes after this many of `messages` were dispatched.
    pub kill_after: usize,
    /// How long to wait for the restarted bot to have taken everything in.
    pub settle: Duration,
}

#[derive(Debug)]
pub struct Report {
    pub written: usize,
    pub dispatched_before_kill: usize,
    pub written_while_down: usize,
    pub stored: usize,
    pub on_a_ticket: usize,
    pub duplicates: usize,
    pub missing: usize,
    pub catch_up: Duration,
}

/// A staff channel id, away from the ids `new_id` hands out.
const STAFF: u64 = 920_000_000_000_000_077;

struct Bot(Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(scenario: &Scenario<'_>, fake: &FakeDiscord) -> Bot {
    let child = Command::new(scenario.binary)
        .current_dir(&scenario.repo)
        .env("RESOLVD_DATABASE_URL", &scenario.database_url)
        .env("DISCORD_TOKEN", "fake-token")
        .env("RESOLVD_DISCORD__API_BASE", &fake.api_base)
        .env("RESOLVD_DISCORD__GUILDS", format!("[{GUILD}]"))
        .env("RESOLVD_DISCORD__STAFF_CHANNEL", STAFF.to_string())
        // A storm is not a flood: the per-customer slow-down notice is not what is measured.
        .env("RESOLVD_INTAKE__MAX_PER_MINUTE", "1000")
        .arg("--data-dir")
        .arg(scenario.data_dir)
        .arg("run")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    Bot(child)
}

/// Every message the store holds, by its Discord id, with whether it is on a ticket.
async fn stored(store: &dyn Store) -> Vec<(String, bool)> {
    let mut all = Vec::new();
    for ticket in store.tickets(None).await.unwrap() {
        for message in store.messages_of(ticket.reference).await.unwrap() {
            all.push((message.message.source_id, message.ticket.is_some()));
        }
    }
    for message in store.untaken_messages().await.unwrap() {
        all.push((message.message.source_id, false));
    }
    all
}

pub async fn run(scenario: &Scenario<'_>) -> Report {
    let fake = FakeDiscord::start().await;
    let customers: Vec<(u64, u64)> =
        (0..scenario.customers).map(|_| (fake.new_id(), fake.new_id())).collect();
    let mut written: Vec<String> = Vec::new();
    // In the channel's history either way; over the gateway only while the bot is up.
    let say = |written: &mut Vec<String>, channel: u64, author: u64, text: String, deliver: bool| {
        let message = fake.message(channel, None, author, &text);
        written.push(format!("discord:message:{}", message["id"].as_str().unwrap()));
        if deliver {
            fake.dispatch("MESSAGE_CREATE", message);
        }
    };

    let bot = start(scenario, &fake);
    fake.wait_ready(1).await;
    // Each customer's first message: the DM channel becomes one resolvd reads after a restart.
    for (i, (user, dm)) in customers.iter().enumerate() {
        say(&mut written, *dm, *user, format!("customer {i}: my screen flickers"), true);
    }
    let first = written.len();
    let deadline = Instant::now() + scenario.settle;
    while stored(&*scenario.store).await.len() < first {
        assert!(Instant::now() < deadline, "the first messages were not taken in");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut bot = Some(bot);
    let mut dispatched_before_kill = 0;
    let mut written_while_down = 0;
    for n in 0..scenario.messages {
        let (user, dm) = customers[n % customers.len()];
        let up = bot.is_some();
        say(&mut written, dm, user, format!("update {n}: still flickering"), up);
        if up {
            dispatched_before_kill += 1;
        } else {
            written_while_down += 1;
        }
        if (n + 1) % scenario.burst == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if n + 1 == scenario.kill_after {
            // SIGKILL: no shutdown, whatever was in flight is lost in the process.
            drop(bot.take());
        }
    }

    let restarted = Instant::now();
    let _bot = start(scenario, &fake);
    fake.wait_ready(2).await;
    let deadline = restarted + scenario.settle;
    let expected: HashSet<&String> = written.iter().collect();
    loop {
        let now_stored = stored(&*scenario.store).await;
        let taken: HashSet<&String> =
            now_stored.iter().filter(|(_, on_ticket)| *on_ticket).map(|(id, _)| id).collect();
        if expected.iter().all(|id| taken.contains(id)) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let catch_up = restarted.elapsed();

    let now_stored = stored(&*scenario.store).await;
    let mut copies: HashMap<&String, usize> = HashMap::new();
    for (id, _) in &now_stored {
        *copies.entry(id).or_default() += 1;
    }
    Report {
        written: written.len(),
        dispatched_before_kill,
        written_while_down,
        stored: copies.len(),
        on_a_ticket: now_stored.iter().filter(|(_, on_ticket)| *on_ticket).count(),
        duplicates: copies.values().filter(|&&n| n > 1).count(),
        missing: written.iter().filter(|id| !copies.contains_key(id)).count(),
        catch_up,
    }
}

/// What a database restart while customers write cost: messages lost or doubled, and how long
/// after the database was back every message was on a ticket.
#[derive(Debug)]
pub struct RestartReport {
    pub written: usize,
    pub written_during_restart: usize,
    pub missing: usize,
    pub duplicates: usize,
    pub not_on_a_ticket: usize,
    /// From the database answering again to every message on a ticket.
    pub recovery: Duration,
    /// How long the restart took (the database away).
    pub restart_took: Duration,
}

/// The bot serves the fake Discord while customers write; after `kill_after` messages the
/// database is restarted by `restart` (which returns once it answers again) while the rest keep
/// coming, and the bot must take everything in by itself, with no restart of its own.
pub async fn run_through_database_restart(
    scenario: &Scenario<'_>,
    restart: impl FnOnce() + Send + 'static,
) -> RestartReport {
    let fake = FakeDiscord::start().await;
    let customers: Vec<(u64, u64)> =
        (0..scenario.customers).map(|_| (fake.new_id(), fake.new_id())).collect();
    let mut written: Vec<String> = Vec::new();
    let say = |written: &mut Vec<String>, channel: u64, author: u64, text: String| {
        let message = fake.message(channel, None, author, &text);
        written.push(format!("discord:message:{}", message["id"].as_str().unwrap()));
        fake.dispatch("MESSAGE_CREATE", message);
    };
    let _bot = start(scenario, &fake);
    fake.wait_ready(1).await;
    for (i, (user, dm)) in customers.iter().enumerate() {
        say(&mut written, *dm, *user, format!("customer {i}: my screen flickers"));
    }
    let mut restart = Some(restart);
    let mut restarting: Option<tokio::task::JoinHandle<Instant>> = None;
    let mut restart_began = Instant::now();
    let mut during = 0;
    for n in 0..scenario.messages {
        let (user, dm) = customers[n % customers.len()];
        say(&mut written, dm, user, format!("update {n}: still flickering"));
        if restarting.as_ref().is_some_and(|r| !r.is_finished()) {
            during += 1;
        }
        if (n + 1) % scenario.burst == 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if n + 1 == scenario.kill_after
            && let Some(restart) = restart.take()
        {
            restart_began = Instant::now();
            restarting = Some(tokio::task::spawn_blocking(move || {
                restart();
                Instant::now()
            }));
        }
    }
    let back = match restarting {
        Some(restarting) => restarting.await.expect("the restart ran"),
        None => Instant::now(),
    };
    let expected: HashSet<&String> = written.iter().collect();
    let deadline = back + scenario.settle;
    // The store's own pool reconnects too; a read failing while it does is asked again.
    let mut now_stored = Vec::new();
    loop {
        if let Ok(Ok(read)) =
            tokio::time::timeout(Duration::from_secs(5), tokio::spawn(stored_owned(scenario.store.clone())))
                .await
                .map(|r| r.map_err(|_| ()))
        {
            now_stored = read;
            let taken: HashSet<&String> =
                now_stored.iter().filter(|(_, on_ticket)| *on_ticket).map(|(id, _)| id).collect();
            if expected.iter().all(|id| taken.contains(id)) {
                break;
            }
        }
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovery = back.elapsed();
    let mut copies: HashMap<&String, usize> = HashMap::new();
    for (id, _) in &now_stored {
        *copies.entry(id).or_default() += 1;
    }
    RestartReport {
        written: written.len(),
        written_during_restart: during,
        missing: written.iter().filter(|id| !copies.contains_key(id)).count(),
        duplicates: copies.values().filter(|&&n| n > 1).count(),
        not_on_a_ticket: now_stored.iter().filter(|(_, on_ticket)| !*on_ticket).count(),
        recovery,
        restart_took: back.duration_since(restart_began),
    }
}

async fn stored_owned(store: Arc<dyn Store>) -> Vec<(String, bool)> {
    stored(&*store).await
}

/// Scheduler failover: resolvd instances on one database, each running the scheduler every
/// `tick_seconds`; the one that ran the latest tick is killed with SIGKILL, and the time until
/// another instance has run a later tick is measured. With one instance (SQLite serves one), the
/// killed instance is started again and that restart runs the next tick.
pub struct Failover<'a> {
    pub binary: &'a str,
    pub repo: PathBuf,
    pub database_url: String,
    pub store: Arc<dyn Store>,
    /// One data folder per instance: one or two.
    pub data_dirs: Vec<&'a Path>,
    pub tick_seconds: u32,
    /// How long to wait for the first ticks, and for the survivor's.
    pub settle: Duration,
}

#[derive(Debug)]
pub struct FailoverReport {
    pub instances: usize,
    /// The killed instance's name (`host:pid`) and the latest tick it ran.
    pub killed: String,
    pub killed_last_tick: chrono::DateTime<chrono::Utc>,
    /// Ticks the killed instance claimed and never finished (it died mid-job); a later tick of the
    /// same job runs in their place.
    pub killed_unfinished: usize,
    /// The instance that ran the next tick, and that tick.
    pub survivor: Option<String>,
    pub next_tick: Option<chrono::DateTime<chrono::Utc>>,
    /// From the kill to a later tick run to its end by another instance (or the restart).
    pub failover: Duration,
    /// Ticks claimed after the kill by the killed instance (must be none) and ticks claimed twice
    /// (a tick is a row: none by construction, counted to show it).
    pub claimed_by_the_dead: usize,
}

fn start_instance(failover: &Failover<'_>, fake: &FakeDiscord, data_dir: &Path, shards: Option<&str>) -> Bot {
    let mut command = Command::new(failover.binary);
    command
        .current_dir(&failover.repo)
        .env("RESOLVD_DATABASE_URL", &failover.database_url)
        .env("DISCORD_TOKEN", "fake-token")
        .env("RESOLVD_DISCORD__API_BASE", &fake.api_base)
        .env("RESOLVD_DISCORD__GUILDS", format!("[{GUILD}]"))
        .env("RESOLVD_DISCORD__STAFF_CHANNEL", STAFF.to_string())
        .env("RESOLVD_SCHEDULER__TICK_SECONDS", failover.tick_seconds.to_string())
        .env("RESOLVD_WEB__LISTEN", "");
    if let Some(shards) = shards {
        command.env("RESOLVD_DISCORD__SHARDS", shards);
    }
    let child = command
        .arg("--data-dir")
        .arg(data_dir)
        .arg("run")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    Bot(child)
}

/// A tick's claimer names its process `host:pid`.
fn pid_of(claimer: &str) -> Option<u32> {
    claimer.rsplit(':').next()?.parse().ok()
}

pub async fn failover(scenario: &Failover<'_>) -> FailoverReport {
    let fake = FakeDiscord::start().await;
    let since = chrono::Utc::now();
    let two = scenario.data_dirs.len() > 1;
    // Two instances split the gateway's shards, as README's two-instance set-up does.
    let shards = |i: usize| two.then(|| format!("{i}-{i}/2"));
    let mut bots: Vec<Option<Bot>> = scenario
        .data_dirs
        .iter()
        .enumerate()
        .map(|(i, dir)| Some(start_instance(scenario, &fake, dir, shards(i).as_deref())))
        .collect();
    fake.wait_ready(bots.len()).await;

    // Wait for a finished tick (each instance's, with two, so both are known to tick), then kill
    // whoever ran the latest.
    let pids: Vec<u32> = bots.iter().map(|b| b.as_ref().unwrap().0.id()).collect();
    let deadline = Instant::now() + scenario.settle;
    let latest = loop {
        let ticks = scenario.store.ticks_claimed_since(since).await.unwrap_or_default();
        let finished: Vec<_> = ticks.iter().filter(|t| t.finished_at.is_some()).collect();
        let ran: HashSet<u32> =
            finished.iter().filter_map(|t| t.claimed_by.as_deref().and_then(pid_of)).collect();
        let waited = Instant::now() + scenario.settle - deadline;
        let a_few_ticks = Duration::from_secs(3 * u64::from(scenario.tick_seconds));
        if ran.len() == pids.len() || (!ran.is_empty() && waited > a_few_ticks) {
            break finished.iter().max_by_key(|t| (t.tick, t.claimed_at)).map(|t| (*t).clone());
        }
        assert!(Instant::now() < deadline, "no instance ran a tick: {ticks:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    .expect("a finished tick");
    let killed = latest.claimed_by.clone().unwrap_or_default();
    let victim = pids.iter().position(|&p| Some(p) == pid_of(&killed)).expect("the claimer is one of ours");
    let killed_at = chrono::Utc::now();
    let kill_instant = Instant::now();
    // SIGKILL: whatever job it was running stops there.
    drop(bots[victim].take());
    if !two {
        bots[victim] = Some(start_instance(scenario, &fake, scenario.data_dirs[victim], None));
    }

    let mut survivor = None;
    let mut next_tick = None;
    let deadline = Instant::now() + scenario.settle;
    let mut ticks = Vec::new();
    while Instant::now() < deadline {
        ticks = scenario.store.ticks_claimed_since(since).await.unwrap_or_default();
        if let Some(next) = ticks.iter().find(|t| {
            t.finished_at.is_some()
                && t.tick > latest.tick
                && t.claimed_by.as_deref() != Some(killed.as_str())
        }) {
            survivor = next.claimed_by.clone();
            next_tick = Some(next.tick);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let failover = kill_instant.elapsed();
    let by_the_dead = |t: &&resolvd::store::TickRow| t.claimed_by.as_deref() == Some(killed.as_str());
    FailoverReport {
        instances: bots.len(),
        killed_last_tick: latest.tick,
        killed_unfinished: ticks.iter().filter(by_the_dead).filter(|t| t.finished_at.is_none()).count(),
        claimed_by_the_dead: ticks.iter().filter(by_the_dead).filter(|t| t.claimed_at > killed_at).count(),
        killed,
        survivor,
        next_tick,
        failover,
    }
}

/// A storm: `customers` customers write `messages` direct messages in all (each customer's first
/// opens their ticket), paced evenly over `period`; after `kill_at` of them the instance is killed
/// with SIGKILL and started again at once. What is written while no instance is connected reaches
/// the channels' history only (Discord delivers nothing to a dead gateway), for catch-up to read.
pub struct Storm<'a> {
    pub binary: &'a str,
    pub repo: PathBuf,
    pub database_url: String,
    pub store: Arc<dyn Store>,
    pub data_dir: &'a Path,
    pub customers: usize,
    pub messages: usize,
    pub period: Duration,
    pub kill_at: usize,
    /// How long to wait, after the restart, for every message to be on a ticket.
    pub settle: Duration,
    /// Then how long to wait for the outbox to empty (zero: not waited for). Posts the killed
    /// instance had claimed wait for their lease (a minute) to run out.
    pub drain: Duration,
}

#[derive(Debug)]
pub struct StormReport {
    pub written: usize,
    /// How long the fake gateway took to dispatch the storm (it must keep the pace, not the bot).
    pub dispatch_took: Duration,
    pub delivered_over_gateway: usize,
    pub written_while_down: usize,
    /// Messages written and not stored, or stored and on no ticket, after `settle`.
    pub lost: usize,
    /// Messages stored twice (a unique index makes it impossible; counted to show it).
    pub doubled_messages: usize,
    /// Tickets beyond the first per customer conversation (each customer writes in one DM).
    pub duplicate_tickets: usize,
    /// Posts sent to Discord more than once (the same channel and body), beyond the first.
    pub duplicate_posts: usize,
    pub posts_sent: usize,
    /// From the restart to every written message stored on a ticket.
    pub recovery: Duration,
    /// From the restart to an empty outbox (every post out), if it emptied within `settle`.
    pub drained: Option<Duration>,
}

/// Reads the messages table straight (one query, cheap enough to poll while the bot works).
enum Raw {
    Postgres(sqlx::PgPool),
    Sqlite(sqlx::SqlitePool),
}

impl Raw {
    async fn connect(url: &str) -> Raw {
        if url.starts_with("sqlite:") {
            Raw::Sqlite(sqlx::SqlitePool::connect(url).await.expect("the SQLite database opens"))
        } else {
            Raw::Postgres(sqlx::PgPool::connect(url).await.expect("PostgreSQL answers"))
        }
    }

    /// Each stored message's Discord id, with its ticket (0: none).
    async fn messages(&self) -> Vec<(String, i64)> {
        const QUERY: &str = "SELECT source_id, COALESCE(ticket_id, 0) FROM messages";
        let read = match self {
            Raw::Postgres(pool) => sqlx::query_as(QUERY).fetch_all(pool).await,
            Raw::Sqlite(pool) => sqlx::query_as(QUERY).fetch_all(pool).await,
        };
        read.unwrap_or_default()
    }
}

pub async fn storm(scenario: &Storm<'_>) -> StormReport {
    let fake = FakeDiscord::start().await;
    let raw = Raw::connect(&scenario.database_url).await;
    let customers: Vec<(u64, u64)> =
        (0..scenario.customers).map(|_| (fake.new_id(), fake.new_id())).collect();
    let scenario_start = |fake: &FakeDiscord| {
        start(
            &Scenario {
                binary: scenario.binary,
                repo: scenario.repo.clone(),
                database_url: scenario.database_url.clone(),
                store: scenario.store.clone(),
                data_dir: scenario.data_dir,
                customers: 0,
                messages: 0,
                burst: 1,
                kill_after: 0,
                settle: scenario.settle,
            },
            fake,
        )
    };
    let mut bot = Some(scenario_start(&fake));
    fake.wait_ready(1).await;
    let mut readies = 1;

    let mut written: Vec<String> = Vec::with_capacity(scenario.messages);
    let mut delivered = 0;
    let mut while_down = 0;
    let mut restarted = None;
    let began = Instant::now();
    for n in 0..scenario.messages {
        let at = began + scenario.period.mul_f64(n as f64 / scenario.messages as f64);
        tokio::time::sleep_until(at.into()).await;
        // Round after round: every customer's first message, then every customer's second, …
        let (i, round) = (n % customers.len(), n / customers.len());
        let (user, dm) = customers[i];
        let text = if round == 0 {
            format!("customer {i}: my screen flickers")
        } else {
            format!("customer {i}, update {round}: still flickering")
        };
        let message = fake.message(dm, None, user, &text);
        written.push(format!("discord:message:{}", message["id"].as_str().unwrap()));
        let up = bot.is_some() && fake.state.readies.load(std::sync::atomic::Ordering::SeqCst) >= readies;
        if up {
            fake.dispatch("MESSAGE_CREATE", message);
            delivered += 1;
        } else {
            while_down += 1;
        }
        if n + 1 == scenario.kill_at {
            // SIGKILL: whatever was in flight is lost in the process; then straight back up.
            drop(bot.take());
            restarted = Some(Instant::now());
            bot = Some(scenario_start(&fake));
            readies += 1;
        }
    }
    let dispatch_took = began.elapsed();
    let restarted = restarted.unwrap_or(began);

    let deadline = restarted.max(Instant::now()) + scenario.settle;
    let expected: HashSet<&String> = written.iter().collect();
    let mut stored = raw.messages().await;
    while Instant::now() < deadline {
        let on_tickets: HashSet<&String> = stored.iter().filter(|(_, t)| *t != 0).map(|(id, _)| id).collect();
        if expected.iter().all(|id| on_tickets.contains(id)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        stored = raw.messages().await;
    }
    let recovery = restarted.elapsed();
    let mut drained = None;
    let deadline = Instant::now() + scenario.drain;
    while Instant::now() < deadline {
        if matches!(scenario.store.oldest_unsent_post_at().await, Ok(None)) {
            drained = Some(restarted.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A moment for posts in flight to land at the fake before they are counted.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut copies: HashMap<&String, usize> = HashMap::new();
    let on_a_ticket: HashSet<&String> = stored.iter().filter(|(_, t)| *t != 0).map(|(id, _)| id).collect();
    for (id, _) in &stored {
        *copies.entry(id).or_default() += 1;
    }
    let mut per_conversation: HashMap<(String, String), usize> = HashMap::new();
    for ticket in scenario.store.tickets(None).await.unwrap_or_default() {
        *per_conversation.entry((ticket.customer, ticket.conversation)).or_default() += 1;
    }
    let mut posts: HashMap<(String, String), usize> = HashMap::new();
    for call in fake.calls() {
        if call.method == "POST" && call.path.contains("/channels/") && call.path.ends_with("/messages") {
            *posts.entry((call.path, call.body.to_string())).or_default() += 1;
        }
    }
    StormReport {
        written: written.len(),
        dispatch_took,
        delivered_over_gateway: delivered,
        written_while_down: while_down,
        lost: written.iter().filter(|id| !on_a_ticket.contains(id)).count(),
        doubled_messages: copies.values().filter(|&&n| n > 1).count(),
        duplicate_tickets: per_conversation.values().map(|n| n - 1).sum(),
        duplicate_posts: posts.values().map(|n| n - 1).sum(),
        posts_sent: posts.values().sum(),
        recovery,
        drained,
    }
}
