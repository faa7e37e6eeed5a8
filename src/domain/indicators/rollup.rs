//! The indicators' rollups: totals kept per day (and per month) and per ticket dimensions, so that
//! a year of indicators reads a few thousand rows instead of the whole timeline. Everything here is
//! pure: what one ticket adds to the totals is a function of that ticket's facts (its dimensions now
//! and the events the indicators read, in timeline order) and the time zone the days are counted
//! in. The store keeps the totals in step by taking a ticket's old contribution away and adding its
//! new one in the transaction that changes it (README, "The cockpit's four indicators").
//!
//! Handling times and resolved → closed times are kept as histograms with logarithmic buckets: a
//! percentile is reported as the middle of the bucket that holds the nearest-rank value (exact below
//! 1,024 seconds, within 2.5% above). Bucketing never reorders values, so the bucket of the exact
//! nearest-rank value is the nearest-rank bucket.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::{day_numbered, offset_at};

/// The rollups' format: a build whose contribution differs rebuilds them (with the zone, recorded
/// beside them).
pub const FORMAT_VERSION: i64 = 1;

/// `next_day` of a resolution that no later resolution followed, and of every total that does not
/// depend on the next resolution: greater than every day.
pub const NO_NEXT_DAY: i64 = i32::MAX as i64;

/// Values below this are their own bucket.
const EXACT_BELOW: i64 = 1024;
/// Each bucket above `EXACT_BELOW` is this much wider than the one before.
const GROWTH: f64 = 1.048;

/// The bucket of a duration in seconds (negative durations count as 0).
pub fn bucket(secs: i64) -> u16 {
    if secs < EXACT_BELOW {
        return secs.max(0) as u16;
    }
    let steps = ((secs as f64) / (EXACT_BELOW as f64)).ln() / GROWTH.ln();
    (EXACT_BELOW as f64 + steps.floor()).min(f64::from(u16::MAX)) as u16
}

/// The value a bucket reports: itself below 1,024, else the geometric middle of its bounds.
pub fn bucket_value(bucket: u16) -> i64 {
    let bucket = i64::from(bucket);
    if bucket < EXACT_BELOW {
        return bucket;
    }
    let steps = (bucket - EXACT_BELOW) as f64 + 0.5;
    ((EXACT_BELOW as f64) * GROWTH.powf(steps)).round() as i64
}

/// A duration as the indicators report it: its bucket's value.
pub fn rounded(secs: i64) -> i64 {
    bucket_value(bucket(secs))
}

/// How many values fell in each bucket (counts may be negative in a difference of totals).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram(pub BTreeMap<u16, i64>);

impl Histogram {
    pub fn add(&mut self, secs: i64, times: i64) {
        self.add_bucket(bucket(secs), times);
    }

    fn add_bucket(&mut self, bucket: u16, times: i64) {
        let count = self.0.entry(bucket).or_insert(0);
        *count += times;
        if *count == 0 {
            self.0.remove(&bucket);
        }
    }

    fn merge(&mut self, other: &Histogram, sign: i64) {
        for (bucket, count) in &other.0 {
            self.add_bucket(*bucket, sign * count);
        }
    }

    pub fn total(&self) -> i64 {
        self.0.values().sum()
    }

    /// The reported value at rank ⌈p·n⌉ of the n values (nearest rank); `None` for no values.
    pub fn nearest_rank(&self, percent: i64) -> Option<i64> {
        let n = self.total();
        if n <= 0 {
            return None;
        }
        let rank = ((percent * n + 99) / 100).max(1);
        let mut seen = 0;
        for (bucket, count) in &self.0 {
            seen += count;
            if seen >= rank {
                return Some(bucket_value(*bucket));
            }
        }
        None
    }
}

/// What a card (a resolution) became: the ticket's next close or reopen after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CardOutcome {
    Confirmed = 0,
    AutoConfirmed = 1,
    Reopened = 2,
    ClosedOtherwise = 3,
    Pending = 4,
}

impl CardOutcome {
    pub const ALL: [CardOutcome; 5] = [
        CardOutcome::Confirmed,
        CardOutcome::AutoConfirmed,
        CardOutcome::Reopened,
        CardOutcome::ClosedOtherwise,
        CardOutcome::Pending,
    ];
}

