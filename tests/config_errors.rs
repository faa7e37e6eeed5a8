//! A broken config fails at start-up naming the file and the key.

mod common;

use std::path::Path;

use common::repo_path;
use resolvd::config::{Config, ConfigSource};

/// A copy of the sample config and commands in a temp dir, with `edit` applied to one file.
fn broken(file: &str, edit: impl Fn(String) -> String) -> (tempfile::TempDir, ConfigSource) {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
            }
        }
    };
    copy(&repo_path("config"), &dir.path().join("config"));
    copy(&repo_path("commands"), &dir.path().join("commands"));
    let target = dir.path().join(file);
    let text = std::fs::read_to_string(&target).unwrap_or_default();
    std::fs::write(&target, edit(text)).unwrap();
    let source = ConfigSource::Dir(dir.path().join("config"));
    (dir, source)
}

fn error_of(source: ConfigSource, env: &[(&str, &str)]) -> String {
    let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    Config::load(source, env).unwrap_err().to_string()
}

#[test]
fn the_sample_config_loads() {
    let config = common::sample_config();
    assert_eq!(config.domain_ids(), ["screen", "rf", "antenna", "id"]);
    for user in ["alice", "mallory", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"] {
        assert!(config.directory.is_known(user), "{user} is missing");
    }
}

#[test]
fn the_built_in_config_is_the_sample_config() {
    let embedded = Config::load(ConfigSource::Embedded, std::iter::empty()).unwrap();
    let sample = common::sample_config();
    assert_eq!(embedded.domain_ids(), sample.domain_ids());
    assert_eq!(embedded.rules.len(), sample.rules.len());
    assert_eq!(embedded.commands.iter().count(), sample.commands.iter().count());
}

#[test]
fn an_unknown_role_names_the_person_and_the_key() {
    let (_dir, source) =
        broken("config/people.toml", |t| t.replacen("roles = [\"customer\"]", "roles = [\"wizard\"]", 1));
    let error = error_of(source, &[]);
    assert!(error.contains("people.toml: people[0].roles[0]: unknown variant `wizard`"), "{error}");
}

#[test]
fn a_rule_with_a_bad_regex_or_unknown_domain_is_named() {
    let (_dir, source) = broken("config/classification.toml", |t| {
        t.replacen("pattern = '(?i)\\b(urgent", "pattern = '(?i)\\b((urgent", 1)
    });
    let error = error_of(source, &[]);
    assert!(error.contains("classification.toml: rules[0].pattern: not a valid regex"), "{error}");

    let (_dir, source) =
        broken("config/classification.toml", |t| t.replacen("domain = \"rf\"", "domain = \"wifi\"", 1));
    let error = error_of(source, &[]);
    assert!(error.contains("classification.toml: rules[6].domain: `wifi` is not a domain"), "{error}");
}

#[test]
fn a_queue_member_who_is_no_engineer_is_named() {
    let (_dir, source) =
        broken("config/domains.toml", |t| t.replacen("L1 = [\"bob\"]", "L1 = [\"alice\"]", 1));
    let error = error_of(source, &[]);
    assert!(
        error.contains("domains.toml: domains[0].queues.L1[0]: `alice` is not an engineer in people"),
        "{error}"
    );
}

#[test]
fn a_syntax_error_names_the_line() {
    let (_dir, source) =
        broken("config/default.toml", |t| t.replace("title_chars = 80", "title_chars = = 80"));
    let error = error_of(source, &[]);
    let sample = std::fs::read_to_string(repo_path("config/default.toml")).unwrap();
    let line = 1 + sample.lines().position(|l| l.starts_with("title_chars = 80")).unwrap();
    assert!(error.contains(&format!("default.toml: line {line}: invalid string; expected")), "{error}");
}

#[test]
fn environment_variables_override_default_toml_and_are_checked() {
    let config = Config::load(
        ConfigSource::Dir(repo_path("config")),
        [
            ("RESOLVD_INTAKE__QUOTE_CHARS".to_string(), "500".to_string()),
            ("RESOLVD_DATA_DIR".into(), "/x".into()),
        ],
    )
    .unwrap();
    assert_eq!(config.settings.intake.quote_chars, 500);

    let error = error_of(ConfigSource::Dir(repo_path("config")), &[("RESOLVD_INTAKE__QUOTE_CHARS", "lots")]);
    assert!(error.contains("default.toml: intake.quote_chars: invalid type: string \"lots\""), "{error}");
    let url = Config::load(
        ConfigSource::Dir(repo_path("config")),
        [("RESOLVD_DATABASE_URL".to_string(), "postgres://db/resolvd".to_string())],
    )
    .unwrap();
    assert_eq!(url.settings.database_url.as_deref(), Some("postgres://db/resolvd"));
}

