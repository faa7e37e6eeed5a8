//! Reading the policy file. The file is deserialised into a loose shape first (strings and TOML values
//! where users make mistakes), then checked key by key so every error names its key. Sections are
//! checked in a fixed order (warn_at, calendars, severities, targets, ola, customer_tiers) and names in
//! sorted order inside them, so the same mistake always gives the same first error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;

use super::calendar::{Calendar, CalendarError, DayHours, Span};
use super::duration::SlaDuration;
use super::error::{ConfigProblem, SlaConfigError};
use super::policy::{
    CalendarChoice, CalendarId, CalendarOverride, CustomerTierRules, OlaShares, PerSeverity, SEVERITIES,
    SlaPolicy, TIERS, Target, TargetOverride, severity_index,
};
use super::vocab::{Severity, Tier};

/// Shares of one severity may miss 1.0 by this much, so that 0.1 + 0.2 + 0.7 passes.
const SHARE_TOLERANCE: f64 = 1e-6;

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    warn_at: Option<Vec<toml::Value>>,
    #[serde(default)]
    calendars: BTreeMap<String, RawCalendar>,
    #[serde(default)]
    severities: BTreeMap<String, RawSeverity>,
    #[serde(default)]
    targets: BTreeMap<String, BTreeMap<String, RawTarget>>,
    #[serde(default)]
    ola: BTreeMap<String, BTreeMap<String, toml::Value>>,
    #[serde(default)]
    customer_tiers: BTreeMap<String, RawCustomerTier>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    time_zone: Option<String>,
    #[serde(default)]
    week: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    holidays: Vec<toml::Value>,
    #[serde(default)]
    make_up_days: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSeverity {
    response_calendar: Option<String>,
    resolution_calendar: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    response: Option<toml::Value>,
    resolution: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustomerTier {
    #[serde(default)]
    severities: BTreeMap<String, RawSeverity>,
    #[serde(default)]
    targets: BTreeMap<String, BTreeMap<String, RawTarget>>,
}

impl SlaPolicy {
    /// Parses and checks a policy; `file_name` only labels errors.
    pub fn from_toml_str(text: &str, file_name: &str) -> Result<SlaPolicy, SlaConfigError> {
        // Syntax first (a position is all there is), then types, which name the key.
        let value: toml::Value = toml::from_str(text).map_err(|error| not_toml(text, file_name, &error))?;
        let raw: RawPolicy = serde_path_to_error::deserialize(value).map_err(|error| {
            let key = error.path().to_string();
            let key = if key == "." { String::new() } else { key };
            SlaConfigError::new(file_name, key, ConfigProblem::NotToml(error.into_inner().to_string()))
        })?;
        Builder { file: file_name }.build(raw)
    }

    /// Reads and checks the policy file at `path`; errors name the path as given.
    pub fn load(path: impl AsRef<Path>) -> Result<SlaPolicy, SlaConfigError> {
        let path = path.as_ref();
        let file_name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| {
            SlaConfigError::new(&file_name, "", ConfigProblem::Unreadable(error.to_string()))
        })?;
        SlaPolicy::from_toml_str(&text, &file_name)
    }
}

fn not_toml(text: &str, file: &str, error: &toml::de::Error) -> SlaConfigError {
    let position = error.span().and_then(|span| {
        let before = text.get(..span.start)?;
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        // Columns count characters, not bytes: the file may hold Chinese comments.
        let column = before[line_start..].chars().count() + 1;
        Some(format!("line {line}, column {column}"))
    });
    SlaConfigError::new(
        file,
        position.unwrap_or_default(),
        ConfigProblem::NotToml(error.message().to_owned()),
    )
}

struct Builder<'f> {
    file: &'f str,
}

type Built<T> = Result<T, SlaConfigError>;

