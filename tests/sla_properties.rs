//! Properties of business-time arithmetic over calendars chosen to be awkward: lunch breaks, holidays,
//! make-up days, DST changes at 02:00, at midnight (Santiago) and by half an hour (Lord Howe).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use resolvd::domain::sla::{Calendar, Clock, DayHours, Pause, SlaPolicy, Span};

fn hours(spans: &[&str]) -> DayHours {
    DayHours::new(spans.iter().map(|span| Span::parse(span).unwrap()).collect()).unwrap()
}

/// Year, month, day.
type Ymd = (i32, u32, u32);

fn dates(list: &[Ymd]) -> BTreeSet<NaiveDate> {
    list.iter().map(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d).unwrap()).collect()
}

fn calendar(zone: Tz, week: [&[&str]; 7], holidays: &[Ymd], make_up: &[(Ymd, &[&str])]) -> Calendar {
    let make_up = make_up
        .iter()
        .map(|((y, m, d), spans)| (NaiveDate::from_ymd_opt(*y, *m, *d).unwrap(), hours(spans)))
        .collect::<BTreeMap<_, _>>();
    Calendar::new(zone, week.map(hours), dates(holidays), make_up).unwrap()
}

static CALENDARS: LazyLock<Vec<Calendar>> = LazyLock::new(|| {
    let sample = SlaPolicy::load(concat!(env!("CARGO_MANIFEST_DIR"), "/config/sla.toml")).unwrap();
    let office: &[&str] = &["09:00-12:00", "13:00-18:00"];
    let all_day: &[&str] = &["00:00-24:00"];
    vec![
        sample.calendar("business_hours").unwrap().clone(),
        sample.calendar("working_days").unwrap().clone(),
        Calendar::round_the_clock(chrono_tz::Europe::Berlin),
        calendar(
            chrono_tz::Europe::Berlin,
            [office, office, office, office, office, &["10:00-14:00"], &["01:00-04:00"]],
            &[(2026, 4, 3), (2026, 4, 6), (2026, 12, 24), (2026, 12, 25), (2027, 3, 26)],
            &[((2026, 10, 24), &["00:30-03:30"])],
        ),
        calendar(
            chrono_tz::America::New_York,
            [&["07:30-11:15", "12:00-16:45"], office, office, office, &["08:00-12:00"], all_day, &[]],
            &[(2026, 11, 26), (2026, 12, 25)],
            &[],
        ),
        calendar(
            chrono_tz::America::Santiago,
            [all_day, office, office, office, office, &["22:00-24:00"], &["00:00-02:00", "23:00-24:00"]],
            &[(2026, 9, 18)],
            &[],
        ),
        calendar(
            chrono_tz::Australia::Lord_Howe,
            [office, office, office, office, office, &[], &["01:00-03:00"]],
            &[],
            &[],
        ),
    ]
});

fn any_calendar() -> impl Strategy<Value = &'static Calendar> {
    (0..CALENDARS.len()).prop_map(|index| &CALENDARS[index])
}

/// An instant in 2026–2027, to the millisecond.
fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap().timestamp_millis();
    let to = Utc.with_ymd_and_hms(2027, 12, 31, 0, 0, 0).unwrap().timestamp_millis();
    (from..to).prop_map(|millis| DateTime::from_timestamp_millis(millis).unwrap())
}

/// Up to 3000 hours of business time, to the second, with zero and whole hours made likely.
fn any_duration() -> impl Strategy<Value = TimeDelta> {
    prop_oneof![
        Just(TimeDelta::zero()),
        (0i64..3000).prop_map(TimeDelta::hours),
        (0i64..3000 * 3600).prop_map(TimeDelta::seconds),
    ]
}

/// Inside a working span, or at the instant one closes.
fn in_working_time(calendar: &Calendar, t: DateTime<Utc>) -> bool {
    calendar.is_working(t) || calendar.is_working(t - TimeDelta::nanoseconds(1))
}