#[test]
fn a_command_definition_with_a_bad_option_type_is_named() {
    let (_dir, source) =
        broken("commands/note.toml", |t| t.replacen("type = \"string\"", "type = \"colour\"", 1));
    let error = error_of(source, &[]);
    assert!(error.contains("note.toml: options[0].type: unknown variant `colour`"), "{error}");
}

#[test]
fn a_handler_without_a_definition_file_stops_start_up() {
    let (dir, source) = broken("commands/help.toml", |t| t);
    std::fs::remove_file(dir.path().join("commands/note.toml")).unwrap();
    let error = error_of(source, &[]);
    assert!(error.contains("note.toml: /note has a handler but no definition file"), "{error}");
}

#[test]
fn a_definition_file_without_a_handler_stops_start_up() {
    let (_dir, source) = broken("commands/dance.toml", |_| {
        "name = \"dance\"\ndescription = \"Dance\"\nroles = [\"customer\"]\n".to_owned()
    });
    let error = error_of(source, &[]);
    assert!(error.contains("dance.toml: name: no handler for /dance"), "{error}");
}

#[test]
fn an_sla_policy_leaving_a_domain_without_targets_is_named() {
    let (_dir, source) = broken("config/sla.toml", |t| {
        let start = t.find("[targets.id]").unwrap();
        let end = start + t[start..].find("\n\n").unwrap();
        format!("{}{}", &t[..start], &t[end..])
    });
    let error = error_of(source, &[]);
    assert!(error.contains("sla.toml: targets.id: "), "{error}");
}

#[test]
fn an_sla_calendar_with_no_working_time_is_named() {
    let (_dir, source) = broken("config/sla.toml", |t| {
        let week = "[calendars.round_the_clock.week]\n";
        let start = t.find(week).unwrap() + week.len();
        let end = start + t[start..].find("\n\n").unwrap();
        format!("{}{}", &t[..start], &t[end..])
    });
    let error = error_of(source, &[]);
    assert!(error.contains("sla.toml: calendars.round_the_clock.week: "), "{error}");
}

#[test]
fn a_digest_time_that_is_no_time_is_named() {
    let (_dir, source) =
        broken("config/default.toml", |t| t.replace("digest_at = \"09:00\"", "digest_at = \"9am\""));
    let error = error_of(source, &[]);
    assert!(error.contains("default.toml: ops.digest_at: `9am` is not a time; write HH:MM"), "{error}");
}

#[test]
fn discord_settings_come_from_the_environment_and_the_token_is_masked() {
    let config = Config::load(
        ConfigSource::Dir(repo_path("config")),
        [
            ("DISCORD_TOKEN".to_string(), "from-discord-token".to_string()),
            ("RESOLVD_DISCORD__TOKEN".into(), "98765".into()),
            ("RESOLVD_DISCORD__API_BASE".into(), "http://127.0.0.1:9/".into()),
            ("RESOLVD_DISCORD__STAFF_CHANNEL".into(), "\"1234567890123\"".into()),
            ("RESOLVD_DISCORD__USERS".into(), "{ \"42\" = \"bob\" }".into()),
        ],
    )
    .unwrap();
    let discord = &config.settings.discord;
    assert_eq!(discord.token().map(|t| t.expose()), Some("98765"), "RESOLVD_DISCORD__TOKEN wins, as text");
    assert_eq!(discord.api_base(), "http://127.0.0.1:9");
    assert_eq!(discord.staff_channel.map(|c| c.0), Some(1_234_567_890_123));
    assert!(!format!("{discord:?}").contains("98765"), "the token shows in Debug");

    let plain = Config::load(ConfigSource::Dir(repo_path("config")), std::iter::empty()).unwrap();
    assert!(plain.settings.discord.token().is_none());
    assert_eq!(plain.settings.discord.api_base(), "https://discord.com");
}

