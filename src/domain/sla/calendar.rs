//! Business calendars and exact arithmetic in business time.
//!
//! A calendar is a time zone, working hours per weekday (several spans a day allowed), holidays, and
//! make-up days: dates that work their own hours whatever the weekday says (in China, the Saturdays
//! worked to bridge a holiday). Hours are local wall-clock times, so a 09:00 opening stays 09:00 across a
//! daylight-saving change, and business time is real elapsed time inside those hours: a round-the-clock
//! day is 23 or 25 hours long on the days the clocks change.
//!
//! Conventions, chosen so that a deadline is always an instant someone could be working:
//! - A span is half-open: `is_working` is true at the opening instant and false at the closing one.
//! - [`Calendar::add_working_time`] returns the *earliest* instant by which the time has been worked,
//!   so work ending exactly at a close is due at that close, not at the next opening. Adding zero
//!   returns the next working instant (the start itself when it is working).
//! - Local times that a daylight-saving change skips are moved to the moment the clocks jump; local
//!   times that happen twice open at the first occurrence and close at the second.
//!
//! The walk goes one local day at a time and skips a whole week in one step when the week has no
//! holiday, make-up day or offset change, so a long duration costs a few lookups per week, not per
//! minute.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use super::duration::SlaDuration;

const MINUTES_PER_DAY: u16 = 24 * 60;

/// One stretch of working hours inside a local day, in minutes after midnight; it may end at 24:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    start: u16,
    end: u16,
}

/// Why a text or list is not usable as working hours; the caller adds the file, key and text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    #[error("is not a span of hours (write 09:00-12:00; a span ends by 24:00)")]
    NotASpan,
    #[error("ends before it starts")]
    EndsBeforeStart,
    #[error("spans {0} and {1} overlap")]
    Overlap(Span, Span),
}

impl Span {
    /// Reads `HH:MM-HH:MM`; the end may be `24:00`.
    pub fn parse(text: &str) -> Result<Span, SpanError> {
        let (start, end) = text.trim().split_once('-').ok_or(SpanError::NotASpan)?;
        let start = parse_clock_time(start.trim()).ok_or(SpanError::NotASpan)?;
        let end = parse_clock_time(end.trim()).ok_or(SpanError::NotASpan)?;
        Span::new(start, end)
    }

    /// A span from minute `start` to minute `end` after local midnight (`end` at most 1440).
    pub fn new(start: u16, end: u16) -> Result<Span, SpanError> {
        if start >= MINUTES_PER_DAY || end > MINUTES_PER_DAY {
            return Err(SpanError::NotASpan);
        }
        if end <= start {
            return Err(SpanError::EndsBeforeStart);
        }
        Ok(Span { start, end })
    }

    pub fn whole_day() -> Span {
        Span { start: 0, end: MINUTES_PER_DAY }
    }

    pub fn start_minute(&self) -> u16 {
        self.start
    }

    pub fn end_minute(&self) -> u16 {
        self.end
    }

    fn minutes(&self) -> i64 {
        i64::from(self.end - self.start)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}-{:02}:{:02}", self.start / 60, self.start % 60, self.end / 60, self.end % 60)
    }
}

fn parse_clock_time(text: &str) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return None;
    }
    if !hours.bytes().chain(minutes.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    match (hours, minutes) {
        (24, 0) => Some(MINUTES_PER_DAY),
        (0..=23, 0..=59) => Some(hours * 60 + minutes),
        _ => None,
    }
}

/// The working hours of one day: sorted spans that do not overlap (touching is fine).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayHours {
    spans: Vec<Span>,
}

impl DayHours {
    pub fn new(mut spans: Vec<Span>) -> Result<DayHours, SpanError> {
        spans.sort_by_key(|span| (span.start, span.end));
        for pair in spans.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(SpanError::Overlap(pair[0], pair[1]));
            }
        }
        Ok(DayHours { spans })
    }

    /// A day without working hours.
    pub fn closed() -> DayHours {
        DayHours::default()
    }

    pub fn round_the_clock() -> DayHours {
        DayHours { spans: vec![Span::whole_day()] }
    }

    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    pub fn is_closed(&self) -> bool {
        self.spans.is_empty()
    }

    fn minutes(&self) -> i64 {
        self.spans.iter().map(Span::minutes).sum()
    }
}