/// The totals of one rollup row. Every field adds up across tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Resolutions that are their ticket's latest in a range ending before the row's `next_day`.
    pub resolved: i64,
    pub on_time: i64,
    /// Created → resolved, wall clock, of those resolutions.
    pub wall: Histogram,
    /// Created → resolved in business time, of those that carry one.
    pub business: Histogram,
    /// Resolution cards, by outcome (`CardOutcome as usize`).
    pub cards: [i64; 5],
    /// Cards the customer answered.
    pub answered: i64,
    /// Resolved → closed, of the cards confirmed or auto-confirmed.
    pub settled: Histogram,
    /// Scores given, 1 to 5.
    pub scores: [i64; 5],
    /// Tickets worked on now (new, open, waiting for the customer), and those with a breach.
    pub open_now: i64,
    pub breached_now: i64,
}

impl Tally {
    pub fn is_zero(&self) -> bool {
        *self == Tally::default()
    }

    /// Adds `other` (`sign` 1) or takes it away (`sign` -1).
    pub fn merge(&mut self, other: &Tally, sign: i64) {
        self.resolved += sign * other.resolved;
        self.on_time += sign * other.on_time;
        self.wall.merge(&other.wall, sign);
        self.business.merge(&other.business, sign);
        for (mine, theirs) in self.cards.iter_mut().zip(other.cards) {
            *mine += sign * theirs;
        }
        self.answered += sign * other.answered;
        self.settled.merge(&other.settled, sign);
        for (mine, theirs) in self.scores.iter_mut().zip(other.scores) {
            *mine += sign * theirs;
        }
        self.open_now += sign * other.open_now;
        self.breached_now += sign * other.breached_now;
    }

    /// The tally as bytes: its non-zero counters and histogram entries as variable-length integers.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let counters = self.counters();
        for (field, value) in counters.iter().enumerate() {
            if *value != 0 {
                put(&mut out, field as i64);
                put(&mut out, *value);
            }
        }
        for (field, histogram) in [&self.wall, &self.business, &self.settled].into_iter().enumerate() {
            if histogram.0.is_empty() {
                continue;
            }
            put(&mut out, (COUNTERS + field) as i64);
            put(&mut out, histogram.0.len() as i64);
            let mut last = 0;
            for (bucket, count) in &histogram.0 {
                put(&mut out, i64::from(*bucket) - last);
                put(&mut out, *count);
                last = i64::from(*bucket);
            }
        }
        out
    }

    /// The tally `encode` wrote; `None` when the bytes are not one.
    pub fn decode(bytes: &[u8]) -> Option<Tally> {
        let mut tally = Tally::default();
        let mut counters = [0; COUNTERS];
        let mut at = 0;
        while at < bytes.len() {
            let field = usize::try_from(take(bytes, &mut at)?).ok()?;
            if field < COUNTERS {
                counters[field] = take(bytes, &mut at)?;
                continue;
            }
            let histogram = match field - COUNTERS {
                0 => &mut tally.wall,
                1 => &mut tally.business,
                2 => &mut tally.settled,
                _ => return None,
            };
            let entries = take(bytes, &mut at)?;
            let mut bucket = 0;
            for _ in 0..entries {
                bucket += take(bytes, &mut at)?;
                let count = take(bytes, &mut at)?;
                histogram.0.insert(u16::try_from(bucket).ok()?, count);
            }
        }
        tally.set_counters(counters);
        Some(tally)
    }

    fn counters(&self) -> [i64; COUNTERS] {
        let [c0, c1, c2, c3, c4] = self.cards;
        let [s0, s1, s2, s3, s4] = self.scores;
        [
            self.resolved,
            self.on_time,
            c0,
            c1,
            c2,
            c3,
            c4,
            self.answered,
            s0,
            s1,
            s2,
            s3,
            s4,
            self.open_now,
            self.breached_now,
        ]
    }

    fn set_counters(&mut self, c: [i64; COUNTERS]) {
        self.resolved = c[0];
        self.on_time = c[1];
        self.cards = [c[2], c[3], c[4], c[5], c[6]];
        self.answered = c[7];
        self.scores = [c[8], c[9], c[10], c[11], c[12]];
        self.open_now = c[13];
        self.breached_now = c[14];
    }
}

const COUNTERS: usize = 15;

/// Zigzag, then 7 bits a byte.
fn put(out: &mut Vec<u8>, value: i64) {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn take(bytes: &[u8], at: &mut usize) -> Option<i64> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(((v >> 1) as i64) ^ -((v & 1) as i64));
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// How a close answered a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseKind {
    Confirmed,
    AutoConfirmed,
    ByCustomer,
    Otherwise,
}