#[test]
fn discord_settings_that_cannot_work_are_named() {
    let root = || ConfigSource::Dir(repo_path("config"));
    let error = error_of(root(), &[("DISCORD_TOKEN", "t")]);
    assert!(error.contains("default.toml: discord.staff_channel: set the channel"), "{error}");
    let error = error_of(root(), &[("RESOLVD_DISCORD__USERS", "{ \"42\" = \"zoe\" }")]);
    assert!(error.contains("default.toml: discord.users.42: `zoe` is not in people"), "{error}");
    let error = error_of(root(), &[("RESOLVD_DISCORD__INTAKE_CHANNELS", "[\"general\"]")]);
    assert!(error.contains("default.toml: discord.intake_channels[0]: expected a Discord id"), "{error}");
    let error = error_of(root(), &[("RESOLVD_DISCORD__ROLES", "{ \"42\" = \"wizard\" }")]);
    assert!(error.contains("default.toml: discord.roles.42: unknown variant `wizard`"), "{error}");
    let error = error_of(root(), &[("RESOLVD_DISCORD__ROLES", "{ \"support\" = \"engineer\" }")]);
    assert!(
        error.contains("default.toml: discord.roles.support: the key must be a Discord role id"),
        "{error}"
    );
    let error = error_of(root(), &[("RESOLVD_DISCORD__API_BASE", "localhost:3000")]);
    assert!(error.contains("default.toml: discord.api_base: must start with http://"), "{error}");
    let error = error_of(root(), &[("RESOLVD_DISCORD__SHARDS", "2-3/3")]);
    assert!(
        error.contains("default.toml: discord.shards: `2-3/3`: shards are numbered 0 to 2 of 3"),
        "{error}"
    );
    let error = error_of(root(), &[("RESOLVD_DISCORD__SHARDS", "2")]);
    assert!(error.contains("default.toml: discord.shards: `2`: write first-last/total"), "{error}");
}

#[test]
fn a_war_room_lead_who_is_not_in_people_is_named_with_the_key() {
    let (_dir, source) =
        broken("config/domains.toml", |t| t.replacen("market = \"grace\"", "market = \"gracie\"", 1));
    let error = error_of(source, &[]);
    assert!(error.contains("domains.toml: domains[0].war_room.market: `gracie` is not in people"), "{error}");
}

#[test]
fn a_reminder_after_the_auto_confirmation_is_refused() {
    let (_dir, source) = broken("config/default.toml", |t| t);
    let error = error_of(source, &[("RESOLVD_CONFIRMATION__REMIND_AFTER_HOURS", "100")]);
    assert!(
        error.contains(
            "confirmation.remind_after_hours: the reminder must come before the ticket closes as auto-confirmed"
        ),
        "{error}"
    );
    let (_dir, source) =
        broken("config/default.toml", |t| t.replacen("reminder_minutes = 60", "reminder_minutes = 0", 1));
    assert!(error_of(source, &[]).contains("default.toml: war_room.reminder_minutes: must be at least 1"));
}

#[test]
fn a_rule_may_not_set_s_level() {
    let (_dir, source) =
        broken("config/classification.toml", |t| t.replacen("severity = \"P1\"", "severity = \"S\"", 1));
    let error = error_of(source, &[]);
    assert!(
        error.contains("classification.toml: rules[0].severity: S-level is confirmed by a domain owner"),
        "{error}"
    );
}

// ----- hostile config (issue 17): every count, duration and id bounded, errors naming the key -----

#[test]
fn a_reminder_of_four_billion_hours_is_refused_not_a_panic_at_resolve() {
    let source = ConfigSource::Dir(repo_path("config"));
    let error = error_of(source, &[("RESOLVD_CONFIRMATION__REMIND_AFTER_HOURS", "4000000000")]);
    assert!(
        error.contains("default.toml: confirmation.remind_after_hours: `4000000000` is too large"),
        "{error}"
    );
}

#[test]
fn an_sla_target_that_would_wrap_around_is_refused() {
    let (_dir, source) = broken("config/sla.toml", |t| {
        t.replacen(
            r#"P1 = { response = "1h", resolution = "24h" }"#,
            r#"P1 = { response = "307445734561825861h", resolution = "24h" }"#,
            1,
        )
    });
    let error = error_of(source, &[]);
    assert!(
        error.contains("sla.toml: targets.screen.P1.response") && error.contains("longer than ten years"),
        "{error}"
    );
}

#[test]
fn a_database_url_resolvd_cannot_speak_fails_the_check() {
    let source = ConfigSource::Dir(repo_path("config"));
    let error = error_of(source, &[("RESOLVD_DATABASE_URL", "mysql://x")]);
    assert!(
        error.contains("default.toml: database_url: `mysql:` is not a database resolvd speaks"),
        "{error}"
    );
}

