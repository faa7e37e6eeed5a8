//! A ticket's clocks from the sample policy: deadlines, pauses, escalation, warnings and breaches.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::{Asia::Shanghai, Europe::Berlin, Tz};
use resolvd::domain::sla::vocab::{Severity, Tier};
use resolvd::domain::sla::{Alarm, Clock, Pause, SlaPolicy, TicketClocks, TicketSla};

fn sample() -> SlaPolicy {
    SlaPolicy::load(concat!(env!("CARGO_MANIFEST_DIR"), "/config/sla.toml"))
        .unwrap_or_else(|error| panic!("{error}"))
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

fn ticket<'t>(
    opened_at: DateTime<Utc>,
    domain: &'t str,
    severity: Severity,
    pauses: &'t [Pause],
) -> TicketSla<'t> {
    TicketSla {
        opened_at,
        domain,
        severity,
        customer_tier: None,
        pauses,
        tier: Tier::L1,
        tier_since: opened_at,
    }
}

fn clocks<'p>(policy: &'p SlaPolicy, ticket: &TicketSla<'_>) -> TicketClocks<'p> {
    policy.clocks(ticket).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn a_p1_screen_ticket_opened_on_friday_afternoon_is_due_after_the_weekend_and_holiday() {
    let policy = sample();
    // Friday before Qingming (Saturday 2026-04-04 to Monday 04-06).
    let opened = shanghai((2026, 4, 3), 15, 0);
    let clocks = clocks(&policy, &ticket(opened, "screen", Severity::P1, &[]));
    assert_eq!(clocks.response.due(), Some(shanghai((2026, 4, 3), 16, 0)));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 4, 7), 15, 0)));
    // L1 holds a fifth of the 24 hours.
    assert_eq!(clocks.ola.due(), Some(shanghai((2026, 4, 3), 19, 48)));
}

#[test]
fn a_p1_response_opened_after_hours_is_due_the_next_business_morning() {
    let policy = sample();
    let opened = shanghai((2026, 3, 10), 20, 0);
    let clocks = clocks(&policy, &ticket(opened, "rf", Severity::P1, &[]));
    assert_eq!(clocks.response.due(), Some(shanghai((2026, 3, 11), 10, 0)));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 3, 11), 20, 0)));
}

#[test]
fn a_gold_customers_p1_response_clock_runs_around_the_clock() {
    let policy = sample();
    let opened = shanghai((2026, 3, 10), 20, 0);
    let gold = TicketSla { customer_tier: Some("gold"), ..ticket(opened, "screen", Severity::P1, &[]) };
    let clocks = clocks(&policy, &gold);
    assert_eq!(clocks.response.due(), Some(shanghai((2026, 3, 10), 21, 0)));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 3, 11), 8, 0)));
}

#[test]
fn a_p3_ticket_gets_seven_working_days() {
    let policy = sample();
    let opened = shanghai((2026, 3, 10), 15, 0);
    let clocks = clocks(&policy, &ticket(opened, "antenna", Severity::P3, &[]));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 3, 19), 15, 0)));
    assert_eq!(clocks.resolution.budget(), TimeDelta::hours(56));
    assert_eq!(clocks.response.due(), Some(shanghai((2026, 3, 11), 15, 0)));
}

#[test]
fn an_s_ticket_runs_round_the_clock_on_a_weekend_night() {
    let policy = sample();
    let opened = shanghai((2026, 3, 14), 3, 0);
    let clocks = clocks(&policy, &ticket(opened, "id", Severity::S, &[]));
    assert_eq!(clocks.response.due(), Some(shanghai((2026, 3, 14), 3, 30)));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 3, 14), 7, 0)));
}

#[test]
fn waiting_for_the_customer_moves_the_deadline_by_the_working_time_paused() {
    let policy = sample();
    let opened = shanghai((2026, 3, 9), 10, 0);
    let pauses = [Pause::closed(shanghai((2026, 3, 9), 12, 0), shanghai((2026, 3, 10), 12, 0))];
    let clocks = clocks(&policy, &ticket(opened, "screen", Severity::P1, &pauses));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 3, 11), 10, 0)));
}

