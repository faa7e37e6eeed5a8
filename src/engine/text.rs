//! The pieces the bot's replies and posts are put together from (quotes, labels, files, lists,
//! dates), each in the reader's language from the catalogues.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::{
    Attachment, CloseReason, IncidentReport, Locale, Msg, Role, Status, Ticket, TicketRef, WarRoom,
};
use crate::t;

fn truncate(text: &str, max_chars: usize) -> (String, bool) {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => (text[..cut].trim_end().to_owned(), true),
        None => (text.to_owned(), false),
    }
}

/// The first line of the customer's text, shortened to `max_chars`.
/// What a message is about for its title and the rules: its text, or the files it came with alone.
/// The customer's language says the words (`Sent photo.jpg`); the names stay as they are.
pub fn or_files(text: &str, attachments: &[Attachment], locale: Locale) -> String {
    if crate::domain::text::has_visible_text(text) || attachments.is_empty() {
        return text.to_owned();
    }
    let names: Vec<&str> = attachments.iter().map(|a| a.filename.as_str()).collect();
    t!(locale, "sent-files", files = names.join(", "))
}

/// The files a message came with, one per line with its type, size and link, for staff.
pub fn files(attachments: &[Attachment], locale: Locale) -> Option<String> {
    if attachments.is_empty() {
        return None;
    }
    let lines: Vec<String> = attachments
        .iter()
        .map(|a| {
            let kind = a.content_type.clone().unwrap_or_else(|| t!(locale, "file-unknown-type"));
            format!("\n📎 {} ({kind}, {}): {}", a.filename, size(a.size), a.url)
        })
        .collect();
    Some(lines.concat())
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.0} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

pub use crate::domain::text::prefix;

pub fn title(text: &str, max_chars: usize) -> String {
    let first_line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("(no text)");
    match truncate(first_line, max_chars) {
        (short, true) => format!("{short}…"),
        (whole, false) => whole,
    }
}

/// The customer's text as a quote, cut at `max_chars` with a word on how much there is.
pub fn quote(text: &str, max_chars: usize, locale: Locale) -> String {
    let (shown, cut) = truncate(text.trim(), max_chars);
    let mut quoted: String = shown.lines().map(|line| format!("> {line}\n")).collect();
    quoted.pop();
    if cut {
        quoted.push_str("\n> ");
        quoted.push_str(&t!(locale, "quote-cut", length = text.chars().count()));
    }
    quoted
}

/// A word to the customer when their message is longer than staff notices quote.
pub fn long_message(text: &str, quote_chars: usize, locale: Locale) -> Option<String> {
    let length = text.chars().count();
    (length > quote_chars).then(|| t!(locale, "long-message", length = length))
}

/// Two sentences one after the other, as the language writes them (a space in English).
pub fn then(first: &str, next: &str, locale: Locale) -> String {
    t!(locale, "sentence-then", first = first, next = next)
}

/// `screen · fault · P1`, or `unclassified` in the reader's language.
pub fn labels(ticket: &Ticket, locale: Locale) -> String {
    let parts: Vec<String> =
        [ticket.domain.clone(), ticket.kind.map(|k| k.to_string()), ticket.severity.map(|s| s.to_string())]
            .into_iter()
            .flatten()
            .collect();
    if parts.is_empty() { t!(locale, "unclassified") } else { parts.join(" · ") }
}

pub fn summary(ticket: &Ticket, locale: Locale) -> String {
    format!("{} · {}", labels(ticket, locale), ticket.tier)
}

/// A ticket's status in the reader's language (`open`, `处理中`).
pub fn status_name(status: Status, locale: Locale) -> String {
    t!(locale, "status-name", status = status.to_string())
}

/// Why a ticket was closed, in the reader's language (`confirmed`, `客户已确认`).
pub fn close_reason_name(reason: CloseReason, locale: Locale) -> String {
    t!(locale, "close-reason-name", reason = reason.to_string())
}

/// `/status` for staff: the ticket's state, labels, tier, owner and times.
pub fn status(ticket: &Ticket, locale: Locale) -> String {
    let owner = ticket.assignee.clone().unwrap_or_else(|| t!(locale, "nobody"));
    let mut text = t!(
        locale,
        "staff-status",
        ticket = ticket.reference.to_string(),
        title = ticket.title.as_str(),
        status = status_name(ticket.status, locale),
        reason =
            ticket.close_reason.map(|r| format!(" ({})", close_reason_name(r, locale))).unwrap_or_default(),
        labels = labels(ticket, locale),
        tier = ticket.tier.to_string(),
        owner = owner,
        opened = ticket.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        changed = ticket.updated_at.format("%Y-%m-%d %H:%M UTC").to_string()
    );
    text.truncate(text.trim_end().len());
    text
}

/// Where a ticket stands, as its customer reads it.
pub enum CustomerStanding {
    Working { promise: Option<Promise> },
    WaitingForYou,
    Solved { on: String },
    Closed { on: String },
}

