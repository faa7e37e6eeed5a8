//! Scheduled jobs as data: a name, a cron expression read in a time zone, and a function of an
//! explicit `now`. Before a job runs, its tick (the scheduled instant it runs for) is claimed in the
//! database, so with several instances on one database each tick runs once, on whichever instance
//! claims it first. While a job runs it holds its lock across instances (`Store::lock_job`: a
//! PostgreSQL advisory lock), so its runs never overlap either. A claimed tick is leased to its
//! claimer, renewed while the job runs and marked finished after; an instance that dies mid-job
//! stops renewing, and once the lease is over another instance claims the tick and runs it again.
//!
//! One failing job stops no other: each runs and reports on its own. A tick whose job failed is
//! released again, so the next run (a moment later in `run_until`, or the next `jobs run-once`)
//! runs it once more; within a job, each ticket has its own fallback (`engine::jobs`).

use crate::domain::text::count;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use cron::Schedule;
use tracing::{error, info, warn};

use crate::config::Config;
use crate::engine::Engine;
use crate::store::{TICK_LEASE, TickClaim};

pub type JobFuture<'a> = Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send + 'a>>;

/// What a job does at `now`; it returns a one-line summary for logs and `jobs run-once`.
pub type JobFn = for<'a> fn(&'a Engine, DateTime<Utc>) -> JobFuture<'a>;

pub struct Job {
    pub name: &'static str,
    /// Six fields, seconds first (`sec min hour day month weekday`), read in `time_zone`.
    pub cron: String,
    pub time_zone: Tz,
    pub run: JobFn,
}

/// The jobs of this configuration.
pub fn jobs(config: &Config) -> Vec<Job> {
    let digest = config.digest;
    // The minute-scale jobs tick every `scheduler.tick_seconds` (a minute unless config says less).
    let often = config.settings.scheduler.cron();
    vec![
        Job { name: "sla_sweep", cron: often.clone(), time_zone: Tz::UTC, run: sla_sweep },
        Job { name: "confirmations", cron: often.clone(), time_zone: Tz::UTC, run: confirmations },
        Job { name: "war_room_reminders", cron: often.clone(), time_zone: Tz::UTC, run: war_room_reminders },
        Job { name: "revisits", cron: often, time_zone: Tz::UTC, run: revisits },
        Job {
            name: "untaken_messages",
            cron: "0 * * * * *".to_owned(),
            time_zone: Tz::UTC,
            run: untaken_messages,
        },
        Job {
            name: "retention",
            cron: "0 30 3 * * *".to_owned(),
            time_zone: digest.time_zone,
            run: retention,
        },
        Job {
            name: "daily_digest",
            cron: format!("{} {} {} * * *", digest.at.second(), digest.at.minute(), digest.at.hour()),
            time_zone: digest.time_zone,
            run: daily_digest,
        },
    ]
}

fn sla_sweep(engine: &Engine, now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async move {
        let report = engine.sla_sweep(now).await?;
        Ok(format!(
            "{}, {}, {}",
            count(report.looked_at as u64, "due ticket", "due tickets"),
            count(report.notices as u64, "notice", "notices"),
            count(report.escalated as u64, "escalation", "escalations")
        ))
    })
}

fn confirmations(engine: &Engine, now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async move {
        let report = engine.confirmation_sweep(now).await?;
        Ok(format!("{} reminded, {} auto-confirmed", report.reminded, report.auto_confirmed))
    })
}

fn war_room_reminders(engine: &Engine, now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async move {
        let reminded = engine.remind_war_rooms(now).await?;
        Ok(format!("{} reminded", count(reminded as u64, "war room", "war rooms")))
    })
}

/// Closed tickets whose revisit is due: their customers are asked whether it is still working.
fn revisits(engine: &Engine, now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async move {
        let asked = engine.revisit_sweep(now).await?;
        Ok(format!("{} asked", count(asked as u64, "closed ticket's customer", "closed tickets' customers")))
    })
}

/// Messages stored but not taken into a ticket (their intake failed) are retried.
fn untaken_messages(engine: &Engine, _now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async move {
        let retried = engine.take_in_untaken().await?;
        Ok(format!("{} retried", count(retried as u64, "untaken message", "untaken messages")))
    })
}