proptest! {
    #[test]
    fn a_deadline_never_falls_outside_working_time(
        calendar in any_calendar(), start in any_instant(), d in any_duration()
    ) {
        let due = calendar.add_working_time(start, d);
        prop_assert!(in_working_time(calendar, due), "{start} + {d} = {due}");
        prop_assert!(due >= start);
    }

    #[test]
    fn working_time_between_a_start_and_its_deadline_is_the_time_added(
        calendar in any_calendar(), start in any_instant(), d in any_duration()
    ) {
        let due = calendar.add_working_time(start, d);
        prop_assert_eq!(calendar.working_time_between(start, due), d);
    }

    #[test]
    fn more_working_time_never_gives_an_earlier_deadline(
        calendar in any_calendar(), start in any_instant(), a in any_duration(), b in any_duration()
    ) {
        let (shorter, longer) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(calendar.add_working_time(start, shorter) <= calendar.add_working_time(start, longer));
    }

    #[test]
    fn a_later_start_never_gives_an_earlier_deadline(
        calendar in any_calendar(), a in any_instant(), b in any_instant(), d in any_duration()
    ) {
        let (earlier, later) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(calendar.add_working_time(earlier, d) <= calendar.add_working_time(later, d));
    }

    #[test]
    fn working_time_between_adds_up_across_any_split(
        calendar in any_calendar(), a in any_instant(), b in any_instant(), c in any_instant()
    ) {
        let mut points = [a, b, c];
        points.sort();
        let [first, middle, last] = points;
        prop_assert_eq!(
            calendar.working_time_between(first, middle) + calendar.working_time_between(middle, last),
            calendar.working_time_between(first, last)
        );
    }

    #[test]
    fn skipping_whole_weeks_counts_what_walking_day_by_day_counts(
        calendar in any_calendar(), start in any_instant(), length_hours in 0i64..(120 * 24)
    ) {
        // Pieces shorter than a week are never skipped, so they check the skipping path.
        let end = start + TimeDelta::hours(length_hours);
        let mut piecewise = TimeDelta::zero();
        let mut from = start;
        while from < end {
            let to = (from + TimeDelta::days(1)).min(end);
            piecewise += calendar.working_time_between(from, to);
            from = to;
        }
        prop_assert_eq!(calendar.working_time_between(start, end), piecewise);
    }

    #[test]
    fn adding_in_two_steps_lands_where_adding_at_once_does(
        calendar in any_calendar(), start in any_instant(), a in any_duration(), b in any_duration()
    ) {
        // The second step must be positive: adding nothing to a closing instant moves to the next
        // opening, which is the same business time but a later instant.
        let b = b.max(TimeDelta::seconds(1));
        let stepped = calendar.add_working_time(calendar.add_working_time(start, a), b);
        prop_assert_eq!(stepped, calendar.add_working_time(start, a + b));
    }

    #[test]
    fn working_days_fall_inside_working_time_and_grow_with_the_count(
        calendar in any_calendar(), start in any_instant(), days in 0u32..40
    ) {
        let due = calendar.add_working_days(start, days);
        prop_assert!(in_working_time(calendar, due));
        prop_assert!(calendar.add_working_days(start, days) <= calendar.add_working_days(start, days + 1));
    }

    #[test]
    fn a_clock_has_used_exactly_its_budget_at_its_deadline_whatever_its_pauses(
        calendar in any_calendar(),
        start in any_instant(),
        budget in any_duration(),
        pauses in prop::collection::vec((0i64..2000 * 3600, 0i64..200 * 3600), 0..4),
    ) {
        let pauses: Vec<Pause> = pauses
            .into_iter()
            .map(|(offset, length)| {
                let from = start + TimeDelta::seconds(offset);
                Pause::closed(from, from + TimeDelta::seconds(length))
            })
            .collect();
        let clock = Clock::new(calendar, start, budget, &pauses);
        let due = clock.due().expect("closed pauses always give a deadline");
        prop_assert_eq!(clock.elapsed(due), budget);
        prop_assert!(!clock.is_breached(due));
        prop_assert!(in_working_time(calendar, due));
    }
}