#[test]
fn a_pause_over_the_weekend_does_not_move_the_deadline() {
    let policy = sample();
    let opened = shanghai((2026, 3, 13), 15, 0);
    let pauses = [Pause::closed(shanghai((2026, 3, 14), 10, 0), shanghai((2026, 3, 15), 20, 0))];
    let clocks = clocks(&policy, &ticket(opened, "screen", Severity::P1, &pauses));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 3, 16), 15, 0)));
}

#[test]
fn an_open_pause_stops_the_clock_and_leaves_the_deadline_open() {
    let policy = sample();
    let opened = shanghai((2026, 3, 9), 10, 0);
    let pauses = [Pause::open(shanghai((2026, 3, 9), 12, 0))];
    let clocks = clocks(&policy, &ticket(opened, "screen", Severity::P1, &pauses));
    let later = shanghai((2026, 3, 12), 9, 0);
    let reading = clocks.resolution.reading(later);
    assert!(reading.paused);
    assert_eq!(reading.due, None);
    assert_eq!(reading.elapsed, TimeDelta::hours(2));
    assert_eq!(reading.remaining, TimeDelta::hours(22));
    assert!(!reading.breached);
    assert_eq!(clocks.resolution.next_alarm(later), None);
}

#[test]
fn a_clock_that_ran_out_before_its_pause_stays_breached() {
    let policy = sample();
    let opened = shanghai((2026, 3, 9), 10, 0);
    let pauses = [Pause::open(shanghai((2026, 3, 10), 11, 0))];
    let clocks = clocks(&policy, &ticket(opened, "screen", Severity::P1, &pauses));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 3, 10), 10, 0)));
    assert!(clocks.resolution.is_breached(shanghai((2026, 3, 10), 12, 0)));
}

#[test]
fn escalation_starts_the_new_tiers_ola_at_the_escalation_instant() {
    let policy = sample();
    let opened = shanghai((2026, 3, 9), 10, 0);
    let escalated = shanghai((2026, 3, 9), 12, 0);
    let at_l2 =
        TicketSla { tier: Tier::L2, tier_since: escalated, ..ticket(opened, "screen", Severity::P1, &[]) };
    let clocks = clocks(&policy, &at_l2);
    assert_eq!(clocks.tier, Tier::L2);
    assert_eq!(clocks.ola.start(), escalated);
    // Three tenths of 24 hours.
    assert_eq!(clocks.ola.budget(), TimeDelta::minutes(7 * 60 + 12));
    assert_eq!(clocks.ola.due(), Some(shanghai((2026, 3, 9), 19, 12)));
    assert_eq!(clocks.resolution.due(), Some(shanghai((2026, 3, 10), 10, 0)));
}

#[test]
fn a_tier_that_receives_the_ticket_late_gets_only_what_is_left_of_the_sla() {
    let policy = sample();
    let opened = shanghai((2026, 3, 9), 10, 0);
    let at_rnd = TicketSla {
        tier: Tier::RnD,
        tier_since: shanghai((2026, 3, 10), 0, 0),
        ..ticket(opened, "screen", Severity::P1, &[])
    };
    let clocks = clocks(&policy, &at_rnd);
    // Half of 24 hours would end at 12:00, past the 10:00 resolution deadline.
    assert_eq!(clocks.ola.budget(), TimeDelta::hours(10));
    assert_eq!(clocks.ola.due(), clocks.resolution.due());
}

#[test]
fn warnings_come_at_the_configured_fraction_and_the_breach_just_after_the_deadline() {
    let policy = sample();
    let opened = shanghai((2026, 3, 9), 10, 0);
    let clocks = clocks(&policy, &ticket(opened, "screen", Severity::P1, &[]));
    let resolution = &clocks.resolution;
    let warning = shanghai((2026, 3, 10), 4, 0);
    let due = shanghai((2026, 3, 10), 10, 0);

    assert_eq!(resolution.fraction(shanghai((2026, 3, 9), 22, 0)), 0.5);
    assert_eq!(resolution.warned_at(warning - TimeDelta::minutes(1)), None);
    assert_eq!(resolution.warned_at(warning), Some(0.75));
    assert!(!resolution.is_breached(due));
    assert!(resolution.is_breached(due + TimeDelta::milliseconds(1)));

    assert_eq!(resolution.next_alarm(shanghai((2026, 3, 9), 11, 0)), Some((Alarm::Warning(0.75), warning)));
    assert_eq!(resolution.next_alarm(warning), Some((Alarm::Breach, due + TimeDelta::nanoseconds(1))));
    assert_eq!(resolution.next_alarm(due + TimeDelta::seconds(1)), None);
}

