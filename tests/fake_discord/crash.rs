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
