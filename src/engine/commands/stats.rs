//! `/stats [range] [domain]`: the cockpit's four indicators as short text, in the ops time zone.

use async_trait::async_trait;

use crate::domain::Locale;
use crate::t;
use chrono::{Days, NaiveDate, TimeDelta};

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::Msg;
use crate::domain::chart::{Chart, ChartSeries};
use crate::domain::indicators::{DayFlow, Handling, IndicatorFilter, IndicatorQuery, Indicators};
use crate::domain::text::elide;
use crate::engine::sla::span;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

/// The longest range `/stats` reads: a year.
const MAX_DAYS: u64 = 366;

/// Which days, before "today" is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    /// The last N days, today included.
    Last(u64),
    Dates(NaiveDate, NaiveDate),
}

fn parse_range(text: &str) -> Result<Range, Msg> {
    let bad = || Msg::new("stats-bad-range").arg("text", elide(text, 40)).arg("max", MAX_DAYS);
    let text = text.trim();
    if text == "today" {
        return Ok(Range::Last(1));
    }
    if let Some(days) = text.strip_suffix('d').and_then(|n| n.parse::<u64>().ok()) {
        return if (1..=MAX_DAYS).contains(&days) {
            Ok(Range::Last(days))
        } else {
            Err(Msg::new("stats-range-days").arg("max", MAX_DAYS).arg("days", days))
        };
    }
    let (from, to) = text.split_once("..").ok_or_else(bad)?;
    let date = |d: &str| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| bad());
    let (from, to) = (date(from)?, date(to)?);
    if from > to {
        return Err(Msg::new("stats-range-backwards").shown("from", from).shown("to", to));
    }
    if (to - from).num_days() >= MAX_DAYS as i64 {
        return Err(Msg::new("stats-range-too-long")
            .arg("max", MAX_DAYS)
            .shown("from", from)
            .shown("to", to));
    }
    Ok(Range::Dates(from, to))
}

pub struct Stats {
    /// The days asked for, or what is wrong with `range:` (said in the reader's language).
    range: Result<Range, Msg>,
    domain: Option<String>,
}

#[async_trait]
impl CommandHandler for Stats {
    const PATH: &'static str = "stats";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let range = match args.text("range") {
            Some(text) => parse_range(text),
            None => Ok(Range::Last(7)),
        };
        Ok(Stats { range, domain: optional(args, "domain") })
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let range = self.range.as_ref().map_err(|wrong| Failure::Says(wrong.clone()))?;
        let zone = engine.config().digest.time_zone;
        let today = ctx.at.with_timezone(&zone).date_naive();
        let (from, to) = match *range {
            Range::Last(days) => (today.checked_sub_days(Days::new(days - 1)).unwrap_or(today), today),
            Range::Dates(from, to) => (from, to),
        };
        let filter = IndicatorFilter { domain: self.domain.clone(), ..IndicatorFilter::default() };
        let query = IndicatorQuery { from, to, time_zone: zone, filter };
        let indicators = engine.store().indicators(&query).await?;
        let mut text = stats_text(&indicators, self.domain.as_deref(), ctx.locale);
        text.push('\n');
        text.push_str(&t!(ctx.locale, "stats-chart-key"));
        Ok(Outcome::private(text, None).with_chart(inflow_chart(&indicators)))
    }
}

/// Indicator 1 as bars per day, for platforms that show pictures (Discord attaches it). Its words
/// are no language's: ISO dates, `+` for the tickets created and `✓` for those closed, which the
/// reply's text explains in the reader's language (`stats-chart-key`); its font has no Chinese.
fn inflow_chart(ind: &Indicators) -> Chart {
    let series = |name: &str, value: fn(&DayFlow) -> i64| ChartSeries {
        name: name.to_owned(),
        values: ind.inflow.iter().map(|d| value(d) as f64).collect(),
    };
    Chart {
        title: format!("{} – {}", ind.from, ind.to),
        labels: ind.inflow.iter().map(|d| d.date.format("%m-%d").to_string()).collect(),
        series: vec![series(CREATED, |d| d.created), series(CLOSED, |d| d.closed)],
    }
}

/// The chart's legend: the same marks in every language.
const CREATED: &str = "+";
const CLOSED: &str = "✓";

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

fn secs(value: Option<i64>) -> String {
    value.map_or_else(|| "–".to_owned(), |s| span(TimeDelta::seconds(s)))
}

fn handling(h: &Handling, locale: Locale) -> String {
    let mut line = t!(locale, "stats-handling", tickets = h.tickets, resolved = h.resolved);
    if h.resolved > 0 {
        line.push_str(&t!(
            locale,
            "stats-handling-times",
            median = secs(h.median_secs),
            p90 = secs(h.p90_secs),
            median_business = secs(h.median_business_secs),
            p90_business = secs(h.p90_business_secs),
            on_time = percent(h.on_time_rate)
        ));
    }
    line
}

