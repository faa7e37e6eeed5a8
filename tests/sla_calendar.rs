//! Business-time arithmetic on the sample calendars and on daylight-saving zones.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Asia::Shanghai, Europe::Berlin};
use resolvd::domain::sla::{Calendar, DayHours, SlaDuration, SlaPolicy, Span};

fn sample_policy() -> SlaPolicy {
    SlaPolicy::load(concat!(env!("CARGO_MANIFEST_DIR"), "/config/sla.toml"))
        .unwrap_or_else(|error| panic!("{error}"))
}

fn sample_calendar(name: &str) -> Calendar {
    sample_policy().calendar(name).unwrap_or_else(|| panic!("the sample defines {name}")).clone()
}

fn at(zone: Tz, date: (i32, u32, u32), hour: u32, minute: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(date.0, date.1, date.2, hour, minute, 0)
        .single()
        .expect("an unambiguous local time")
        .with_timezone(&Utc)
}

fn shanghai(date: (i32, u32, u32), hour: u32, minute: u32) -> DateTime<Utc> {
    at(Shanghai, date, hour, minute)
}

fn hours(text: &[&str]) -> DayHours {
    DayHours::new(text.iter().map(|span| Span::parse(span).unwrap()).collect()).unwrap()
}

/// Monday to Friday with the given hours, no holidays.
fn weekday_calendar(zone: Tz, spans: &[&str]) -> Calendar {
    let mut week: [DayHours; 7] = std::array::from_fn(|_| DayHours::closed());
    for day in week.iter_mut().take(5) {
        *day = hours(spans);
    }
    Calendar::new(zone, week, BTreeSet::new(), BTreeMap::new()).unwrap()
}

#[test]
fn a_day_of_working_days_time_from_friday_afternoon_resumes_on_monday() {
    let calendar = sample_calendar("working_days");
    let friday = shanghai((2026, 3, 13), 15, 0);
    let due = calendar.add_working_time(friday, TimeDelta::hours(24));
    assert_eq!(due, shanghai((2026, 3, 16), 15, 0));
}

#[test]
fn a_day_of_working_days_time_from_friday_afternoon_also_skips_a_holiday_monday() {
    let calendar = sample_calendar("working_days");
    // 2026-04-04..06 is Qingming: Saturday to Monday.
    let friday = shanghai((2026, 4, 3), 15, 0);
    let due = calendar.add_working_time(friday, TimeDelta::hours(24));
    assert_eq!(due, shanghai((2026, 4, 7), 15, 0));
}

#[test]
fn office_hours_skip_the_lunch_break() {
    let calendar = sample_calendar("business_hours");
    let due = calendar.add_working_time(shanghai((2026, 3, 9), 11, 30), TimeDelta::hours(1));
    assert_eq!(due, shanghai((2026, 3, 9), 13, 30));
}

#[test]
fn work_ending_exactly_at_the_close_is_due_at_the_close_not_at_the_next_opening() {
    let calendar = sample_calendar("business_hours");
    let close = shanghai((2026, 3, 9), 18, 0);
    let due = calendar.add_working_time(shanghai((2026, 3, 9), 17, 0), TimeDelta::hours(1));
    assert_eq!(due, close);
    assert!(!calendar.is_working(close));
    assert!(calendar.is_working(close - TimeDelta::seconds(1)));
    assert_eq!(calendar.next_working_instant(close), shanghai((2026, 3, 10), 9, 0));
}

#[test]
fn a_make_up_saturday_counts_as_a_working_day() {
    let calendar = sample_calendar("business_hours");
    assert!(calendar.is_working(shanghai((2026, 2, 14), 10, 0)));
    assert!(!calendar.is_working(shanghai((2026, 3, 7), 10, 0)));
    let due = calendar.add_working_time(shanghai((2026, 2, 13), 17, 0), TimeDelta::hours(2));
    assert_eq!(due, shanghai((2026, 2, 14), 10, 0));
}

#[test]
fn seven_working_days_land_at_the_same_time_of_day_seven_working_days_later() {
    let calendar = sample_calendar("business_hours");
    let tuesday = shanghai((2026, 3, 10), 15, 0);
    let due = calendar.add_duration(tuesday, SlaDuration::working_days(7));
    assert_eq!(due, shanghai((2026, 3, 19), 15, 0));
    assert_eq!(calendar.working_time_between(tuesday, due), TimeDelta::hours(7 * 8));
}

#[test]
fn seven_working_days_skip_national_day_and_count_its_make_up_saturday() {
    let calendar = sample_calendar("business_hours");
    // Working days after Tue 09-29: Wed 09-30, Thu 10-08, Fri 10-09, Sat 10-10 (make-up), Mon 10-12,
    // Tue 10-13, Wed 10-14.
    let due = calendar.add_duration(shanghai((2026, 9, 29), 15, 0), SlaDuration::working_days(7));
    assert_eq!(due, shanghai((2026, 10, 14), 15, 0));
}

#[test]
fn a_working_day_from_before_the_opening_ends_at_that_days_close() {
    let calendar = sample_calendar("business_hours");
    let due = calendar.add_working_days(shanghai((2026, 3, 9), 8, 0), 1);
    assert_eq!(due, shanghai((2026, 3, 9), 18, 0));
}