/// One event the indicators read, at seconds since 1970.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fact {
    Created,
    Closed(CloseKind),
    /// `by_customer`: the reopen's actor is the ticket's customer.
    Reopened {
        by_customer: bool,
    },
    /// `on_time` unless recorded late; `business_secs` when recorded.
    Resolved {
        business_secs: Option<i64>,
        on_time: bool,
    },
    Rated {
        score: Option<i64>,
    },
    /// A breach of the response or resolution clock.
    Breach,
}

/// What the indicators read of a ticket: its dimensions now, whether staff work on it now, and its
/// facts in timeline order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketFacts {
    pub dims: Dims,
    /// Its status is new, open or waiting for the customer.
    pub worked_on: bool,
    pub events: Vec<(i64, Fact)>,
}

/// The dimensions a ticket is counted under (the filters the rollups carry), as the ticket's
/// columns hold them.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dims {
    pub kind: Option<String>,
    pub domain: Option<String>,
    pub severity: Option<String>,
}

/// A day's inflow counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flow {
    pub created: i64,
    pub closed: i64,
    /// Reopens right after a close.
    pub reopened: i64,
}

impl Flow {
    pub fn is_zero(&self) -> bool {
        *self == Flow::default()
    }

    fn merge(&mut self, other: &Flow, sign: i64) {
        self.created += sign * other.created;
        self.closed += sign * other.closed;
        self.reopened += sign * other.reopened;
    }
}

/// The span a tally row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    Day = 0,
    Month = 1,
    /// What is true now, whatever the range (open and breached now).
    Now = 2,
}

/// A tally row's key, but for the ticket's dimensions: the span, its first day (days since
/// 1970-01-01; 0 for `Now`), and the day of the next resolution for a resolution's figures
/// (`NO_NEXT_DAY` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TallyKey {
    pub span: Span,
    pub period: i64,
    pub next_day: i64,
}

/// What one ticket adds to the rollups.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contribution {
    pub flows: BTreeMap<i64, Flow>,
    pub tallies: BTreeMap<TallyKey, Tally>,
}

/// The local day (days since 1970-01-01) of an instant in seconds since 1970.
pub fn local_day(zone: chrono_tz::Tz, t: i64) -> i64 {
    (t + offset_at(zone, t)).div_euclid(86400)
}

/// The first day of the month of a day.
pub fn month_of(day: i64) -> i64 {
    let date = day_numbered(day);
    let first = date.with_day(1).unwrap_or(date);
    day_number(first)
}

/// Days since 1970-01-01 of a date.
pub fn day_number(date: NaiveDate) -> i64 {
    (date - day_numbered(0)).num_days()
}

impl Contribution {
    fn flow(&mut self, day: i64) -> &mut Flow {
        self.flows.entry(day).or_default()
    }

    /// Adds to the day's row and to its month's. A resolution followed by another within the same
    /// day (month) is never the latest within a range that holds the whole day (month): it has no
    /// row of that span.
    fn dated(&mut self, day: i64, next_day: i64, change: impl Fn(&mut Tally)) {
        if next_day > day {
            change(self.tallies.entry(TallyKey { span: Span::Day, period: day, next_day }).or_default());
        }
        let month = month_of(day);
        if next_day >= next_month(month) {
            change(self.tallies.entry(TallyKey { span: Span::Month, period: month, next_day }).or_default());
        }
    }
}