/// Why working hours, holidays and make-up days do not make a usable calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("has no working time in its week (give at least one weekday some hours)")]
    NoWorkingTime,
    #[error("{0} is both a holiday and a make-up day")]
    HolidayAndMakeUpDay(NaiveDate),
    #[error("make-up day {0} has no working hours (list it as a holiday instead)")]
    EmptyMakeUpDay(NaiveDate),
}

/// A business calendar; see the module documentation for its conventions.
#[derive(Debug, Clone)]
pub struct Calendar {
    time_zone: Tz,
    /// Monday first, as `Weekday::num_days_from_monday` counts.
    week: [DayHours; 7],
    holidays: BTreeSet<NaiveDate>,
    make_up_days: BTreeMap<NaiveDate, DayHours>,
    /// The working time of an ordinary week with one UTC offset throughout, used to skip weeks.
    week_length: TimeDelta,
}

/// Which instant to take for a local time that happens twice.
#[derive(Clone, Copy)]
enum Occurrence {
    First,
    Last,
}

type Interval = (DateTime<Utc>, DateTime<Utc>);

impl Calendar {
    /// `week` is Monday to Sunday. A make-up day replaces the weekly hours of its date.
    pub fn new(
        time_zone: Tz,
        week: [DayHours; 7],
        holidays: BTreeSet<NaiveDate>,
        make_up_days: BTreeMap<NaiveDate, DayHours>,
    ) -> Result<Calendar, CalendarError> {
        // Holidays only remove time, so a week with hours guarantees every walk ends.
        let week_minutes: i64 = week.iter().map(DayHours::minutes).sum();
        if week_minutes == 0 {
            return Err(CalendarError::NoWorkingTime);
        }
        for (date, hours) in &make_up_days {
            if holidays.contains(date) {
                return Err(CalendarError::HolidayAndMakeUpDay(*date));
            }
            if hours.is_closed() {
                return Err(CalendarError::EmptyMakeUpDay(*date));
            }
        }
        Ok(Calendar {
            time_zone,
            week,
            holidays,
            make_up_days,
            week_length: TimeDelta::minutes(week_minutes),
        })
    }

    /// Every day, all day, in `time_zone` (which then only matters for working days).
    pub fn round_the_clock(time_zone: Tz) -> Calendar {
        Calendar {
            time_zone,
            week: std::array::from_fn(|_| DayHours::round_the_clock()),
            holidays: BTreeSet::new(),
            make_up_days: BTreeMap::new(),
            week_length: TimeDelta::days(7),
        }
    }

    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    /// The local working hours of `date`, after holidays and make-up days.
    pub fn hours_on(&self, date: NaiveDate) -> &DayHours {
        static CLOSED: DayHours = DayHours { spans: Vec::new() };
        if self.holidays.contains(&date) {
            return &CLOSED;
        }
        if let Some(hours) = self.make_up_days.get(&date) {
            return hours;
        }
        &self.week[date.weekday().num_days_from_monday() as usize]
    }

    /// The real working time on a local date (23 or 25 hours on a round-the-clock day of a DST change).
    pub fn working_time_on(&self, date: NaiveDate) -> TimeDelta {
        let mut intervals = Vec::new();
        self.intervals_on(date, &mut intervals);
        intervals.iter().map(|(open, close)| *close - *open).sum()
    }

    /// Whether `t` is inside working hours; an opening instant is, a closing instant is not.
    pub fn is_working(&self, t: DateTime<Utc>) -> bool {
        let date = self.local_date(t);
        let mut intervals = Vec::new();
        // An interval of the previous date can reach past local midnight when the clocks go back.
        [date.pred_opt(), Some(date)].into_iter().flatten().any(|day| {
            self.intervals_on(day, &mut intervals);
            intervals.iter().any(|(open, close)| *open <= t && t < *close)
        })
    }

    /// `t` itself when it is working time, otherwise the next opening.
    pub fn next_working_instant(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.add_working_time(t, TimeDelta::zero())
    }

    /// The earliest instant by which `d` of business time has been worked from `start`.
    ///
    /// A negative `d` counts as zero.
    pub fn add_working_time(&self, start: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
        let mut remaining = d.max(TimeDelta::zero());
        let mut cursor = start;
        let mut date = self.first_date_to_walk(start);
        let mut intervals = Vec::new();
        loop {
            // Strictly longer than a week, so that an end exactly at the week's last close stays there.
            if remaining > self.week_length
                && let Some(next) = self.skip_week(date, cursor)
            {
                remaining -= self.week_length;
                date = next;
                cursor = self.day_start(next);
                continue;
            }
            self.intervals_on(date, &mut intervals);
            for &(open, close) in &intervals {
                let from = open.max(cursor);
                if close <= from {
                    continue;
                }
                let available = close - from;
                if remaining <= available {
                    return from + remaining;
                }
                remaining -= available;
                cursor = close;
            }
            date = next_date(date);
        }
    }