/// The next time we promised the customer something.
pub enum Promise {
    /// A first answer, by then.
    Answer(String),
    /// A solution, by then.
    Solve(String),
}

/// `/status` for a customer: plain words, a name rather than a tier, the next promise.
pub fn customer_status(
    ticket: &Ticket,
    stands: &CustomerStanding,
    helper: Option<&str>,
    locale: Locale,
) -> String {
    let helping = |text: String| match helper {
        Some(name) => then(&text, &t!(locale, "status-helping", name = name), locale),
        None => text,
    };
    let standing = match stands {
        CustomerStanding::Working { promise } => {
            let working =
                if helper.is_some() { t!(locale, "status-working") } else { t!(locale, "status-queued") };
            let text = helping(working);
            match promise {
                Some(Promise::Answer(by)) => then(&text, &t!(locale, "status-answer-by", by = by), locale),
                Some(Promise::Solve(by)) => then(&text, &t!(locale, "status-solve-by", by = by), locale),
                None => text,
            }
        }
        CustomerStanding::WaitingForYou => helping(t!(locale, "status-waiting-for-you")),
        CustomerStanding::Solved { on } => t!(locale, "status-solved", on = on),
        CustomerStanding::Closed { on } => t!(locale, "status-closed", on = on),
    };
    t!(
        locale,
        "status-customer",
        ticket = ticket.reference.to_string(),
        title = ticket.title.as_str(),
        standing = standing
    )
}

/// An instant as a person reads it in their time zone: `Thu 3 Dec 2026, 14:00 (Europe/Berlin)`.
pub fn time_in(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    crate::i18n::time_in(locale, at, zone)
}

/// The day of an instant in a time zone: `Thu 3 Dec 2026`.
pub fn day_in(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    crate::i18n::day_in(locale, at, zone)
}

/// The incident card pinned in a war room.
pub fn incident_card(
    ticket: &Ticket,
    room: &WarRoom,
    customer: &str,
    resolution_due: &str,
    locale: Locale,
) -> String {
    let owner = ticket.assignee.clone().unwrap_or_else(|| t!(locale, "nobody"));
    let status = match ticket.close_reason {
        Some(reason) => {
            format!("{} ({})", status_name(ticket.status, locale), close_reason_name(reason, locale))
        }
        None => status_name(ticket.status, locale),
    };
    t!(
        locale,
        "incident-card",
        ticket = ticket.reference.to_string(),
        labels = labels(ticket, locale),
        tier = ticket.tier.to_string(),
        title = ticket.title.as_str(),
        customer = customer,
        impact = room.impact.as_str(),
        status = status,
        owner = owner,
        due = resolution_due,
        leader = room.leader.clone().unwrap_or_else(|| t!(locale, "none-named")),
        roster = join_and_in(&room.roster, locale)
    )
}

/// How to file the incident report by typing it.
pub fn report_usage(ticket: TicketRef) -> String {
    let fields: Vec<String> = IncidentReport::FIELDS.iter().map(|(name, _)| format!("{name}:…")).collect();
    format!("/report ticket:{ticket} {}", fields.join(" "))
}

pub fn role_plural(role: Role, locale: Locale) -> String {
    crate::i18n::text(locale, &Msg::new("role-plural").shown("role", role))
}

pub fn role_singular(role: Role, locale: Locale) -> String {
    crate::i18n::text(locale, &Msg::new("role-singular").shown("role", role))
}

/// `a`, `a and b`, `a, b and c` in the reader's language (`a、b和c`).
pub fn join_and_in<S: AsRef<str>>(items: &[S], locale: Locale) -> String {
    join_in(items, locale, "join-and")
}

/// `a`, `a or b`, `a, b or c` in the reader's language; `nobody` for none.
pub fn join_or_in<S: AsRef<str>>(items: &[S], locale: Locale) -> String {
    if items.is_empty() {
        return t!(locale, "nobody");
    }
    join_in(items, locale, "join-or")
}

fn join_in<S: AsRef<str>>(items: &[S], locale: Locale, key: &'static str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            let separator = t!(locale, "list-separator");
            let msg = Msg::new(key).arg("init", init.join(&separator)).arg("last", last.as_ref());
            crate::i18n::text(locale, &msg)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_quoted_in_part_with_its_length() {
        let long = "x".repeat(10_000);
        let quoted = quote(&long, 300, Locale::En);
        assert!(quoted.chars().count() < 400);
        assert!(quoted.contains("10000 characters in all"), "{quoted}");
        let quoted = quote(&long, 300, Locale::ZhCn);
        assert!(quoted.contains("共 10000 个字符"), "{quoted}");
    }

    #[test]
    fn titles_take_the_first_line_and_cut_at_a_char_boundary() {
        assert_eq!(title("\n  屏幕闪烁严重\nmore", 4), "屏幕闪烁…");
        assert_eq!(title("short", 80), "short");
    }
}