/// What a ticket adds to the rollups, its days counted in `zone`. Mirrors the timeline queries
/// (`store::indicators`): see README for each figure.
pub fn contribution(facts: &TicketFacts, zone: chrono_tz::Tz) -> Contribution {
    let mut out = Contribution::default();
    let day = |t: i64| local_day(zone, t);
    let created_at = facts.events.iter().find(|(_, f)| *f == Fact::Created).map(|(t, _)| *t);
    let mut last_close_or_reopen: Option<bool> = None; // Some(true): the last was a close
    for (i, (at, fact)) in facts.events.iter().enumerate() {
        match fact {
            Fact::Created => out.flow(day(*at)).created += 1,
            Fact::Closed(_) => {
                out.flow(day(*at)).closed += 1;
                last_close_or_reopen = Some(true);
            }
            Fact::Reopened { .. } => {
                if last_close_or_reopen == Some(true) {
                    out.flow(day(*at)).reopened += 1;
                }
                last_close_or_reopen = Some(false);
            }
            Fact::Resolved { business_secs, on_time } => {
                let later = &facts.events[i + 1..];
                let resolved_day = day(*at);
                let next_day = later
                    .iter()
                    .find(|(_, f)| matches!(f, Fact::Resolved { .. }))
                    .map_or(NO_NEXT_DAY, |(t, _)| day(*t));
                if let Some(created_at) = created_at {
                    out.dated(resolved_day, next_day, |tally| {
                        tally.resolved += 1;
                        tally.on_time += i64::from(*on_time);
                        tally.wall.add(at - created_at, 1);
                        if let Some(business) = business_secs {
                            tally.business.add(*business, 1);
                        }
                    });
                }
                let answer = later.iter().find(|(_, f)| matches!(f, Fact::Closed(_) | Fact::Reopened { .. }));
                let (outcome, settled, mut answered) = match answer {
                    None => (CardOutcome::Pending, None, false),
                    Some((_, Fact::Reopened { by_customer })) => (CardOutcome::Reopened, None, *by_customer),
                    Some((t, Fact::Closed(CloseKind::Confirmed))) => {
                        (CardOutcome::Confirmed, Some(t - at), true)
                    }
                    Some((t, Fact::Closed(CloseKind::AutoConfirmed))) => {
                        (CardOutcome::AutoConfirmed, Some(t - at), false)
                    }
                    Some((_, Fact::Closed(CloseKind::ByCustomer))) => {
                        (CardOutcome::ClosedOtherwise, None, true)
                    }
                    Some(_) => (CardOutcome::ClosedOtherwise, None, false),
                };
                if !answered {
                    answered = later
                        .iter()
                        .take_while(|(_, f)| !matches!(f, Fact::Resolved { .. }))
                        .any(|(_, f)| matches!(f, Fact::Rated { .. }));
                }
                out.dated(resolved_day, NO_NEXT_DAY, |tally| {
                    tally.cards[outcome as usize] += 1;
                    tally.answered += i64::from(answered);
                    if let Some(secs) = settled {
                        tally.settled.add(secs, 1);
                    }
                });
            }
            Fact::Rated { score: Some(score @ 1..=5) } => {
                let index = (*score - 1) as usize;
                out.dated(day(*at), NO_NEXT_DAY, |tally| tally.scores[index] += 1);
            }
            Fact::Rated { .. } | Fact::Breach => {}
        }
    }
    if facts.worked_on {
        let breached = facts.events.iter().any(|(_, f)| *f == Fact::Breach);
        let now =
            out.tallies.entry(TallyKey { span: Span::Now, period: 0, next_day: NO_NEXT_DAY }).or_default();
        now.open_now = 1;
        now.breached_now = i64::from(breached);
    }
    out
}

/// Changes to the rollups, by full key (dimensions included): new contributions added, old ones
/// taken away. Keys are in a fixed order, so every transaction writes rows in the same order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delta {
    pub flows: BTreeMap<(Dims, i64), Flow>,
    pub tallies: BTreeMap<(Dims, TallyKey), Tally>,
}

impl Delta {
    /// Adds (`sign` 1) or takes away (`sign` -1) a ticket's contribution under its dimensions.
    pub fn add(&mut self, dims: &Dims, contribution: &Contribution, sign: i64) {
        for (day, flow) in &contribution.flows {
            self.flows.entry((dims.clone(), *day)).or_default().merge(flow, sign);
        }
        for (key, tally) in &contribution.tallies {
            self.tallies.entry((dims.clone(), *key)).or_default().merge(tally, sign);
        }
    }

    /// The ticket's facts before and after a change (`None`: it did not exist).
    pub fn change(&mut self, before: Option<&TicketFacts>, after: Option<&TicketFacts>, zone: chrono_tz::Tz) {
        if before == after {
            return;
        }
        if let Some(before) = before {
            self.add(&before.dims, &contribution(before, zone), -1);
        }
        if let Some(after) = after {
            self.add(&after.dims, &contribution(after, zone), 1);
        }
    }

    /// Leaves out what adds up to nothing.
    pub fn prune(&mut self) {
        self.flows.retain(|_, flow| !flow.is_zero());
        self.tallies.retain(|_, tally| !tally.is_zero());
    }
}

/// The rows a query over days `from..=to` reads: every day row, or every month row of the months
/// wholly inside the range and the day rows of the days outside them. Returns the days (as day
/// numbers) that whole months cover, `[start, end)`; empty (`start == end`) when none.
pub fn whole_months(from: i64, to: i64) -> (i64, i64) {
    let start = if month_of(from) == from { from } else { next_month(from) };
    let end = if month_of(to + 1) == to + 1 { to + 1 } else { month_of(to) };
    if start < end { (start, end) } else { (to + 1, to + 1) }
}