impl Builder<'_> {
    fn error(&self, key: impl Into<String>, problem: ConfigProblem) -> SlaConfigError {
        SlaConfigError::new(self.file, key, problem)
    }

    fn build(&self, raw: RawPolicy) -> Built<SlaPolicy> {
        let warn_at = self.thresholds(raw.warn_at)?;
        let mut calendars = Vec::with_capacity(raw.calendars.len());
        for (name, calendar) in raw.calendars {
            let built = self.calendar(&format!("calendars.{name}"), calendar)?;
            calendars.push((name, built));
        }
        let names: Vec<&str> = calendars.iter().map(|(name, _)| name.as_str()).collect();

        let severity_calendars = self.severity_calendars("severities", raw.severities, &names)?;
        let severity_calendars = self.require_each(severity_calendars, "severities", |choice| {
            Ok(CalendarChoice {
                response: choice.response.ok_or(Some("response_calendar"))?,
                resolution: choice.resolution.ok_or(Some("resolution_calendar"))?,
            })
        })?;

        let mut targets = BTreeMap::new();
        for (domain, per_severity) in raw.targets {
            let key = format!("targets.{domain}");
            let overrides = self.target_overrides(&key, per_severity)?;
            let complete = self.require_each(overrides, &key, |target| {
                let target = target.ok_or(None)?;
                Ok(Target {
                    response: target.response.ok_or(Some("response"))?,
                    resolution: target.resolution.ok_or(Some("resolution"))?,
                })
            })?;
            targets.insert(domain, complete);
        }

        let ola = self.ola(raw.ola)?;

        let mut customer_tiers = BTreeMap::new();
        for (tier, rules) in raw.customer_tiers {
            let key = format!("customer_tiers.{tier}");
            let severity_calendars =
                self.severity_calendars(&format!("{key}.severities"), rules.severities, &names)?;
            let mut tier_targets = BTreeMap::new();
            for (domain, per_severity) in rules.targets {
                let overrides = self.target_overrides(&format!("{key}.targets.{domain}"), per_severity)?;
                tier_targets.insert(domain, PerSeverity(overrides.0.map(Option::unwrap_or_default)));
            }
            customer_tiers.insert(tier, CustomerTierRules { severity_calendars, targets: tier_targets });
        }

        Ok(SlaPolicy {
            source: self.file.to_owned(),
            warn_at,
            calendars,
            severity_calendars,
            targets,
            ola,
            customer_tiers,
        })
    }

    /// Turns per-severity partial values into complete ones, naming the first missing key: `complete`
    /// fails with the missing field's name, or with `None` when the whole severity is missing.
    fn require_each<T, U>(
        &self,
        values: PerSeverity<T>,
        key: &str,
        complete: impl Fn(T) -> Result<U, Option<&'static str>>,
    ) -> Built<PerSeverity<U>> {
        let one = |severity: Severity, value: T| {
            complete(value).map_err(|missing| {
                let at = match missing {
                    None => format!("{key}.{severity}"),
                    Some(field) => format!("{key}.{severity}.{field}"),
                };
                self.error(at, ConfigProblem::Missing)
            })
        };
        let [s, p1, p2, p3] = values.0;
        Ok(PerSeverity([
            one(Severity::S, s)?,
            one(Severity::P1, p1)?,
            one(Severity::P2, p2)?,
            one(Severity::P3, p3)?,
        ]))
    }

    fn thresholds(&self, raw: Option<Vec<toml::Value>>) -> Built<Vec<f64>> {
        let raw = raw.ok_or_else(|| self.error("warn_at", ConfigProblem::Missing))?;
        let mut thresholds: Vec<f64> = Vec::with_capacity(raw.len());
        for (index, value) in raw.iter().enumerate() {
            let key = format!("warn_at[{index}]");
            let rendered = value.to_string();
            let threshold = number(value)
                .filter(|fraction| *fraction > 0.0 && *fraction < 1.0)
                .ok_or_else(|| self.error(&key, ConfigProblem::BadThreshold { value: rendered.clone() }))?;
            if thresholds.last().is_some_and(|previous| *previous >= threshold) {
                return Err(self.error(key, ConfigProblem::ThresholdsNotRising { value: rendered }));
            }
            thresholds.push(threshold);
        }
        Ok(thresholds)
    }

    fn calendar(&self, key: &str, raw: RawCalendar) -> Built<Calendar> {
        let zone_text =
            raw.time_zone.ok_or_else(|| self.error(format!("{key}.time_zone"), ConfigProblem::Missing))?;
        let time_zone: Tz = zone_text.parse().map_err(|_| {
            self.error(format!("{key}.time_zone"), ConfigProblem::BadTimeZone { value: quoted(&zone_text) })
        })?;

        let mut week: [DayHours; 7] = std::array::from_fn(|_| DayHours::closed());
        for (day, spans) in raw.week {
            let day_key = format!("{key}.week.{day}");
            let index = WEEKDAYS
                .iter()
                .position(|name| *name == day)
                .ok_or_else(|| self.error(&day_key, ConfigProblem::BadWeekday { value: quoted(&day) }))?;
            week[index] = self.day_hours(&day_key, &spans)?;
        }

        let mut holidays = BTreeSet::new();
        for (index, value) in raw.holidays.iter().enumerate() {
            let item_key = format!("{key}.holidays[{index}]");
            let (first, last) = date_or_range(value)
                .ok_or_else(|| self.error(&item_key, ConfigProblem::BadDate { value: value.to_string() }))?;
            holidays.extend(first.iter_days().take_while(|date| *date <= last));
        }

        let mut make_up_days = BTreeMap::new();
        for (date, spans) in raw.make_up_days {
            let day_key = format!("{key}.make_up_days.{date}");
            let parsed = parse_date(&date)
                .ok_or_else(|| self.error(&day_key, ConfigProblem::BadDate { value: quoted(&date) }))?;
            make_up_days.insert(parsed, self.day_hours(&day_key, &spans)?);
        }

        Calendar::new(time_zone, week, holidays, make_up_days).map_err(|problem| {
            let at = match problem {
                CalendarError::NoWorkingTime => format!("{key}.week"),
                _ => format!("{key}.make_up_days"),
            };
            self.error(at, ConfigProblem::BadCalendar(problem))
        })
    }

    fn day_hours(&self, key: &str, spans: &[String]) -> Built<DayHours> {
        let mut parsed = Vec::with_capacity(spans.len());
        for (index, text) in spans.iter().enumerate() {
            let span = Span::parse(text).map_err(|reason| {
                self.error(format!("{key}[{index}]"), ConfigProblem::BadSpan { value: quoted(text), reason })
            })?;
            parsed.push(span);
        }
        DayHours::new(parsed)
            .map_err(|reason| self.error(key, ConfigProblem::BadSpan { value: format!("{spans:?}"), reason }))
    }

    fn severity_calendars(
        &self,
        key: &str,
        raw: BTreeMap<String, RawSeverity>,
        names: &[&str],
    ) -> Built<PerSeverity<CalendarOverride>> {
        let mut out = PerSeverity::<CalendarOverride>::default();
        for (severity_text, choice) in raw {
            let severity_key = format!("{key}.{severity_text}");
            let severity = self.severity(&severity_key, &severity_text)?;
            let resolve = |field: &str, name: Option<String>| -> Built<Option<CalendarId>> {
                let Some(name) = name else { return Ok(None) };
                match names.iter().position(|known| *known == name) {
                    Some(index) => Ok(Some(CalendarId(index))),
                    None => Err(self.error(
                        format!("{severity_key}.{field}"),
                        ConfigProblem::UnknownCalendar { value: quoted(&name), defined: names.join(", ") },
                    )),
                }
            };
            out.0[severity_index(severity)] = CalendarOverride {
                response: resolve("response_calendar", choice.response_calendar)?,
                resolution: resolve("resolution_calendar", choice.resolution_calendar)?,
            };
        }
        Ok(out)
    }

    fn target_overrides(
        &self,
        key: &str,
        raw: BTreeMap<String, RawTarget>,
    ) -> Built<PerSeverity<Option<TargetOverride>>> {
        let mut out = PerSeverity::<Option<TargetOverride>>::default();
        for (severity_text, target) in raw {
            let severity_key = format!("{key}.{severity_text}");
            let severity = self.severity(&severity_key, &severity_text)?;
            out.0[severity_index(severity)] = Some(TargetOverride {
                response: self.duration(&format!("{severity_key}.response"), target.response)?,
                resolution: self.duration(&format!("{severity_key}.resolution"), target.resolution)?,
            });
        }
        Ok(out)
    }

    fn duration(&self, key: &str, value: Option<toml::Value>) -> Built<Option<SlaDuration>> {
        let Some(value) = value else { return Ok(None) };
        // A number such as `24` is not a duration either; the message shows it as written.
        let (text, rendered) = match &value {
            toml::Value::String(text) => (text.as_str(), quoted(text)),
            other => ("", other.to_string()),
        };
        SlaDuration::parse(text)
            .map(Some)
            .map_err(|reason| self.error(key, ConfigProblem::BadDuration { value: rendered, reason }))
    }

    fn ola(&self, raw: BTreeMap<String, BTreeMap<String, toml::Value>>) -> Built<PerSeverity<OlaShares>> {
        let mut found = PerSeverity::<Option<OlaShares>>::default();
        for (severity_text, shares) in raw {
            let severity_key = format!("ola.{severity_text}");
            let severity = self.severity(&severity_key, &severity_text)?;
            let mut per_tier = [None; 3];
            for (tier_text, value) in shares {
                let tier_key = format!("{severity_key}.{tier_text}");
                let tier = tier_from_key(&tier_text).ok_or_else(|| {
                    self.error(&tier_key, ConfigProblem::BadTier { value: quoted(&tier_text) })
                })?;
                let share = number(&value).filter(|share| (0.0..=1.0).contains(share)).ok_or_else(|| {
                    self.error(&tier_key, ConfigProblem::BadShare { value: value.to_string() })
                })?;
                per_tier[tier_position(tier)] = Some(share);
            }
            let mut complete = [0.0; 3];
            for (tier, share) in TIERS.into_iter().zip(per_tier) {
                complete[tier_position(tier)] = share
                    .ok_or_else(|| self.error(format!("{severity_key}.{tier}"), ConfigProblem::Missing))?;
            }
            let sum: f64 = complete.iter().sum();
            if (sum - 1.0).abs() > SHARE_TOLERANCE {
                return Err(self.error(severity_key, ConfigProblem::SharesDoNotSumToOne { sum }));
            }
            let [l1, l2, rnd] = complete;
            found.0[severity_index(severity)] = Some(OlaShares { l1, l2, rnd });
        }
        self.require_each(found, "ola", |shares| shares.ok_or(None))
    }

    fn severity(&self, key: &str, text: &str) -> Built<Severity> {
        severity_from_key(text)
            .ok_or_else(|| self.error(key, ConfigProblem::BadSeverity { value: quoted(text) }))
    }
}