/// What only guards against repeats, older than `retention.days`, is deleted.
fn retention(engine: &Engine, now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async move {
        // A spent sign-in link's nonce guards only the link's ten minutes.
        let links = engine.store().prune_login_links(now - chrono::Duration::days(1)).await?;
        let days = engine.config().settings.retention.days;
        if days == 0 {
            return Ok(format!(
                "kept everything else (retention.days = 0); deleted {}",
                count(links, "spent sign-in link", "spent sign-in links")
            ));
        }
        let before = now - chrono::Duration::days(i64::from(days));
        let pruned = engine.store().prune_before(before).await?;
        Ok(format!(
            "older than {}: deleted {}, {}, {}, {}, {}; {}",
            count(u64::from(days), "day", "days"),
            count(pruned.sent_posts, "sent post", "sent posts"),
            count(pruned.handled_inbound, "handled command id", "handled command ids"),
            count(pruned.scheduler_ticks, "scheduler tick", "scheduler ticks"),
            count(pruned.notices, "closed ticket's notice", "closed tickets' notices"),
            count(pruned.deliveries, "delivered webhook", "delivered webhooks"),
            count(links, "spent sign-in link", "spent sign-in links"),
        ))
    })
}

fn daily_digest(engine: &Engine, now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async move {
        let report = engine.sla_digest(now).await?;
        Ok(format!(
            "posted: {} open, {} breached, {} due today",
            report.open, report.breached, report.due_today
        ))
    })
}

impl Job {
    pub fn schedule(&self) -> anyhow::Result<Schedule> {
        Schedule::from_str(&self.cron).with_context(|| format!("job {}: bad cron `{}`", self.name, self.cron))
    }
}

/// A job with its parsed schedule.
struct Planned {
    job: Job,
    schedule: Schedule,
}

impl Planned {
    /// The latest scheduled instant at or before `now`: the tick a run at `now` is for.
    fn tick_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // Cron works in whole seconds.
        let second = now.with_nanosecond(0).unwrap_or(now).with_timezone(&self.job.time_zone);
        if self.schedule.includes(second) {
            return Some(second.with_timezone(&Utc));
        }
        self.schedule.after(&second).next_back().map(|t| t.with_timezone(&Utc))
    }

    fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.schedule.after(&now.with_timezone(&self.job.time_zone)).next().map(|t| t.with_timezone(&Utc))
    }
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    pub job: &'static str,
    pub tick: DateTime<Utc>,
    /// `None` when another run (here or on another instance) had claimed the tick, or it failed.
    pub summary: Option<String>,
    /// Why the job failed; its tick was released to run again.
    pub failed: Option<String>,
}

/// Why a job did not run: its lock is held (another instance is running it).
pub const BUSY: &str = "still running on another instance";

/// How soon `run_until` tries a failed tick again.
const RETRY_FAILED_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

pub struct Scheduler {
    engine: Arc<Engine>,
    jobs: Vec<Planned>,
    /// How long a claimed tick stays this instance's without a renewal (`store::TICK_LEASE`).
    lease: chrono::Duration,
}

impl Scheduler {
    pub fn new(engine: Arc<Engine>) -> anyhow::Result<Scheduler> {
        let jobs = jobs(engine.config());
        Scheduler::with_jobs(engine, jobs)
    }

    /// A scheduler of the given jobs (for tests, and tools that run a subset).
    pub fn with_jobs(engine: Arc<Engine>, jobs: Vec<Job>) -> anyhow::Result<Scheduler> {
        let jobs = jobs
            .into_iter()
            .map(|job| Ok(Planned { schedule: job.schedule()?, job }))
            .collect::<anyhow::Result<_>>()?;
        Ok(Scheduler { engine, jobs, lease: TICK_LEASE })
    }

    /// The same scheduler with another tick lease (tests take a short one).
    pub fn with_lease(mut self, lease: chrono::Duration) -> Scheduler {
        self.lease = lease;
        self
    }