    /// The business time between `a` and `b`; zero when `b` is not after `a`.
    pub fn working_time_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        let mut total = TimeDelta::zero();
        if b <= a {
            return total;
        }
        let mut cursor = a;
        let mut date = self.first_date_to_walk(a);
        let mut intervals = Vec::new();
        // No interval of a date opens before that date's local midnight.
        while self.day_start(date) < b {
            let week_later = date + TimeDelta::days(7);
            if self.day_start(week_later) <= b
                && let Some(next) = self.skip_week(date, cursor)
            {
                total += self.week_length;
                date = next;
                cursor = self.day_start(next);
                continue;
            }
            self.intervals_on(date, &mut intervals);
            for &(open, close) in &intervals {
                let from = open.max(cursor);
                let to = close.min(b);
                if to > from {
                    total += to - from;
                    cursor = to;
                }
            }
            date = next_date(date);
        }
        total
    }

    /// Lays `days` whole working days onto the calendar from `start`.
    ///
    /// The deadline is as far into the `days`-th working day after the start's day as the start was
    /// into its own: opened Tuesday 15:00 on a 09:00–18:00 calendar, one working day is due Wednesday
    /// 15:00, and with equal days that is exactly `days` × a day's hours of business time. On a shorter
    /// day the deadline is that day's close. A start outside working hours counts from the next
    /// opening, so one working day from Monday 08:00 is due Monday 18:00.
    pub fn add_working_days(&self, start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let begin = self.next_working_instant(start);
        if days == 0 {
            return begin;
        }
        let mut intervals = Vec::new();
        let mut date = self.first_date_to_walk(begin);
        let offset_into_day = loop {
            self.intervals_on(date, &mut intervals);
            if intervals.iter().any(|(open, close)| *open <= begin && begin < *close) {
                break intervals
                    .iter()
                    .map(|(open, close)| (*close).min(begin) - *open)
                    .filter(|worked| *worked > TimeDelta::zero())
                    .sum::<TimeDelta>();
            }
            date = next_date(date);
        };
        let mut working_days_left = days;
        while working_days_left > 0 {
            date = next_date(date);
            self.intervals_on(date, &mut intervals);
            // A day whose only hours a clock change skipped is not a working day either.
            if !intervals.is_empty() {
                working_days_left -= 1;
            }
        }
        let target_day_length: TimeDelta = intervals.iter().map(|(open, close)| *close - *open).sum();
        let target = self.add_working_time(intervals[0].0, offset_into_day.min(target_day_length));
        // Normalise to the earliest instant with the same business time, e.g. yesterday's close
        // rather than today's opening.
        self.add_working_time(begin, self.working_time_between(begin, target))
    }

    /// `start` plus a policy length: its working days first, then its hours and minutes.
    pub fn add_duration(&self, start: DateTime<Utc>, length: SlaDuration) -> DateTime<Utc> {
        let after_days = self.add_working_days(start, length.days_part());
        self.add_working_time(after_days, length.business_time())
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.time_zone).date_naive()
    }

    /// The day before the local date of `t`, whose hours can reach past midnight when clocks go back.
    fn first_date_to_walk(&self, t: DateTime<Utc>) -> NaiveDate {
        let date = self.local_date(t);
        date.pred_opt().unwrap_or(date)
    }

    fn day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        self.instant_of(date, 0, Occurrence::First)
    }

    /// The date a week after `date` when the week from `date` can be counted as one ordinary week.
    fn skip_week(&self, date: NaiveDate, cursor: DateTime<Utc>) -> Option<NaiveDate> {
        let week_later = date + TimeDelta::days(7);
        if self.holidays.range(date..week_later).next().is_some()
            || self.make_up_days.range(date..week_later).next().is_some()
        {
            return None;
        }
        // Each of the eight midnights must happen exactly once and all with one offset: then no clock
        // change falls inside the week, not even at its first midnight (Santiago changes at 00:00),
        // since tz data has no change that is undone within the same day.
        let midnight =
            |day: NaiveDate| self.time_zone.from_local_datetime(&day.and_time(NaiveTime::MIN)).single();
        let first = midnight(date)?;
        if cursor > first.with_timezone(&Utc) {
            return None;
        }
        for k in 1..=7 {
            let later = midnight(date + TimeDelta::days(k))?;
            if later.offset().fix() != first.offset().fix() {
                return None;
            }
        }
        Some(week_later)
    }

    /// The working intervals of a local date as UTC instants: sorted, merged, none empty.
    fn intervals_on(&self, date: NaiveDate, out: &mut Vec<Interval>) {
        out.clear();
        for span in self.hours_on(date).spans() {
            let open = self.instant_of(date, span.start, Occurrence::First);
            let close = self.instant_of(date, span.end, Occurrence::Last);
            if open < close {
                out.push((open, close));
            }
        }
        // Closing at a repeated time's second occurrence can overlap the next span's opening.
        out.sort_unstable();
        let mut merged: Vec<Interval> = Vec::with_capacity(out.len());
        for &(open, close) in out.iter() {
            match merged.last_mut() {
                Some(last) if open <= last.1 => last.1 = last.1.max(close),
                _ => merged.push((open, close)),
            }
        }
        *out = merged;
    }

    /// The instant at which the wall clock of `date` shows `minute` (1440 is the next midnight).
    fn instant_of(&self, date: NaiveDate, minute: u16, occurrence: Occurrence) -> DateTime<Utc> {
        let (date, minute) = if minute >= MINUTES_PER_DAY {
            (next_date(date), minute - MINUTES_PER_DAY)
        } else {
            (date, minute)
        };
        let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
            .unwrap_or(NaiveTime::MIN);
        let local = date.and_time(time);
        let mapped = self.time_zone.from_local_datetime(&local);
        let found = match occurrence {
            Occurrence::First => mapped.earliest(),
            Occurrence::Last => mapped.latest(),
        };
        if let Some(instant) = found {
            return instant.with_timezone(&Utc);
        }
        // Skipped by a clock change: the first wall time after the gap is the moment of the jump.
        // Gaps are whole minutes and the longest on record is one day.
        for step in 1..=(2 * i64::from(MINUTES_PER_DAY)) {
            let later = local + TimeDelta::minutes(step);
            if let Some(instant) = self.time_zone.from_local_datetime(&later).earliest() {
                return instant.with_timezone(&Utc);
            }
        }
        Utc.from_utc_datetime(&local)
    }
}

