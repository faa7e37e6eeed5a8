//! The cockpit's language (README, "The managers' cockpit"): a page is written in the signed-in
//! person's `locale` from people.toml, else the first language of the browser's `Accept-Language`
//! that resolvd speaks, else `default_locale`. Every word of a page comes from the catalogue
//! (`web-` keys); values a tool reads (`data-*` attributes, form values, the API) stay as they are.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

use super::charts::trim_number;
use crate::domain::{CloseReason, Kind, LinkRelation, Locale, Status};
use crate::t;

/// The language a page is written in: the person's own, else the browser's, else the default.
pub(super) fn page_locale(own: Option<Locale>, accept_language: Option<&str>, default: Locale) -> Locale {
    own.or_else(|| accept_language.and_then(accepted)).unwrap_or(default)
}

/// The most preferred language of an `Accept-Language` value that resolvd speaks
/// (`zh-TW,zh;q=0.9,en;q=0.8` is Chinese, `fr,en;q=0.5` English), `None` when there is none.
pub(super) fn accepted(header: &str) -> Option<Locale> {
    let mut ranges: Vec<(f32, Locale)> = header
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let locale = Locale::parse(parts.next()?)?;
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            (quality > 0.0).then_some((quality, locale))
        })
        .collect();
    // Stable: among equal weights the first written wins.
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges.first().map(|(_, locale)| *locale)
}

/// An instant in a table, in the ops time zone: `Thu 3 Dec 2026, 14:00`, `2026年12月3日 周四 14:00`.
pub(super) fn when(locale: Locale, at: DateTime<Utc>, zone: Tz) -> String {
    let day = crate::i18n::day_in(locale, at, zone);
    let time = at.with_timezone(&zone).format("%H:%M").to_string();
    t!(locale, "web-when", day = day, time = time)
}

/// An instant that may be missing: `–` when it is.
pub(super) fn when_or_dash(locale: Locale, at: Option<DateTime<Utc>>, zone: Tz) -> String {
    at.map_or_else(|| DASH.to_owned(), |at| when(locale, at, zone))
}

/// A calendar day: `Thu 3 Dec 2026`, `2026年12月3日 周四`.
pub(super) fn day(locale: Locale, date: NaiveDate) -> String {
    // Noon in UTC is that very day in UTC, whatever the day.
    let noon = date.and_hms_opt(12, 0, 0).expect("noon exists").and_utc();
    crate::i18n::day_in(locale, noon, Tz::UTC)
}

/// A day on a chart's axis: `3 Dec`, `12月3日`.
pub(super) fn short_day(locale: Locale, date: NaiveDate) -> String {
    t!(locale, "web-short-day", month = date.month(), day = date.day())
}

/// What stands for a value that is not there.
pub(super) const DASH: &str = "–";

/// A duration as managers read it: minutes under an hour, else hours.
pub(super) fn duration(locale: Locale, secs: Option<i64>) -> String {
    match secs {
        None => DASH.to_owned(),
        Some(s) if s < 3600 => t!(locale, "web-minutes", count = (s / 60).to_string()),
        Some(s) => t!(locale, "web-hours", count = trim_number(s as f64 / 3600.0)),
    }
}

pub(super) fn status(locale: Locale, status: Status) -> String {
    t!(locale, "web-status", status = status.to_string())
}

pub(super) fn kind(locale: Locale, kind: Kind) -> String {
    t!(locale, "web-kind", kind = kind.to_string())
}

pub(super) fn close_reason(locale: Locale, reason: CloseReason) -> String {
    t!(locale, "web-close-reason", reason = reason.to_string())
}

pub(super) fn relation(locale: Locale, relation: LinkRelation) -> String {
    t!(locale, "web-relation", relation = relation.to_string())
}

/// A list as the language writes one: `a, b, c`, `a、b、c`.
pub(super) fn list<S: AsRef<str>>(locale: Locale, items: &[S]) -> String {
    let separator = t!(locale, "list-separator");
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(&separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_first_language_resolvd_speaks_is_taken() {
        assert_eq!(accepted("zh-CN,zh;q=0.9,en;q=0.8"), Some(Locale::ZhCn));
        assert_eq!(accepted("zh-TW"), Some(Locale::ZhCn), "Traditional readers get Simplified");
        assert_eq!(accepted("fr-FR, en-GB;q=0.7, zh;q=0.5"), Some(Locale::En));
        assert_eq!(accepted("en;q=0.3, zh-Hans;q=0.8"), Some(Locale::ZhCn), "weights decide");
        assert_eq!(accepted("zh;q=0, en"), Some(Locale::En), "q=0 refuses a language");
        assert_eq!(accepted("de, fr"), None);
        assert_eq!(accepted("*"), None);
    }

    #[test]
    fn the_persons_own_language_comes_before_the_browsers() {
        let zh = Some(Locale::ZhCn);
        assert_eq!(page_locale(zh, Some("en"), Locale::En), Locale::ZhCn);
        assert_eq!(page_locale(None, Some("zh-CN"), Locale::En), Locale::ZhCn);
        assert_eq!(page_locale(None, Some("de"), Locale::ZhCn), Locale::ZhCn);
        assert_eq!(page_locale(None, None, Locale::En), Locale::En);
    }

    #[test]
    fn times_and_durations_are_written_in_the_readers_language() {
        let at = "2026-12-03T13:00:00Z".parse().unwrap();
        let zone: Tz = "Asia/Shanghai".parse().unwrap();
        assert_eq!(when(Locale::En, at, zone), "Thu 3 Dec 2026, 21:00");
        assert_eq!(when(Locale::ZhCn, at, zone), "2026年12月3日 周四 21:00");
        let date = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(day(Locale::ZhCn, date), "2026年12月3日 周四");
        assert_eq!(short_day(Locale::En, date), "3 Dec");
        assert_eq!(short_day(Locale::ZhCn, date), "12月3日");
        assert_eq!(duration(Locale::En, Some(5400)), "1.5 h");
        assert_eq!(duration(Locale::ZhCn, Some(600)), "10 分钟");
        assert_eq!(status(Locale::ZhCn, Status::WaitingCustomer), "等待客户");
    }
}