#[test]
fn a_working_day_from_the_lunch_break_ends_at_the_next_days_lunch_break() {
    let calendar = sample_calendar("business_hours");
    let due = calendar.add_working_days(shanghai((2026, 3, 9), 12, 30), 1);
    assert_eq!(due, shanghai((2026, 3, 10), 12, 0));
}

#[test]
fn a_working_day_on_a_round_the_clock_calendar_is_twenty_four_hours() {
    let calendar = sample_calendar("round_the_clock");
    let start = shanghai((2026, 3, 13), 15, 0);
    assert_eq!(calendar.add_working_days(start, 1), start + TimeDelta::hours(24));
}

#[test]
fn working_time_between_counts_only_working_hours() {
    let calendar = sample_calendar("business_hours");
    let friday_noon = shanghai((2026, 3, 13), 11, 0);
    let monday_ten = shanghai((2026, 3, 16), 10, 0);
    // Friday 11-12 and 13-18, Monday 09-10.
    assert_eq!(calendar.working_time_between(friday_noon, monday_ten), TimeDelta::hours(7));
    assert_eq!(calendar.working_time_between(monday_ten, friday_noon), TimeDelta::zero());
}

#[test]
fn a_round_the_clock_day_is_twenty_three_hours_when_clocks_go_forward_and_twenty_five_when_back() {
    let calendar = Calendar::round_the_clock(Berlin);
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    assert_eq!(calendar.working_time_on(date(3, 29)), TimeDelta::hours(23));
    assert_eq!(calendar.working_time_on(date(10, 25)), TimeDelta::hours(25));
    assert_eq!(calendar.working_time_on(date(6, 1)), TimeDelta::hours(24));
}

#[test]
fn twenty_four_hours_round_the_clock_across_spring_forward_end_an_hour_later_on_the_wall() {
    let calendar = Calendar::round_the_clock(Berlin);
    let saturday_noon = at(Berlin, (2026, 3, 28), 12, 0);
    let due = calendar.add_working_time(saturday_noon, TimeDelta::hours(24));
    assert_eq!(due, at(Berlin, (2026, 3, 29), 13, 0));
}

#[test]
fn office_hours_stay_at_nine_local_across_a_dst_weekend() {
    let calendar = weekday_calendar(New_York, &["09:00-17:00"]);
    let friday = at(New_York, (2026, 3, 6), 16, 0);
    let due = calendar.add_working_time(friday, TimeDelta::hours(2));
    assert_eq!(due, at(New_York, (2026, 3, 9), 10, 0));
    // The same instant in UTC is an hour earlier than a naive UTC calendar would say.
    assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap());

    let friday = at(New_York, (2026, 10, 30), 16, 0);
    let due = calendar.add_working_time(friday, TimeDelta::hours(2));
    assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 2, 15, 0, 0).unwrap());
}

#[test]
fn hours_that_span_a_dst_change_count_the_real_elapsed_time() {
    let mut week: [DayHours; 7] = std::array::from_fn(|_| DayHours::closed());
    week[6] = hours(&["01:00-04:00"]);
    let calendar = Calendar::new(Berlin, week, BTreeSet::new(), BTreeMap::new()).unwrap();
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    assert_eq!(calendar.working_time_on(date(3, 29)), TimeDelta::hours(2));
    assert_eq!(calendar.working_time_on(date(10, 25)), TimeDelta::hours(4));
    assert_eq!(calendar.working_time_on(date(6, 7)), TimeDelta::hours(3));
    // Spring forward: 02:00 never happens, so 90 minutes from 01:00 is 03:30 on the wall.
    let due = calendar.add_working_time(at(Berlin, (2026, 3, 29), 1, 0), TimeDelta::minutes(90));
    assert_eq!(due, at(Berlin, (2026, 3, 29), 3, 30));
}

#[test]
fn skipping_whole_weeks_gives_the_same_deadline_as_walking_hour_by_hour() {
    let mut week: [DayHours; 7] = std::array::from_fn(|_| hours(&["08:30-12:00", "13:00-17:15"]));
    week[5] = hours(&["10:00-14:00"]);
    week[6] = DayHours::closed();
    let holidays: BTreeSet<NaiveDate> = [(2026, 4, 3), (2026, 4, 6), (2026, 12, 24)]
        .into_iter()
        .map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
        .collect();
    let make_up = BTreeMap::from([(NaiveDate::from_ymd_opt(2026, 5, 3).unwrap(), hours(&["09:00-11:00"]))]);
    let calendar = Calendar::new(Berlin, week, holidays, make_up).unwrap();

    let start = at(Berlin, (2026, 2, 20), 9, 45);
    let mut stepped = start;
    for _ in 0..700 {
        stepped = calendar.add_working_time(stepped, TimeDelta::hours(1));
    }
    let at_once = calendar.add_working_time(start, TimeDelta::hours(700));
    assert_eq!(at_once, stepped);
    assert_eq!(calendar.working_time_between(start, at_once), TimeDelta::hours(700));
}

#[test]
fn a_negative_duration_counts_as_none() {
    let calendar = sample_calendar("business_hours");
    let saturday = shanghai((2026, 3, 14), 10, 0);
    let monday_nine = shanghai((2026, 3, 16), 9, 0);
    assert_eq!(calendar.add_working_time(saturday, TimeDelta::hours(-3)), monday_nine);
}