#[test]
fn a_deadline_at_friday_close_is_breached_over_the_weekend_though_no_business_time_passes() {
    let policy = sample();
    let calendar = policy.calendar("business_hours").unwrap();
    let start = shanghai((2026, 3, 13), 14, 0);
    let clock = Clock::new(calendar, start, TimeDelta::hours(4), &[]);
    let saturday = shanghai((2026, 3, 14), 10, 0);
    assert_eq!(clock.due(), Some(shanghai((2026, 3, 13), 18, 0)));
    assert!(clock.is_breached(saturday));
    assert_eq!(clock.fraction(saturday), 1.0);
    assert_eq!(clock.remaining(saturday), TimeDelta::zero());
    assert_eq!(clock.remaining(shanghai((2026, 3, 16), 10, 0)), TimeDelta::hours(-1));
}

#[test]
fn a_response_clock_stopped_by_the_first_reply_is_read_at_the_reply() {
    let policy = sample();
    let opened = shanghai((2026, 3, 9), 10, 0);
    let clocks = clocks(&policy, &ticket(opened, "screen", Severity::P1, &[]));
    let replied = shanghai((2026, 3, 9), 10, 40);
    assert!(!clocks.response.is_breached(replied));
    assert_eq!(clocks.response.elapsed(replied), TimeDelta::minutes(40));
}

#[test]
fn a_round_the_clock_policy_in_berlin_counts_the_short_night_when_clocks_go_forward() {
    let text = r#"
        warn_at = [0.5, 0.9]
        [calendars.always]
        time_zone = "Europe/Berlin"
        [calendars.always.week]
        mon = ["00:00-24:00"]
        tue = ["00:00-24:00"]
        wed = ["00:00-24:00"]
        thu = ["00:00-24:00"]
        fri = ["00:00-24:00"]
        sat = ["00:00-24:00"]
        sun = ["00:00-24:00"]
        [severities.S]
        response_calendar = "always"
        resolution_calendar = "always"
        [severities.P1]
        response_calendar = "always"
        resolution_calendar = "always"
        [severities.P2]
        response_calendar = "always"
        resolution_calendar = "always"
        [severities.P3]
        response_calendar = "always"
        resolution_calendar = "always"
        [targets.screen]
        S = { response = "15m", resolution = "2h" }
        P1 = { response = "1h", resolution = "24h" }
        P2 = { response = "2h", resolution = "3d" }
        P3 = { response = "4h", resolution = "7d" }
        [ola.S]
        L1 = 0
        L2 = 0.5
        RnD = 0.5
        [ola.P1]
        L1 = 0.2
        L2 = 0.3
        RnD = 0.5
        [ola.P2]
        L1 = 0.2
        L2 = 0.3
        RnD = 0.5
        [ola.P3]
        L1 = 0.25
        L2 = 0.25
        RnD = 0.5
    "#;
    let policy = SlaPolicy::from_toml_str(text, "berlin.toml").unwrap_or_else(|error| panic!("{error}"));
    let opened = at(Berlin, (2026, 3, 28), 12, 0);
    let clocks = clocks(&policy, &ticket(opened, "screen", Severity::P1, &[]));
    assert_eq!(clocks.resolution.due(), Some(at(Berlin, (2026, 3, 29), 13, 0)));
    let p3 = policy.clocks(&ticket(opened, "screen", Severity::P3, &[])).unwrap();
    // Seven working days on a round-the-clock calendar: same wall time a week later, one hour shorter.
    assert_eq!(p3.resolution.due(), Some(at(Berlin, (2026, 4, 4), 12, 0)));
    assert_eq!(p3.resolution.budget(), TimeDelta::hours(7 * 24 - 1));
}
