//! A timeline event in words, as `/tickets/T-n` shows it in the reader's language: the page's own
//! wording from the catalogue (`web-event-*`). The operator's command line keeps its English view
//! (`inspect::describe`); what people wrote is quoted as it is, on one line and cut.

use chrono_tz::Tz;

use super::lang;
use crate::domain::{AssignedVia, EventKind, Locale, TicketRef};
use crate::inspect::quoted;
use crate::t;

/// How much of what someone wrote a timeline row quotes.
const QUOTED_CHARS: usize = 200;

/// `kind` in `locale`; instants it names are in `zone` (the page's, the ops time zone).
pub(super) fn describe(locale: Locale, zone: Tz, kind: &EventKind) -> String {
    let q = |text: &str| quoted(text, QUOTED_CHARS);
    let because = |reason: Option<&str>| {
        reason.map(|r| t!(locale, "web-event-because", reason = q(r))).unwrap_or_default()
    };
    let now_with = |person: Option<&str>| {
        person.map(|p| t!(locale, "web-event-now-with", person = q(p))).unwrap_or_default()
    };
    let files = |count: usize| t!(locale, "web-event-files", count = count);
    let tickets = |refs: &[TicketRef]| {
        let refs: Vec<String> = refs.iter().map(ToString::to_string).collect();
        lang::list(locale, &refs)
    };
    #[allow(
        unreachable_patterns,
        reason = "a kind added to the timeline later reads as the operator's English view until it is worded here"
    )]
    match kind {
        EventKind::Created { text, attachments, .. } => {
            t!(locale, "web-event-created", text = q(text), files = files(attachments.len()))
        }
        EventKind::Message { text, attachments, .. } => {
            t!(locale, "web-event-message", text = q(text), files = files(attachments.len()))
        }
        EventKind::Classified { domain, kind, severity, reason, assignee } => {
            let mut parts = Vec::new();
            if let Some(domain) = domain {
                parts.push(t!(locale, "web-event-part-domain", domain = q(domain)));
            }
            if let Some(kind) = kind {
                parts.push(t!(locale, "web-event-part-kind", kind = lang::kind(locale, *kind)));
            }
            if let Some(severity) = severity {
                parts.push(t!(locale, "web-event-part-severity", severity = severity.to_string()));
            }
            t!(
                locale,
                "web-event-classified",
                parts = lang::list(locale, &parts),
                now_with = now_with(assignee.as_deref()),
                because = because(reason.as_deref())
            )
        }
        EventKind::Assigned { assignee, via } => match via {
            AssignedVia::Routing => t!(locale, "web-event-assigned-routing", person = q(assignee)),
            AssignedVia::Command => t!(locale, "web-event-assigned", person = q(assignee)),
        },
        EventKind::Claimed { assignee, previous, reason } => {
            let from =
                previous.as_deref().map(|p| t!(locale, "web-event-from", person = q(p))).unwrap_or_default();
            t!(
                locale,
                "web-event-claimed",
                person = q(assignee),
                from = from,
                because = because(reason.as_deref())
            )
        }
        EventKind::Unassigned { previous, assignee } => {
            let next = match assignee {
                Some(a) => t!(locale, "web-event-now-with-next", person = q(a)),
                None => t!(locale, "web-event-nobody-has-it"),
            };
            t!(locale, "web-event-unassigned", person = q(previous), next = next)
        }
        EventKind::TierChanged { from, to, reason } => t!(
            locale,
            "web-event-tier-changed",
            from = from.to_string(),
            to = to.to_string(),
            reason = q(reason)
        ),
        EventKind::Escalated { from, to, reason, assignee } => t!(
            locale,
            "web-event-escalated",
            from = from.to_string(),
            to = to.to_string(),
            now_with = now_with(assignee.as_deref()),
            reason = q(reason)
        ),
        EventKind::SeverityChanged { from, to, reason } => t!(
            locale,
            "web-event-severity-changed",
            from = from.map_or_else(|| lang::DASH.to_owned(), |s| s.to_string()),
            to = to.to_string(),
            because = because(reason.as_deref())
        ),
        EventKind::Note { text } => t!(locale, "web-event-note", text = q(text)),
        EventKind::SlaAlarm { clock, alarm, threshold, due } => {
            let (clock_kind, tier) = match clock.split_once('-') {
                Some((kind, tier)) => (kind, tier),
                None => (clock.as_str(), ""),
            };
            let clock = t!(locale, "clock-name-lower", kind = clock_kind, tier = tier);
            let share = threshold
                .map(|t| t!(locale, "web-event-share", percent = format!("{:.0}", t * 100.0)))
                .unwrap_or_default();
            let due = due
                .map(|d| t!(locale, "web-event-due", due = lang::when(locale, d, zone)))
                .unwrap_or_default();
            match alarm.as_str() {
                "breach" => t!(locale, "web-event-sla-breach", clock = clock, due = due),
                _ => t!(locale, "web-event-sla-warning", clock = clock, share = share, due = due),
            }
        }
        EventKind::StaffReply { text, relayed: true } => {
            t!(locale, "web-event-staff-reply-relayed", text = q(text))
        }
        EventKind::StaffReply { text, relayed: false } => t!(locale, "web-event-staff-reply", text = q(text)),
        EventKind::Waiting { reason } => {
            t!(locale, "web-event-waiting", because = because(reason.as_deref()))
        }
        EventKind::Resumed => t!(locale, "web-event-resumed"),
        EventKind::Resolved { resolution, .. } => t!(locale, "web-event-resolved", text = q(resolution)),
        EventKind::Closed { reason, comment, article } => {
            let article = article
                .as_deref()
                .map(|a| t!(locale, "web-event-by-article", article = q(a)))
                .unwrap_or_default();
            t!(
                locale,
                "web-event-closed",
                reason = lang::close_reason(locale, *reason),
                article = article,
                because = because(comment.as_deref())
            )
        }
        EventKind::NeedsHelp => t!(locale, "web-event-needs-help"),
        EventKind::ArticleDrafted { article } => {
            t!(locale, "web-event-article-drafted", article = q(article))
        }
        EventKind::ArticlePublished { article } => {
            t!(locale, "web-event-article-published", article = q(article))
        }
        EventKind::Reopened { reason } => {
            t!(locale, "web-event-reopened", because = because(reason.as_deref()))
        }
        EventKind::Linked { other, relation } => t!(
            locale,
            "web-event-linked",
            ticket = other.to_string(),
            relation = lang::relation(locale, *relation)
        ),
        EventKind::Refused { command, reason } => {
            t!(locale, "web-event-refused", command = q(command), reason = q(reason))
        }
        EventKind::StatusChanged { from, to } => t!(
            locale,
            "web-event-status-changed",
            from = lang::status(locale, *from),
            to = lang::status(locale, *to)
        ),
        EventKind::SRequested { reason, .. } => t!(locale, "web-event-s-requested", reason = q(reason)),
        EventKind::SDeclined { reason } => t!(locale, "web-event-s-declined", reason = q(reason)),
        EventKind::WarRoomOpened { room, leader, roster } => {
            let roster: Vec<String> = roster.iter().map(|p| q(p)).collect();
            t!(
                locale,
                "web-event-war-room-opened",
                room = q(room),
                leader = leader.as_deref().map_or_else(|| lang::DASH.to_owned(), q),
                roster = lang::list(locale, &roster)
            )
        }
        EventKind::RoomInvited { user } => t!(locale, "web-event-room-invited", person = q(user)),
        EventKind::TimelineEntry { text, .. } => t!(locale, "web-event-timeline-entry", text = q(text)),
        EventKind::CustomerUpdate { text } => t!(locale, "web-event-customer-update", text = q(text)),
        EventKind::IncidentReported { report } => {
            t!(locale, "web-event-incident-reported", root_cause = q(&report.root_cause))
        }
        EventKind::RoomArchived => t!(locale, "web-event-room-archived"),
        EventKind::Rated { score } => t!(locale, "web-event-rated", score = *score),
        EventKind::ConfirmationReminded => t!(locale, "web-event-confirmation-reminded"),
        EventKind::MessageMoved { message_id, from, to, text } => t!(
            locale,
            "web-event-message-moved",
            message = message_id.to_string(),
            from = from.to_string(),
            to = to.to_string(),
            text = q(text)
        ),
        EventKind::RoomReopened => t!(locale, "web-event-room-reopened"),
        EventKind::StormProposed { tickets: refs, owners } => t!(
            locale,
            "web-event-storm-proposed",
            tickets = tickets(refs),
            owners = lang::list(locale, owners)
        ),
        EventKind::StormConfirmed { tickets: refs } => {
            t!(locale, "web-event-storm-confirmed", tickets = tickets(refs))
        }
        EventKind::StormDeclined { tickets: refs, reason } => t!(
            locale,
            "web-event-storm-declined",
            tickets = tickets(refs),
            because = because(reason.as_deref())
        ),
        other => crate::inspect::describe(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CloseReason, Kind, Severity, Status};

    #[test]
    fn events_read_in_the_readers_language_quoting_what_people_wrote() {
        let classified = EventKind::Classified {
            domain: Some("screen".into()),
            kind: Some(Kind::Fault),
            severity: Some(Severity::P2),
            reason: None,
            assignee: Some("bob".into()),
        };
        assert_eq!(
            describe(Locale::En, Tz::UTC, &classified),
            "classified: domain screen, kind fault, severity P2 (now with bob)"
        );
        assert_eq!(
            describe(Locale::ZhCn, Tz::UTC, &classified),
            "已分类：领域 screen、类型 故障、严重程度 P2（现由 bob 处理）"
        );
        let status = EventKind::StatusChanged { from: Status::New, to: Status::WaitingCustomer };
        assert_eq!(describe(Locale::ZhCn, Tz::UTC, &status), "状态 新建 → 等待客户");
        let closed =
            EventKind::Closed { reason: CloseReason::SelfServed, comment: None, article: Some("a-1".into()) };
        assert_eq!(describe(Locale::En, Tz::UTC, &closed), "closed (self-served) by article a-1");
        let created = EventKind::Created {
            customer: "alice".into(),
            text: "屏幕\n闪烁".into(),
            message_id: Some(1),
            attachments: Vec::new(),
            domain: None,
            kind: None,
            severity: None,
            assignee: None,
            suggested: Vec::new(),
        };
        assert_eq!(describe(Locale::ZhCn, Tz::UTC, &created), "创建了工单，内容：屏幕 闪烁");
    }
}
