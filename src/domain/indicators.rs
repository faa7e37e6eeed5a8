//! The managers' cockpit: the four indicators of the ITR process (seed 001), as values. The store
//! computes them with SQL aggregates over the timeline; the web pages, the API and `/stats` show
//! them. README's "The cockpit's four indicators" defines each, in business terms and as computed.

use chrono::{DateTime, Days, NaiveDate, Offset, TimeZone, Utc};
use serde::Serialize;

use super::ticket::{Kind, Severity};

pub mod rollup;

/// A date range in the ops time zone, both ends included, and the tickets it looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub time_zone: chrono_tz::Tz,
    pub filter: IndicatorFilter,
}

impl IndicatorQuery {
    /// The first instant of the range (its first day's first instant in the ops time zone) and the
    /// first instant after it (the day after its last day).
    pub fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let after = self.to.checked_add_days(Days::new(1)).unwrap_or(self.to);
        (first_instant(self.time_zone, self.from), first_instant(self.time_zone, after))
    }

    /// The days of the range, in order.
    pub fn days(&self) -> Vec<NaiveDate> {
        self.from.iter_days().take_while(|day| *day <= self.to).collect()
    }

    /// The stretches of constant UTC offset covering the range, each as (its first instant in
    /// seconds since 1970, the offset in seconds), in order: an instant `t` of a stretch falls on the
    /// local day numbered `(t + offset) / 86400` since 1970-01-01, exactly, whatever the zone's
    /// changes (daylight saving, half-hour offsets) within the range.
    pub fn offset_spans(&self) -> Vec<(i64, i64)> {
        let (start, end) = self.instants();
        let (start, end) = (start.timestamp(), end.timestamp());
        let offset = |t: i64| offset_at(self.time_zone, t);
        let mut spans = vec![(start, offset(start))];
        // No zone changes its offset twice within an hour: look every hour, then find the second.
        let mut probe = start;
        while probe < end {
            let next = (probe + 3600).min(end);
            if offset(next) != offset(probe) {
                let (mut before, mut after) = (probe, next);
                while after - before > 1 {
                    let middle = before + (after - before) / 2;
                    if offset(middle) == offset(probe) { before = middle } else { after = middle }
                }
                if after < end {
                    spans.push((after, offset(after)));
                }
            }
            probe = next;
        }
        spans
    }
}

/// The zone's offset from UTC at an instant (seconds since 1970), in seconds.
fn offset_at(zone: chrono_tz::Tz, t: i64) -> i64 {
    let at = DateTime::from_timestamp(t, 0).unwrap_or_default().naive_utc();
    i64::from(zone.offset_from_utc_datetime(&at).fix().local_minus_utc())
}

/// The first instant whose local date in `zone` is `day` or later: local midnight, or the end of the
/// gap when a change of offset skips midnight.
pub fn first_instant(zone: chrono_tz::Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp();
    let local_day =
        |t: i64| DateTime::from_timestamp(t, 0).unwrap_or_default().with_timezone(&zone).date_naive();
    // Offsets stay within ±26 hours: the instant lies in this window; the local date only grows.
    let (mut before, mut at) = (midnight - 26 * 3600, midnight + 26 * 3600);
    while at - before > 1 {
        let middle = before + (at - before) / 2;
        if local_day(middle) >= day { at = middle } else { before = middle }
    }
    DateTime::from_timestamp(at, 0).unwrap_or_default()
}

/// The local date numbered `number` days since 1970-01-01.
pub fn day_numbered(number: i64) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    match u64::try_from(number) {
        Ok(days) => epoch.checked_add_days(Days::new(days)).unwrap_or(epoch),
        Err(_) => epoch.checked_sub_days(Days::new(number.unsigned_abs())).unwrap_or(epoch),
    }
}

/// Which tickets count; every part left `None` matches all. Each part is read from the ticket as
/// it is now (its current domain, severity, kind and customer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorFilter {
    pub domain: Option<String>,
    pub severity: Option<Severity>,
    pub kind: Option<Kind>,
    pub customer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Indicators {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub time_zone: String,
    /// One entry per day of the range, in order.
    pub inflow: Vec<DayFlow>,
    /// One entry per kind that has tickets in the range; `kind` is null for unclassified tickets.
    pub by_kind: Vec<KindHandling>,
    /// One entry per domain with tickets in the range or open now; `domain` is null for none.
    pub by_domain: Vec<DomainHandling>,
    pub confirmation: Confirmation,
}

/// Indicator 1: a day's inflow and close rate.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DayFlow {
    pub date: NaiveDate,
    /// Tickets not closed at the day's first instant.
    pub open_at_start: i64,
    pub created: i64,
    pub closed: i64,
    /// closed ÷ (open_at_start + created); null when both are 0.
    pub close_rate: Option<f64>,
}