fn stats_text(ind: &Indicators, domain: Option<&str>, locale: Locale) -> String {
    let scope = domain.map(|d| t!(locale, "stats-scope", domain = d)).unwrap_or_default();
    let mut lines = vec![t!(
        locale,
        "stats-heading",
        from = ind.from.to_string(),
        to = ind.to.to_string(),
        zone = ind.time_zone.as_str(),
        scope = scope
    )];
    let created: i64 = ind.inflow.iter().map(|d| d.created).sum();
    let closed: i64 = ind.inflow.iter().map(|d| d.closed).sum();
    lines.push(t!(locale, "stats-inflow", created = created, closed = closed));
    for day in &ind.inflow {
        lines.push(t!(
            locale,
            "stats-day",
            day = day.date.format("%m-%d").to_string(),
            open = day.open_at_start,
            created = day.created,
            closed = day.closed,
            rate = percent(day.close_rate)
        ));
    }
    let nothing = || t!(locale, "stats-nothing");
    lines.push(t!(locale, "stats-by-kind"));
    if ind.by_kind.is_empty() {
        lines.push(nothing());
    }
    for k in &ind.by_kind {
        let name = k.kind.map_or_else(|| t!(locale, "unclassified"), |k| k.to_string());
        lines.push(t!(locale, "stats-group", name = name, handling = handling(&k.handling, locale)));
    }
    lines.push(t!(locale, "stats-by-domain"));
    if ind.by_domain.is_empty() {
        lines.push(nothing());
    }
    for d in &ind.by_domain {
        let name = d.domain.clone().unwrap_or_else(|| t!(locale, "stats-no-domain"));
        lines.push(t!(
            locale,
            "stats-domain",
            name = name,
            handling = handling(&d.handling, locale),
            open = d.open_now,
            breached = d.breached_now
        ));
    }
    let c = &ind.confirmation;
    let mut confirmation = t!(locale, "stats-cards", cards = c.cards);
    if c.cards > 0 {
        confirmation.push_str(&t!(
            locale,
            "stats-cards-detail",
            confirmed = percent(c.confirmed_share),
            auto_confirmed = percent(c.auto_confirmed_share),
            reopened = percent(c.reopened_share),
            pending = c.pending,
            otherwise = c.closed_otherwise,
            median = secs(c.median_secs),
            p90 = secs(c.p90_secs),
            answered = percent(c.response_rate)
        ));
    }
    lines.push(confirmation);
    let rated: i64 = c.scores.iter().sum();
    lines.push(match c.mean_score {
        Some(mean) => t!(
            locale,
            "stats-scores",
            mean = format!("{mean:.1}"),
            rated = rated,
            s1 = c.scores[0],
            s2 = c.scores[1],
            s3 = c.scores[2],
            s4 = c.scores[3],
            s5 = c.scores[4]
        ),
        None => t!(locale, "stats-no-scores"),
    });
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_as_days() {
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        let wrong = |text: &str| crate::i18n::text(Locale::En, &parse_range(text).unwrap_err());
        assert_eq!(parse_range("today"), Ok(Range::Last(1)));
        assert_eq!(parse_range("30d"), Ok(Range::Last(30)));
        assert_eq!(
            parse_range("2026-11-01..2026-11-30"),
            Ok(Range::Dates(day("2026-11-01"), day("2026-11-30")))
        );
        assert_eq!(wrong("0d"), "a range is 1d to 366d, not 0d");
        assert_eq!(
            wrong("2026-11-30..2026-11-01"),
            "the range starts after it ends (2026-11-30 is after 2026-11-01)"
        );
        assert!(wrong("2025-01-01..2026-11-01").starts_with("a range is at most 366 days"));
        assert!(wrong("last week").starts_with("`last week` is not a range"));
        assert!(wrong("2026-13-01..2026-13-02").contains("is not a range"));
        let chinese = crate::i18n::text(Locale::ZhCn, &parse_range("last week").unwrap_err());
        assert!(chinese.contains("不是有效的范围"), "{chinese}");
    }

    #[test]
    fn the_chart_says_nothing_in_any_language() {
        let day = |d: &str| DayFlow {
            date: d.parse().unwrap(),
            open_at_start: 1,
            created: 2,
            closed: 1,
            close_rate: Some(1.0 / 3.0),
        };
        let ind = Indicators {
            from: "2026-12-01".parse().unwrap(),
            to: "2026-12-02".parse().unwrap(),
            time_zone: "Asia/Shanghai".into(),
            inflow: vec![day("2026-12-01"), day("2026-12-02")],
            by_kind: vec![],
            by_domain: vec![],
            confirmation: Default::default(),
        };
        let chart = inflow_chart(&ind);
        let words = chart.title.chars().chain(chart.series.iter().flat_map(|s| s.name.chars()));
        assert!(words.clone().all(|c| !c.is_alphabetic()), "{chart:?}");
    }
}