#[test]
fn domain_ids_must_be_valid_slash_command_choices() {
    // As TOML writes them.
    let long = format!("\"{}\"", "x".repeat(101));
    for bad in [r#""@everyone""#, r#""two words""#, r#""a\u0007b""#, long.as_str()] {
        let (_dir, source) =
            broken("config/domains.toml", |t| t.replacen(r#"id = "screen""#, &format!("id = {bad}"), 1));
        let error = error_of(source, &[]);
        assert!(
            error.contains("domains.toml: domains[0].id: must be 1 to 100 characters"),
            "{bad:?}: {error}"
        );
        assert!(!error.contains('\u{7}') && !error.contains("@everyone"), "{error:?}");
    }
}

#[test]
fn more_than_25_domains_is_an_error_in_domains_toml() {
    let (_dir, source) = broken("config/domains.toml", |t| {
        let extra: String = (0..22)
            .map(|n| {
                format!(
                    "\n[[domains]]\nid = \"extra{n}\"\nname = \"Extra {n}\"\nqueues = {{ L1 = [\"bob\"] }}\n"
                )
            })
            .collect();
        t + &extra
    });
    let error = error_of(source, &[]);
    assert!(error.contains("domains.toml: domains: 26 domains; at most 25"), "{error}");
}

#[test]
fn an_sla_type_error_names_the_key_not_a_line() {
    let (_dir, source) = broken("config/sla.toml", |t| {
        t.replacen(
            "[severities.P1]\nresponse_calendar = \"business_hours\"",
            "[severities.P1]\nresponse_calendar = 42",
            1,
        )
    });
    let error = error_of(source, &[]);
    assert!(error.contains("sla.toml: severities.P1.response_calendar: invalid type"), "{error}");
}

#[test]
fn a_config_error_shows_no_escape_and_no_megabyte() {
    let huge = format!("\u{1b}]0;pwned\u{7}{}", "9".repeat(1_000_000));
    let source = ConfigSource::Dir(repo_path("config"));
    let error = error_of(source, &[("RESOLVD_INTAKE__TITLE_CHARS", &huge)]);
    assert!(error.contains("config/default.toml: intake.title_chars"), "{}", &error[..200.min(error.len())]);
    assert!(!error.chars().any(|c| c.is_control()), "{:?}", &error[..200.min(error.len())]);
    assert!(error.len() < 2_000, "{} bytes", error.len());
}

#[test]
fn a_default_locale_resolvd_does_not_speak_names_the_file_and_key() {
    let (_dir, source) =
        broken("config/default.toml", |t| t.replace("default_locale = \"en\"", "default_locale = \"fr\""));
    let error = error_of(source, &[]);
    assert!(error.contains("default.toml: default_locale: `fr` is not a language resolvd speaks"), "{error}");
    let (_dir, source) = broken("config/default.toml", |t| t);
    let error = error_of(source, &[("RESOLVD_DEFAULT_LOCALE", "klingon")]);
    assert!(error.contains("default_locale"), "{error}");
}

#[test]
fn a_persons_locale_is_checked_and_read() {
    let (_dir, source) = broken("config/people.toml", |t| {
        t.replacen("time_zone = \"Europe/Berlin\"", "time_zone = \"Europe/Berlin\"\nlocale = \"de\"", 1)
    });
    let error = error_of(source, &[]);
    assert!(error.contains("people.toml: people[0].locale: `de` is not a language"), "{error}");
    let (_dir, source) = broken("config/people.toml", |t| {
        t.replacen("time_zone = \"Europe/Berlin\"", "time_zone = \"Europe/Berlin\"\nlocale = \"zh-CN\"", 1)
    });
    let config = Config::load(source, std::iter::empty()).unwrap();
    assert_eq!(config.directory.person("alice").unwrap().locale, Some(resolvd::domain::Locale::ZhCn));
    assert_eq!(config.settings.default_locale, resolvd::domain::Locale::En);
}

#[test]
fn a_broken_row_of_the_parts_catalogue_names_the_file_and_line() {
    let (_dir, source) = broken("config/parts.csv", |t| t.replacen("19.50", "nineteen", 1));
    let error = error_of(source, &[]);
    assert!(error.contains("parts.csv: line 3: unit_cost: `nineteen` is not an amount"), "{error}");
    let (_dir, source) = broken("config/parts.csv", |t| format!("{t}RF-LNA,Low-noise amplifier,8\n"));
    let error = error_of(source, &[]);
    assert!(error.contains("parts.csv: line 6: 3 fields; a part has 5"), "{error}");
    let (_dir, source) = broken("config/default.toml", |t| t.replace("share = 0.2", "share = 1.5"));
    let error = error_of(source, &[]);
    assert!(error.contains("default.toml: revisit.share: `1.5` is out of range"), "{error}");
}