fn next_date(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_hours_and_minutes_up_to_midnight() {
        assert_eq!(Span::parse("09:00-12:00"), Span::new(540, 720));
        assert_eq!(Span::parse(" 9:30 - 17:45 "), Span::new(570, 1065));
        assert_eq!(Span::parse("00:00-24:00"), Ok(Span::whole_day()));
        assert_eq!(Span::parse("13:00-18:00").unwrap().to_string(), "13:00-18:00");
    }

    #[test]
    fn malformed_spans_are_rejected() {
        for text in ["9-12", "09:00", "09:00-25:00", "24:30-24:40", "09:60-10:00", "a:00-10:00"] {
            assert_eq!(Span::parse(text), Err(SpanError::NotASpan), "{text}");
        }
        assert_eq!(Span::parse("18:00-09:00"), Err(SpanError::EndsBeforeStart));
        assert_eq!(Span::parse("09:00-09:00"), Err(SpanError::EndsBeforeStart));
    }

    #[test]
    fn overlapping_spans_in_one_day_are_rejected_and_touching_ones_are_not() {
        let morning = Span::parse("09:00-12:30").unwrap();
        let afternoon = Span::parse("12:00-18:00").unwrap();
        assert_eq!(DayHours::new(vec![afternoon, morning]), Err(SpanError::Overlap(morning, afternoon)));
        let lunch_free = Span::parse("12:30-18:00").unwrap();
        assert!(DayHours::new(vec![lunch_free, morning]).is_ok());
    }

    #[test]
    fn a_week_without_hours_is_not_a_calendar() {
        let week = std::array::from_fn(|_| DayHours::closed());
        let result = Calendar::new(chrono_tz::UTC, week, BTreeSet::new(), BTreeMap::new());
        assert_eq!(result.err(), Some(CalendarError::NoWorkingTime));
    }
}
