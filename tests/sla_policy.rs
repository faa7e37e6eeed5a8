//! The policy file: the sample loads, overrides apply, and every mistake names the file and the key.

use resolvd::domain::sla::vocab::Severity;
use resolvd::domain::sla::{ConfigProblem, SlaDuration, SlaPolicy};

const FILE: &str = "config/sla.toml";

fn sample_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/sla.toml")).unwrap()
}

fn sample() -> SlaPolicy {
    SlaPolicy::from_toml_str(&sample_text(), FILE).unwrap_or_else(|error| panic!("{error}"))
}

fn domains(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// The message the sample gives after replacing `from` (which must occur) with `to`.
fn error_after(from: &str, to: &str) -> String {
    let text = sample_text();
    assert!(text.contains(from), "the sample contains {from:?}");
    match SlaPolicy::from_toml_str(&text.replacen(from, to, 1), FILE) {
        Ok(_) => panic!("replacing {from:?} with {to:?} should fail"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn the_sample_policy_loads_and_covers_the_seed_domains() {
    let policy = sample();
    policy.validate(&domains(&["screen", "rf", "antenna", "id"])).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(policy.warn_at(), &[0.75]);
    assert_eq!(policy.domains().collect::<Vec<_>>(), ["antenna", "id", "rf", "screen"]);
}

#[test]
fn the_sample_ships_the_seed_table() {
    let policy = sample();
    let expected = [
        ("screen", ["4h", "24h", "72h", "7 working days"]),
        ("rf", ["4h", "24h", "72h", "7 working days"]),
        ("antenna", ["4h", "36h", "96h", "7 working days"]),
        ("id", ["4h", "48h", "96h", "7 working days"]),
    ];
    let severities = [Severity::S, Severity::P1, Severity::P2, Severity::P3];
    for (domain, row) in expected {
        for (severity, length) in severities.into_iter().zip(row) {
            let target = policy.target(domain, severity, None).unwrap();
            assert_eq!(target.resolution.length.to_string(), length, "{domain} {severity}");
        }
    }
}

#[test]
fn each_severity_counts_on_its_configured_calendars() {
    let policy = sample();
    let calendars = |severity| {
        let target = policy.target("screen", severity, None).unwrap();
        (target.response.calendar_name, target.resolution.calendar_name)
    };
    assert_eq!(calendars(Severity::S), ("round_the_clock", "round_the_clock"));
    assert_eq!(calendars(Severity::P1), ("business_hours", "working_days"));
    assert_eq!(calendars(Severity::P2), ("business_hours", "working_days"));
    assert_eq!(calendars(Severity::P3), ("business_hours", "business_hours"));
}

#[test]
fn a_gold_customer_gets_its_overrides_and_the_base_for_the_rest() {
    let policy = sample();
    let gold_screen = policy.target("screen", Severity::P1, Some("gold")).unwrap();
    assert_eq!(gold_screen.resolution.length, SlaDuration::hours(12));
    assert_eq!(gold_screen.response.calendar_name, "round_the_clock");
    assert_eq!(gold_screen.resolution.calendar_name, "working_days");

    let gold_antenna = policy.target("antenna", Severity::P1, Some("gold")).unwrap();
    assert_eq!(gold_antenna.resolution.length, SlaDuration::hours(36));
    assert_eq!(gold_antenna.response.calendar_name, "round_the_clock");

    let gold_p2 = policy.target("screen", Severity::P2, Some("gold")).unwrap();
    assert_eq!(gold_p2.response.calendar_name, "business_hours");
}

#[test]
fn a_customer_tier_without_overrides_gets_the_base_targets() {
    let policy = sample();
    let silver = policy.target("screen", Severity::P1, Some("silver")).unwrap();
    assert_eq!(silver.resolution.length, SlaDuration::hours(24));
    assert_eq!(silver.response.calendar_name, "business_hours");
}

#[test]
fn asking_for_a_domain_without_targets_is_an_error() {
    let error = sample().target("battery", Severity::P1, None).unwrap_err();
    assert_eq!(error.to_string(), "the SLA policy has no targets for domain \"battery\" at severity P1");
}

#[test]
fn ola_shares_give_rnd_the_largest_part() {
    let shares = sample().ola_shares(Severity::P1);
    assert_eq!((shares.l1, shares.l2, shares.rnd), (0.2, 0.3, 0.5));
}

#[test]
fn a_bad_duration_names_file_key_and_value() {
    assert_eq!(
        error_after(
            r#"P1 = { response = "1h", resolution = "24h" }"#,
            r#"P1 = { response = "1h", resolution = "24x" }"#
        ),
        r#"config/sla.toml: targets.screen.P1.resolution: "24x" is not a duration (write 24h, 30m or 7 working days)"#
    );
}

#[test]
fn a_number_where_a_duration_belongs_is_not_a_duration() {
    assert_eq!(
        error_after(
            r#"S = { response = "30m", resolution = "4h" }"#,
            r#"S = { response = 30, resolution = "4h" }"#
        ),
        "config/sla.toml: targets.screen.S.response: 30 is not a duration (write 24h, 30m or 7 working days)"
    );
}

#[test]
fn a_zero_duration_is_rejected() {
    assert_eq!(
        error_after(
            r#"S = { response = "30m", resolution = "4h" }"#,
            r#"S = { response = "0m", resolution = "4h" }"#
        ),
        r#"config/sla.toml: targets.screen.S.response: "0m" is zero (a target must be longer than that)"#
    );
}

#[test]
fn a_domain_missing_a_severity_is_rejected() {
    assert_eq!(
        error_after(
            "P3 = { response = \"1 working day\", resolution = \"7 working days\" }\n\n[targets.rf]",
            "\n[targets.rf]"
        ),
        "config/sla.toml: targets.screen.P3: is missing"
    );
}

#[test]
fn a_target_missing_its_resolution_is_rejected() {
    assert_eq!(
        error_after(r#"P2 = { response = "4h", resolution = "96h" }"#, r#"P2 = { response = "4h" }"#),
        "config/sla.toml: targets.antenna.P2.resolution: is missing"
    );
}

#[test]
fn an_unknown_severity_is_rejected() {
    assert_eq!(
        error_after(
            r#"P1 = { response = "1h", resolution = "24h" }"#,
            r#"P4 = { response = "1h", resolution = "24h" }"#
        ),
        r#"config/sla.toml: targets.screen.P4: "P4" is not a severity (write S, P1, P2 or P3)"#
    );
}

#[test]
fn a_calendar_with_no_working_time_is_rejected() {
    let text = format!(
        "{}\n[calendars.never]\ntime_zone = \"UTC\"\n[calendars.never.week]\nsat = []\n",
        sample_text()
    );
    let error = SlaPolicy::from_toml_str(&text, FILE).unwrap_err();
    assert_eq!(error.key, "calendars.never.week");
    assert_eq!(
        error.to_string(),
        "config/sla.toml: calendars.never.week: has no working time in its week (give at least one weekday some hours)"
    );
}

#[test]
fn an_unknown_calendar_name_is_rejected_with_the_defined_ones() {
    assert_eq!(
        error_after(
            "[severities.P1]\nresponse_calendar = \"business_hours\"\nresolution_calendar = \"working_days\"",
            "[severities.P1]\nresponse_calendar = \"business_hours\"\nresolution_calendar = \"weekdays\""
        ),
        "config/sla.toml: severities.P1.resolution_calendar: names calendar \"weekdays\", which is not \
         defined (defined: business_hours, round_the_clock, working_days)"
    );
}

#[test]
fn a_severity_without_a_calendar_is_rejected() {
    assert_eq!(
        error_after("[severities.P2]\nresponse_calendar = \"business_hours\"\n", "[severities.P2]\n"),
        "config/sla.toml: severities.P2.response_calendar: is missing"
    );
}

#[test]
fn ola_shares_that_do_not_sum_to_one_are_rejected() {
    assert_eq!(
        error_after("[ola.P2]\nL1 = 0.2\nL2 = 0.3\nRnD = 0.5", "[ola.P2]\nL1 = 0.2\nL2 = 0.3\nRnD = 0.4"),
        "config/sla.toml: ola.P2: shares add up to 0.9, not 1.0"
    );
}

#[test]
fn ola_shares_missing_a_tier_or_naming_an_unknown_one_are_rejected() {
    assert_eq!(error_after("[ola.S]\nL1 = 0.1\n", "[ola.S]\n"), "config/sla.toml: ola.S.L1: is missing");
    assert_eq!(
        error_after("[ola.S]\nL1 = 0.1\n", "[ola.S]\nL3 = 0.1\n"),
        r#"config/sla.toml: ola.S.L3: "L3" is not a support tier (write L1, L2 or RnD)"#
    );
}

#[test]
fn a_bad_time_zone_is_rejected() {
    assert_eq!(
        error_after(
            "[calendars.round_the_clock]\ntime_zone = \"Asia/Shanghai\"",
            "[calendars.round_the_clock]\ntime_zone = \"China Standard Time\""
        ),
        "config/sla.toml: calendars.round_the_clock.time_zone: \"China Standard Time\" is not an IANA time \
         zone (write e.g. Asia/Shanghai or Europe/Berlin)"
    );
}

#[test]
fn bad_hours_name_the_span_by_position() {
    assert_eq!(
        error_after(r#"mon = ["09:00-12:00", "13:00-18:00"]"#, r#"mon = ["09:00-12:00", "13:00-8:00"]"#),
        r#"config/sla.toml: calendars.business_hours.week.mon[1]: "13:00-8:00" ends before it starts"#
    );
    assert_eq!(
        error_after(r#"mon = ["09:00-12:00", "13:00-18:00"]"#, r#"monday = ["09:00-12:00", "13:00-18:00"]"#),
        r#"config/sla.toml: calendars.business_hours.week.monday: "monday" is not a weekday (write mon, tue, wed, thu, fri, sat or sun)"#
    );
}

#[test]
fn a_bad_holiday_names_its_position() {
    assert_eq!(
        error_after(r#""2026-04-04..2026-04-06", # Qingming"#, r#""2026-04-06..2026-04-04","#),
        r#"config/sla.toml: calendars.working_days.holidays[2]: "2026-04-06..2026-04-04" is not a date or date range (write 2026-10-01 or "2026-10-01..2026-10-07")"#
    );
}

#[test]
fn a_make_up_day_that_is_also_a_holiday_is_rejected() {
    assert_eq!(
        error_after("2026-02-14 = [\"00:00-24:00\"]", "2026-02-16 = [\"00:00-24:00\"]"),
        "config/sla.toml: calendars.working_days.make_up_days: 2026-02-16 is both a holiday and a make-up day"
    );
}

#[test]
fn a_warning_threshold_outside_zero_and_one_is_rejected() {
    assert_eq!(
        error_after("warn_at = [0.75]", "warn_at = [0.5, 75]"),
        "config/sla.toml: warn_at[1]: 75 is not a fraction strictly between 0 and 1"
    );
}

#[test]
fn a_misspelt_key_is_reported_with_its_key() {
    let message = error_after(
        r#"S = { response = "30m", resolution = "4h" }"#,
        r#"S = { respnse = "30m", resolution = "4h" }"#,
    );
    assert!(message.starts_with("config/sla.toml: targets.screen.S.respnse: "), "{message}");
    assert!(message.contains("unknown field `respnse`"), "{message}");
}

#[test]
fn validation_names_a_declared_domain_without_targets() {
    let error = sample().validate(&domains(&["screen", "rf", "antenna", "id", "battery"])).unwrap_err();
    assert_eq!(error.problem, ConfigProblem::MissingDomain);
    assert_eq!(
        error.to_string(),
        "config/sla.toml: targets.battery: is missing: every declared domain needs targets for S, P1, P2 and P3"
    );
}

#[test]
fn validation_names_targets_for_a_domain_nobody_declared() {
    let error = sample().validate(&domains(&["screen", "rf", "antenna"])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "config/sla.toml: targets.id: is not a declared domain (declared: screen, rf, antenna)"
    );
}

#[test]
fn validation_names_a_customer_override_for_an_undeclared_domain() {
    let text =
        sample_text().replace("[customer_tiers.gold.targets.rf]", "[customer_tiers.gold.targets.wifi]");
    let policy = SlaPolicy::from_toml_str(&text, FILE).unwrap();
    let error = policy.validate(&domains(&["screen", "rf", "antenna", "id"])).unwrap_err();
    assert_eq!(error.key, "customer_tiers.gold.targets.wifi");
}

#[test]
fn loading_a_missing_file_names_it() {
    let error = SlaPolicy::load("config/no-such-file.toml").unwrap_err();
    assert!(error.to_string().starts_with("config/no-such-file.toml: cannot be read: "), "{error}");
}