fn next_month(day: i64) -> i64 {
    let date = day_numbered(day);
    let (year, month) =
        if date.month() == 12 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1).map_or(day + 31, day_number)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;
    /// 2026-11-20T00:00:00+08:00.
    const FRIDAY: i64 = 1_795_104_000;

    fn dims(domain: &str) -> Dims {
        Dims { kind: Some("fault".into()), domain: Some(domain.into()), severity: Some("P2".into()) }
    }

    #[test]
    fn buckets_are_exact_below_1024_and_within_two_and_a_half_percent_above() {
        for secs in [0, 1, 63, 1023] {
            assert_eq!(rounded(secs), secs);
        }
        assert_eq!(rounded(-5), 0);
        let mut last = 0;
        for secs in (1024..400_000_000).step_by(997) {
            let value = rounded(secs);
            let error = (value - secs).abs() as f64 / secs as f64;
            assert!(error <= 0.025, "{secs} reported as {value}");
            assert!(bucket(secs) >= last, "buckets keep the order of values");
            last = bucket(secs);
        }
        for b in 0..=bucket(400_000_000) {
            assert_eq!(bucket(bucket_value(b)), b, "a bucket's value lies in it");
        }
    }

    #[test]
    fn a_tally_survives_its_encoding() {
        let mut tally = Tally { resolved: 3, on_time: -2, answered: 7, open_now: 1, ..Tally::default() };
        tally.cards = [1, 0, 2, 0, 40_000];
        tally.scores = [0, 0, 0, 1, 5];
        tally.wall.add(5, 2);
        tally.wall.add(90_000, 1);
        tally.settled.add(3_000_000, -1);
        assert_eq!(Tally::decode(&tally.encode()), Some(tally));
        assert_eq!(Tally::decode(&Tally::default().encode()), Some(Tally::default()));
        assert!(Tally::default().encode().is_empty());
        assert_eq!(Tally::decode(&[0x80]), None);
    }

    #[test]
    fn the_nearest_rank_of_a_histogram_is_the_bucket_of_the_exact_value() {
        let values = [5, 70, 70, 3000, 86_400, 90_000, 200_000, 7, 1_000_000, 12];
        let mut histogram = Histogram::default();
        let mut sorted = values.to_vec();
        sorted.sort();
        for v in values {
            histogram.add(v, 1);
        }
        for p in [50, 90, 1, 100] {
            let exact = super::super::nearest_rank(&sorted, p as usize).unwrap();
            assert_eq!(histogram.nearest_rank(p), Some(rounded(exact)), "p{p}");
        }
        assert_eq!(Histogram::default().nearest_rank(50), None);
    }

    fn reopened_twice() -> TicketFacts {
        TicketFacts {
            dims: dims("rf"),
            worked_on: false,
            events: vec![
                (FRIDAY + 3600, Fact::Created),
                (FRIDAY + 7200, Fact::Resolved { business_secs: Some(3000), on_time: true }),
                (FRIDAY + 86_400 + 10, Fact::Reopened { by_customer: true }),
                (FRIDAY + 2 * 86_400, Fact::Resolved { business_secs: None, on_time: false }),
                (FRIDAY + 2 * 86_400 + 60, Fact::Rated { score: Some(4) }),
                (FRIDAY + 3 * 86_400, Fact::Closed(CloseKind::AutoConfirmed)),
            ],
        }
    }

    #[test]
    fn a_resolution_followed_by_another_carries_the_next_ones_day() {
        let c = contribution(&reopened_twice(), ZONE);
        let friday = local_day(ZONE, FRIDAY);
        let first = &c.tallies[&TallyKey { span: Span::Day, period: friday, next_day: friday + 2 }];
        assert_eq!((first.resolved, first.on_time, first.wall.total()), (1, 1, 1));
        assert_eq!(first.cards, [0; 5], "cards count whatever comes next");
        let cards = &c.tallies[&TallyKey { span: Span::Day, period: friday, next_day: NO_NEXT_DAY }];
        assert_eq!((cards.cards, cards.answered), ([0, 0, 1, 0, 0], 1), "reopened by the customer");
        let last = &c.tallies[&TallyKey { span: Span::Day, period: friday + 2, next_day: NO_NEXT_DAY }];
        assert_eq!((last.resolved, last.on_time, last.business.total()), (1, 0, 0));
        assert_eq!(last.wall.nearest_rank(50), Some(rounded(2 * 86_400 - 3600)));
        assert_eq!((last.cards, last.answered), ([0, 1, 0, 0, 0], 1), "auto-confirmed, but rated");
        assert_eq!(last.settled.nearest_rank(50), Some(rounded(86_400)));
        assert_eq!(last.scores, [0, 0, 0, 1, 0]);
        assert_eq!(c.flows[&friday], Flow { created: 1, closed: 0, reopened: 0 });
        assert_eq!(c.flows.get(&(friday + 1)), None, "a reopen after a resolution is not after a close");
        assert_eq!(c.flows[&(friday + 3)].closed, 1);
        let month = TallyKey { span: Span::Month, period: month_of(friday), next_day: NO_NEXT_DAY };
        assert_eq!(c.tallies[&month].cards.iter().sum::<i64>(), 2);
        assert!(!c.tallies.keys().any(|k| k.span == Span::Now), "closed: not open now");
    }

    #[test]
    fn a_reclassified_ticket_moves_its_whole_contribution() {
        let before = reopened_twice();
        let after = TicketFacts { dims: dims("screen"), ..before.clone() };
        let mut delta = Delta::default();
        delta.change(Some(&before), Some(&after), ZONE);
        delta.prune();
        let resolved = |domain: &str| -> i64 {
            delta
                .tallies
                .iter()
                .filter(|((d, k), _)| *d == dims(domain) && k.span == Span::Day)
                .map(|(_, t)| t.resolved)
                .sum()
        };
        assert_eq!((resolved("rf"), resolved("screen")), (-2, 2));
        let mut same = Delta::default();
        same.change(Some(&before), Some(&before), ZONE);
        assert_eq!(same, Delta::default());
    }

    #[test]
    fn a_resolution_followed_by_another_the_same_day_has_no_row_of_its_own() {
        let facts = TicketFacts {
            dims: dims("rf"),
            worked_on: false,
            events: vec![
                (FRIDAY, Fact::Created),
                (FRIDAY + 60, Fact::Resolved { business_secs: None, on_time: true }),
                (FRIDAY + 120, Fact::Reopened { by_customer: false }),
                (FRIDAY + 180, Fact::Resolved { business_secs: None, on_time: true }),
            ],
        };
        let c = contribution(&facts, ZONE);
        let resolved: i64 =
            c.tallies.iter().filter(|(k, _)| k.span == Span::Day).map(|(_, t)| t.resolved).sum();
        let cards: i64 = c
            .tallies
            .iter()
            .filter(|(k, _)| k.span == Span::Day)
            .map(|(_, t)| t.cards.iter().sum::<i64>())
            .sum();
        assert_eq!((resolved, cards), (1, 2));
        assert!(c.tallies.keys().all(|k| k.next_day == NO_NEXT_DAY));
    }

    #[test]
    fn an_open_ticket_with_a_breach_is_open_and_breached_now() {
        let facts = TicketFacts {
            dims: dims("id"),
            worked_on: true,
            events: vec![(FRIDAY, Fact::Created), (FRIDAY + 60, Fact::Breach)],
        };
        let c = contribution(&facts, ZONE);
        let now = &c.tallies[&TallyKey { span: Span::Now, period: 0, next_day: NO_NEXT_DAY }];
        assert_eq!((now.open_now, now.breached_now), (1, 1));
    }

    #[test]
    fn whole_months_leave_the_edge_days_to_day_rows() {
        let d = |s: &str| day_number(s.parse().unwrap());
        assert_eq!(whole_months(d("2025-01-01"), d("2025-12-31")), (d("2025-01-01"), d("2026-01-01")));
        assert_eq!(whole_months(d("2025-01-15"), d("2025-03-10")), (d("2025-02-01"), d("2025-03-01")));
        assert_eq!(whole_months(d("2025-01-15"), d("2025-01-20")), (d("2025-01-21"), d("2025-01-21")));
        assert_eq!(whole_months(d("2025-01-15"), d("2025-02-27")), (d("2025-02-28"), d("2025-02-28")));
        assert_eq!(month_of(d("2024-02-29")), d("2024-02-01"));
    }

    #[test]
    fn local_days_follow_the_zone() {
        assert_eq!(day_numbered(local_day(ZONE, FRIDAY)).to_string(), "2026-11-20");
        assert_eq!(day_numbered(local_day(ZONE, FRIDAY - 1)).to_string(), "2026-11-19");
        assert_eq!(day_numbered(local_day(chrono_tz::UTC, FRIDAY)).to_string(), "2026-11-19");
    }
}