/// How long tickets took, and how many met the resolution SLA (indicators 2 and 3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Handling {
    /// Tickets created in the range.
    pub tickets: i64,
    /// Tickets whose (latest) resolution falls in the range: the ones the times are of.
    pub resolved: i64,
    /// Created → resolved, wall clock, in seconds (nearest rank); null when none was resolved.
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
    /// Created → resolved in the business hours of the ticket's SLA calendar, in seconds.
    pub median_business_secs: Option<i64>,
    pub p90_business_secs: Option<i64>,
    /// Of `resolved`, those resolved within the resolution SLA.
    pub on_time: i64,
    /// on_time ÷ resolved; null when none was resolved.
    pub on_time_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct KindHandling {
    pub kind: Option<Kind>,
    #[serde(flatten)]
    pub handling: Handling,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DomainHandling {
    pub domain: Option<String>,
    #[serde(flatten)]
    pub handling: Handling,
    /// Tickets of the domain not resolved or closed now (whatever the range).
    pub open_now: i64,
    /// Of those, the ones with a breached SLA clock (response or resolution).
    pub breached_now: i64,
}

/// Indicator 4: what became of the resolution cards sent in the range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Confirmation {
    /// Resolutions in the range: each one sent the customer a card.
    pub cards: i64,
    /// Closed as confirmed by the customer after that resolution.
    pub confirmed: i64,
    /// Closed as auto-confirmed (the customer never answered).
    pub auto_confirmed: i64,
    /// Reopened after that resolution.
    pub reopened: i64,
    /// Neither closed nor reopened yet.
    pub pending: i64,
    /// Closed otherwise after that resolution: by staff, by the customer's own `/close`, merged,
    /// or as spam.
    pub closed_otherwise: i64,
    /// confirmed ÷ cards, auto_confirmed ÷ cards, reopened ÷ cards; null when there are no cards.
    pub confirmed_share: Option<f64>,
    pub auto_confirmed_share: Option<f64>,
    pub reopened_share: Option<f64>,
    /// Resolved → closed (confirmed or auto-confirmed), wall clock, in seconds (nearest rank).
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
    /// Scores given in the range: the mean, and how many of each from 1 to 5.
    pub mean_score: Option<f64>,
    pub scores: [i64; 5],
    /// Cards the customer answered (confirmed, closed themselves, reopened or rated) ÷ cards; null
    /// when there are no cards.
    pub response_rate: Option<f64>,
    /// Revisits of closed tickets in the range (README, "Revisits"): asked, and the answers given.
    pub revisits: Revisits,
}

/// Revisits asked in a range, and the answers given in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Revisits {
    pub asked: i64,
    /// Still working: the ticket stayed closed.
    pub working: i64,
    /// Not working: the ticket reopened.
    pub not_working: i64,
}

impl Revisits {
    /// From rows of (event type, 1 for a "not working" answer, count).
    pub fn from_rows(rows: &[(String, i64, i64)]) -> Revisits {
        let mut revisits = Revisits::default();
        for (kind, not_working, count) in rows {
            match (kind.as_str(), *not_working) {
                ("revisit_asked", _) => revisits.asked += count,
                ("revisit_answered", 0) => revisits.working += count,
                ("revisit_answered", _) => revisits.not_working += count,
                _ => {}
            }
        }
        revisits
    }
}

/// The value at rank ⌈p·n⌉ of ascending values (nearest rank); `None` for no values.
pub fn nearest_rank(sorted: &[i64], percent: usize) -> Option<i64> {
    let rank = (percent * sorted.len()).div_ceil(100);
    sorted.get(rank.max(1) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(zone: &str, from: &str, to: &str) -> IndicatorQuery {
        IndicatorQuery {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            time_zone: zone.parse().unwrap(),
            filter: IndicatorFilter::default(),
        }
    }

    fn local_day(q: &IndicatorQuery, t: i64) -> NaiveDate {
        let spans = q.offset_spans();
        let offset = spans.iter().rev().find(|(start, _)| *start <= t).unwrap().1;
        day_numbered((t + offset).div_euclid(86400))
    }

    #[test]
    fn the_spans_put_every_instant_on_its_local_day() {
        for (zone, from, to) in [
            ("Europe/Berlin", "2026-03-27", "2026-04-01"),
            ("Europe/Berlin", "2026-10-23", "2026-10-27"),
            ("America/New_York", "2026-03-07", "2026-03-09"),
            ("Asia/Kolkata", "2026-01-01", "2026-01-03"),
            ("Australia/Lord_Howe", "2026-04-03", "2026-04-06"),
            ("America/Santiago", "2026-09-04", "2026-09-08"),
            ("Asia/Shanghai", "2026-01-01", "2026-12-31"),
        ] {
            let q = query(zone, from, to);
            let (start, end) = q.instants();
            let mut t = start.timestamp();
            while t < end.timestamp() {
                let want = DateTime::from_timestamp(t, 0).unwrap().with_timezone(&q.time_zone).date_naive();
                assert_eq!(local_day(&q, t), want, "{zone} at {t}");
                t += 599;
            }
        }
    }

    #[test]
    fn a_day_starts_at_its_first_local_instant() {
        let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 30).unwrap();
        assert_eq!(first_instant(berlin, day).to_rfc3339(), "2026-03-29T22:00:00+00:00");
        let santiago: chrono_tz::Tz = "America/Santiago".parse().unwrap();
        // Chile's clocks skip from 00:00 to 01:00 on 2026-09-06.
        let skipped = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(first_instant(santiago, skipped).to_rfc3339(), "2026-09-06T04:00:00+00:00");
    }

    #[test]
    fn ranks_are_nearest_rank() {
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(nearest_rank(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90), Some(10));
    }
}