    /// Runs every job whose latest tick at or before `now` no one has claimed yet. A job that
    /// fails is reported in its `JobRun` and its tick released; the other jobs run all the same.
    /// Only a failure to claim a tick (the database is unreachable) is an error.
    pub async fn run_due(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<JobRun>> {
        let mut runs = Vec::new();
        for planned in &self.jobs {
            let Some(tick) = planned.tick_at(now) else { continue };
            let name = planned.job.name;
            let mut run = JobRun { job: name, tick, summary: None, failed: None };
            // The job's lock across instances (a PostgreSQL advisory lock) is held while it runs,
            // so a sweep never overlaps with one another instance started for an earlier tick. A
            // job still running elsewhere leaves this tick unclaimed; `run_until` comes back to it.
            let Some(lock) = self.engine.store().lock_job(name).await? else {
                info!(job = name, %tick, "job still running on another instance; its tick runs later");
                run.failed = Some(BUSY.to_owned());
                runs.push(run);
                continue;
            };
            let store = self.engine.store();
            let by = crate::store::instance_name();
            let claim = TickClaim { by, at: now, lease_until: now + self.lease };
            if store.claim_tick_as(name, tick, &claim).await? {
                match self.run_leased(&planned.job, tick, now).await {
                    Ok(summary) => {
                        info!(job = name, %tick, %summary, "job ran");
                        if let Err(e) = store.finish_tick(name, tick, now).await {
                            // Unfinished, the tick is run again once its lease is over.
                            warn!(job = name, %tick, error = %e, "could not mark a tick finished");
                        }
                        run.summary = Some(summary);
                    }
                    Err(e) => {
                        let reason = format!("{e:#}");
                        error!(job = name, %tick, error = %reason, "job failed; its tick runs again");
                        store.release_tick(name, tick).await?;
                        run.failed = Some(reason);
                    }
                }
            }
            lock.release().await;
            runs.push(run);
        }
        Ok(runs)
    }

    /// Runs a claimed tick's job, renewing the tick's lease every third of it while the job runs,
    /// so no other instance takes it over while this one lives. The lease runs on the clock of
    /// `now` (the instant the run is for) plus the time the job has taken.
    async fn run_leased(&self, job: &Job, tick: DateTime<Utc>, now: DateTime<Utc>) -> anyhow::Result<String> {
        let started = std::time::Instant::now();
        let by = crate::store::instance_name();
        let every = (self.lease / 3).to_std().unwrap_or(std::time::Duration::from_secs(1));
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        let run = (job.run)(&self.engine, now);
        tokio::pin!(run);
        loop {
            tokio::select! {
                result = &mut run => return result,
                _ = beat.tick() => {
                    let elapsed = chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
                    match self.engine.store().renew_tick(job.name, tick, by, now + elapsed + self.lease).await {
                        Ok(true) => {}
                        Ok(false) => warn!(job = job.name, %tick, "another instance took this tick over"),
                        Err(e) => warn!(job = job.name, %tick, error = %e, "could not renew a tick's lease"),
                    }
                }
            }
        }
    }

    /// Ticks in the background until `stop`: sleeps to the next tick of any job, then runs what is
    /// due. Ticks before the start are not caught up here (that is what `jobs run-once` is for).
    pub async fn run_until(&self, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        let mut failed = false;
        loop {
            let now = Utc::now();
            let Some(mut next) = self.jobs.iter().filter_map(|p| p.next_after(now)).min() else { return };
            if failed {
                next = next.min(now + RETRY_FAILED_AFTER);
            }
            let wait = (next - now).to_std().unwrap_or_default();
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = &mut stop => return,
            }
            failed = match self.run_due(next).await {
                Ok(runs) => runs.iter().any(|run| run.failed.is_some()),
                Err(e) => {
                    error!(error = %format!("{e:#}"), "scheduler could not claim its ticks");
                    true
                }
            };
            // What the jobs read (a sweep, a digest) is not kept while the process idles.
            crate::memory::release_freed();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigSource;

    fn planned() -> Vec<Planned> {
        let config = Config::load(ConfigSource::Embedded, std::iter::empty()).unwrap();
        jobs(&config).into_iter().map(|job| Planned { schedule: job.schedule().unwrap(), job }).collect()
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn job_names_are_unique_and_every_cron_parses() {
        let jobs = planned();
        let mut names: Vec<&str> = jobs.iter().map(|p| p.job.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), jobs.len());
    }

    #[test]
    fn a_tick_is_the_latest_scheduled_instant_at_or_before_now() {
        let jobs = planned();
        let sweep = jobs.iter().find(|p| p.job.name == "sla_sweep").unwrap();
        assert_eq!(sweep.tick_at(at("2026-11-20T15:00:00Z")), Some(at("2026-11-20T15:00:00Z")));
        assert_eq!(sweep.tick_at(at("2026-11-20T15:00:59.9Z")), Some(at("2026-11-20T15:00:00Z")));
        // The digest runs at 09:00 in Shanghai, 01:00 UTC.
        let digest = jobs.iter().find(|p| p.job.name == "daily_digest").unwrap();
        assert_eq!(digest.tick_at(at("2026-11-20T00:59:00Z")), Some(at("2026-11-19T01:00:00Z")));
        assert_eq!(digest.tick_at(at("2026-11-20T01:00:00Z")), Some(at("2026-11-20T01:00:00Z")));
        assert_eq!(digest.next_after(at("2026-11-20T01:00:00Z")), Some(at("2026-11-21T01:00:00Z")));
    }
}
