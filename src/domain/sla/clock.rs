//! A running SLA or OLA clock as a value: a start, a budget of business time, a calendar and the
//! intervals during which it was paused. Every reading takes `now` explicitly.
//!
//! Elapsed and remaining time are business time: they stand still outside working hours and while
//! paused. Being breached is about the instant: a clock due at Friday 18:00 is breached from just after
//! 18:00 on, even though no business time passes over the weekend. Due exactly at the deadline is on
//! time. A stopped clock (first response sent, ticket resolved) is read at the instant it stopped.

use chrono::{DateTime, TimeDelta, Utc};

use super::calendar::Calendar;

/// An interval during which the clock stood still (waiting for the customer); `until: None` means it
/// is still paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

impl Pause {
    pub fn closed(from: DateTime<Utc>, until: DateTime<Utc>) -> Pause {
        Pause { from, until: Some(until) }
    }

    pub fn open(from: DateTime<Utc>) -> Pause {
        Pause { from, until: None }
    }
}

/// Something a scheduler should wake up for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Alarm {
    /// The fraction of the budget used reached this threshold.
    Warning(f64),
    /// The deadline passed.
    Breach,
}

/// A snapshot of a clock at one instant, for rendering and for the sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockReading {
    /// `None` while paused with budget left: the deadline depends on when the pause ends.
    pub due: Option<DateTime<Utc>>,
    pub elapsed: TimeDelta,
    /// Negative once more business time than the budget has passed.
    pub remaining: TimeDelta,
    pub fraction: f64,
    pub paused: bool,
    /// The highest warning threshold reached, if any.
    pub warned_at: Option<f64>,
    pub breached: bool,
}

#[derive(Debug, Clone)]
pub struct Clock<'a> {
    calendar: &'a Calendar,
    start: DateTime<Utc>,
    budget: TimeDelta,
    /// From `start` on, sorted and merged; only the last may be open.
    pauses: Vec<Pause>,
    warn_at: &'a [f64],
}