fn tier_position(tier: Tier) -> usize {
    TIERS.iter().position(|candidate| *candidate == tier).unwrap_or_default()
}

fn severity_from_key(text: &str) -> Option<Severity> {
    SEVERITIES.into_iter().find(|severity| severity.to_string() == text)
}

fn tier_from_key(text: &str) -> Option<Tier> {
    TIERS.into_iter().find(|tier| tier.to_string() == text)
}

fn number(value: &toml::Value) -> Option<f64> {
    match value {
        toml::Value::Float(number) => Some(*number),
        toml::Value::Integer(number) => Some(*number as f64),
        _ => None,
    }
}

fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A holiday entry: a TOML date, a `"YYYY-MM-DD"` string, or an inclusive `"first..last"` range.
fn date_or_range(value: &toml::Value) -> Option<(NaiveDate, NaiveDate)> {
    match value {
        toml::Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
            let date = datetime.date?;
            let date =
                NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))?;
            Some((date, date))
        }
        toml::Value::String(text) => match text.split_once("..") {
            Some((first, last)) => {
                let (first, last) = (parse_date(first)?, parse_date(last)?);
                // A backwards range is a typo, and a year-long one almost certainly is.
                (first <= last && (last - first).num_days() < 366).then_some((first, last))
            }
            None => parse_date(text).map(|date| (date, date)),
        },
        _ => None,
    }
}