impl<'a> Clock<'a> {
    /// Pauses may come in any order and overlap; the parts before `start` are ignored.
    pub fn new(
        calendar: &'a Calendar,
        start: DateTime<Utc>,
        budget: TimeDelta,
        pauses: &[Pause],
    ) -> Clock<'a> {
        Clock {
            calendar,
            start,
            budget: budget.max(TimeDelta::zero()),
            pauses: normalise(start, pauses),
            warn_at: &[],
        }
    }

    /// Rising fractions of the budget at which [`Clock::next_alarm`] and readings report warnings.
    pub fn with_warnings(mut self, warn_at: &'a [f64]) -> Clock<'a> {
        self.warn_at = warn_at;
        self
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn budget(&self) -> TimeDelta {
        self.budget
    }

    pub fn calendar(&self) -> &'a Calendar {
        self.calendar
    }

    pub fn is_paused(&self, now: DateTime<Utc>) -> bool {
        self.pauses.iter().any(|pause| pause.from <= now && pause.until.is_none_or(|until| now < until))
    }

    /// Business time counted against the budget between the start and `now`.
    pub fn elapsed(&self, now: DateTime<Utc>) -> TimeDelta {
        let worked = self.calendar.working_time_between(self.start, now);
        let paused: TimeDelta = self
            .pauses
            .iter()
            .filter(|pause| pause.from < now)
            .map(|pause| {
                let until = pause.until.map_or(now, |until| until.min(now));
                self.calendar.working_time_between(pause.from, until)
            })
            .sum();
        worked - paused
    }

    /// Budget left at `now`; negative when overrun.
    pub fn remaining(&self, now: DateTime<Utc>) -> TimeDelta {
        self.budget - self.elapsed(now)
    }

    /// Share of the budget used at `now`: 0 at the start, 1 at the deadline, above 1 when overrun. A
    /// zero budget counts as used up.
    pub fn fraction(&self, now: DateTime<Utc>) -> f64 {
        if self.budget <= TimeDelta::zero() {
            return 1.0;
        }
        seconds(self.elapsed(now)) / seconds(self.budget)
    }

    /// The deadline: the earliest instant by which the whole budget has been worked outside pauses.
    /// `None` while an open pause holds the clock with budget left.
    pub fn due(&self) -> Option<DateTime<Utc>> {
        self.instant_after(self.budget)
    }

    /// When the share `fraction` of the budget will have been used, e.g. 0.75 for a warning.
    pub fn due_at_fraction(&self, fraction: f64) -> Option<DateTime<Utc>> {
        let fraction = fraction.clamp(0.0, 1.0);
        let millis = (self.budget.num_milliseconds() as f64 * fraction).round() as i64;
        self.instant_after(TimeDelta::milliseconds(millis))
    }

    /// Strictly after the deadline; a paused clock is breached only if it ran out before the pause.
    pub fn is_breached(&self, now: DateTime<Utc>) -> bool {
        self.due().is_some_and(|due| now > due)
    }

    /// The highest warning threshold whose instant has come by `now`.
    pub fn warned_at(&self, now: DateTime<Utc>) -> Option<f64> {
        self.warn_at
            .iter()
            .copied()
            .filter(|threshold| self.due_at_fraction(*threshold).is_some_and(|at| now >= at))
            .reduce(f64::max)
    }

    /// The next warning or breach after `now`, for a scheduler's timer row; `None` when nothing is
    /// left to announce or the clock is paused.
    pub fn next_alarm(&self, now: DateTime<Utc>) -> Option<(Alarm, DateTime<Utc>)> {
        let warnings = self
            .warn_at
            .iter()
            .filter_map(|threshold| Some((Alarm::Warning(*threshold), self.due_at_fraction(*threshold)?)));
        // A breach is announced just after the deadline, when `is_breached` turns true.
        let breach = self.due().map(|due| (Alarm::Breach, due + TimeDelta::nanoseconds(1)));
        warnings.chain(breach).filter(|(_, at)| *at > now).min_by_key(|(_, at)| *at)
    }

    pub fn reading(&self, now: DateTime<Utc>) -> ClockReading {
        let elapsed = self.elapsed(now);
        ClockReading {
            due: self.due(),
            elapsed,
            remaining: self.budget - elapsed,
            fraction: self.fraction(now),
            paused: self.is_paused(now),
            warned_at: self.warned_at(now),
            breached: self.is_breached(now),
        }
    }

    /// The earliest instant by which `amount` of business time has been worked outside pauses.
    fn instant_after(&self, amount: TimeDelta) -> Option<DateTime<Utc>> {
        let mut from = self.start;
        let mut left = amount;
        for pause in &self.pauses {
            let candidate = self.calendar.add_working_time(from, left);
            if candidate <= pause.from {
                return Some(candidate);
            }
            left -= self.calendar.working_time_between(from, pause.from);
            from = pause.until?;
        }
        Some(self.calendar.add_working_time(from, left))
    }
}

fn normalise(start: DateTime<Utc>, pauses: &[Pause]) -> Vec<Pause> {
    let mut clipped: Vec<Pause> = pauses
        .iter()
        .filter(|pause| pause.until.is_none_or(|until| until > start))
        .map(|pause| Pause { from: pause.from.max(start), until: pause.until })
        .filter(|pause| pause.until.is_none_or(|until| until > pause.from))
        .collect();
    clipped.sort_by_key(|pause| pause.from);
    let mut merged: Vec<Pause> = Vec::with_capacity(clipped.len());
    for pause in clipped {
        match merged.last_mut() {
            // An open pause swallows everything after it.
            Some(last) if last.until.is_none_or(|until| pause.from <= until) => {
                last.until = match (last.until, pause.until) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => merged.push(pause),
        }
    }
    merged
}

fn seconds(d: TimeDelta) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}
