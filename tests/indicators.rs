//! The cockpit's four indicators (issue 13): a scripted history through the engine whose answers
//! are written here, on SQLite and on PostgreSQL; and a bigger seeded history on both databases,
//! whose indicators must agree with each other and with a brute-force reading of every timeline.
//! Both histories are written with the indicators' rollups built, so the store keeps them in step as
//! it writes; every figure the rollups give must equal the one the timeline gives.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{Driver, TestDb, ok, reply, resolvd};
use resolvd::domain::indicators::{
    Confirmation, DayFlow, DomainHandling, Handling, IndicatorFilter, IndicatorQuery, Indicators,
    KindHandling, Revisits, nearest_rank, rollup::rounded,
};
use resolvd::domain::{CloseReason, Event, EventKind, Kind, Severity, Status, Ticket, TicketRef, Tier};
use resolvd::store::{NewTicket, Store};

on_both_databases!(
    a_scripted_week_gives_the_numbers_worked_out_by_hand,
    writers_at_once_keep_the_rollups_exact,
    the_binary_builds_the_rollups_in_the_ops_zone_and_keeps_them_as_it_writes,
);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn shanghai(from: &str, to: &str, filter: IndicatorFilter) -> IndicatorQuery {
    IndicatorQuery { from: date(from), to: date(to), time_zone: chrono_tz::Asia::Shanghai, filter }
}

fn day(d: &str, open_at_start: i64, created: i64, closed: i64) -> DayFlow {
    let whole = open_at_start + created;
    DayFlow {
        date: date(d),
        open_at_start,
        created,
        closed,
        close_rate: (whole > 0).then(|| closed as f64 / whole as f64),
    }
}

/// Handling with its rate from the counts.
fn handling(tickets: i64, resolved: i64, wall: (i64, i64), business: (i64, i64), on_time: i64) -> Handling {
    Handling {
        tickets,
        resolved,
        median_secs: Some(rounded(wall.0)),
        p90_secs: Some(rounded(wall.1)),
        median_business_secs: Some(rounded(business.0)),
        p90_business_secs: Some(rounded(business.1)),
        on_time,
        on_time_rate: Some(on_time as f64 / resolved as f64),
    }
}

fn unresolved(tickets: i64) -> Handling {
    Handling { tickets, ..Handling::default() }
}

/// A week of the desk in Shanghai (UTC+8), Friday 2026-11-20 to Wednesday 2026-11-25:
///
/// - T-1 alice, screen fault P2, Fri 22:00 → resolved Sat 10:00 (12 h; 2 business hours: the
///   weekend does not count) → rated 5, confirmed Sat 12:00.
/// - T-2 mallory, rf consult P3, Fri 23:30 → resolved Sat 00:30, across midnight (1 h) → "not fixed"
///   Sat 09:00 → resolved again Sun 10:00 (34.5 h; no business hours) → reminded, auto-confirmed
///   Wed 10:01.
/// - T-3 quinn, unclassified, Sat 11:00, never answered.
/// - T-4 rosa, rf fault P1, Sun 09:00; its first response is due Mon 10:00 and never comes: the
///   sweep at Mon 11:00 records a breach.
/// - T-5 sam, screen fault P2, Mon 09:00 → resolved Mon 13:00 (4 h) → confirmed Mon 14:00, rated 3 →
///   reopened by staff Tue 10:00 → resolved again Tue 12:00 (27 h, of which 21 h resolved: 6
///   business hours) and still waiting for the customer.
/// - T-6 tom, screen fault P2, Tue 16:00 → closed by staff Tue 17:00.
async fn a_scripted_week(d: &Driver) {
    d.set_time(at("2026-11-20T14:00:00Z"));
    d.message("alice", "my screen flickers").await;
    d.set_time(at("2026-11-20T15:30:00Z"));
    d.message("mallory", "a question about my contract").await;
    d.command("bob", "classify ticket:T-2 domain:rf kind:consult severity:P3").await;
    d.set_time(at("2026-11-20T16:30:00Z"));
    d.command("carol", "resolve ticket:T-2 resolution:\"explained the terms\"").await;
    d.set_time(at("2026-11-21T01:00:00Z"));
    assert!(reply(&d.press("mallory", "notfixed:T-2").await).contains("We reopened T-2"));
    d.set_time(at("2026-11-21T02:00:00Z"));
    d.command("carol", "resolve ticket:T-1 resolution:\"driver update\"").await;
    d.set_time(at("2026-11-21T03:00:00Z"));
    d.message("quinn", "hello, I need a copy of an invoice").await;
    d.set_time(at("2026-11-21T04:00:00Z"));
    d.press("alice", "rate:T-1:5").await;
    d.set_time(at("2026-11-21T04:00:10Z"));
    d.press("alice", "confirm:T-1").await;
    d.set_time(at("2026-11-22T01:00:00Z"));
    d.message("rosa", "no service on every phone").await;
    d.command("bob", "classify ticket:T-4 domain:rf kind:fault severity:P1").await;
    d.set_time(at("2026-11-22T02:00:00Z"));
    d.command("carol", "resolve ticket:T-2 resolution:\"sent the contract again\"").await;
    d.set_time(at("2026-11-23T01:00:00Z"));
    d.message("sam", "the screen has dead pixels").await;
    d.engine.sla_sweep(at("2026-11-23T03:00:00Z")).await.unwrap();
    d.engine.confirmation_sweep(at("2026-11-23T03:00:00Z")).await.unwrap();
    d.set_time(at("2026-11-23T05:00:00Z"));
    d.command("carol", "resolve ticket:T-5 resolution:\"replaced the panel\"").await;
    d.set_time(at("2026-11-23T06:00:00Z"));
    d.press("sam", "confirm:T-5").await;
    d.set_time(at("2026-11-23T06:00:30Z"));
    d.press("sam", "rate:T-5:3").await;
    d.set_time(at("2026-11-24T02:00:00Z"));
    d.command("bob", "reopen ticket:T-5 reason:\"the pixels came back\"").await;
    d.set_time(at("2026-11-24T04:00:00Z"));
    d.command("carol", "resolve ticket:T-5 resolution:\"replaced the whole screen\"").await;
    d.set_time(at("2026-11-24T08:00:00Z"));
    d.message("tom", "my brightness is stuck").await;
    d.set_time(at("2026-11-24T09:00:00Z"));
    d.command("bob", "close ticket:T-6 reason:\"a duplicate of a call\"").await;
    d.engine.confirmation_sweep(at("2026-11-25T02:01:00Z")).await.unwrap();
}

/// The indicators from the store, which must be the timeline's figures too.
async fn indicators(store: &dyn Store, q: &IndicatorQuery) -> Indicators {
    let fast = store.indicators(q).await.unwrap();
    assert_eq!(
        fast,
        store.indicators_from_timeline(q).await.unwrap(),
        "the rollups beside the timeline for {q:?}"
    );
    fast
}

async fn a_scripted_week_gives_the_numbers_worked_out_by_hand(db: &TestDb) {
    let d = Driver::new(db);
    let shanghai_zone = chrono_tz::Asia::Shanghai;
    assert_eq!(d.store().indicator_rollups_zone().await.unwrap(), None, "never built");
    assert_eq!(d.store().rebuild_indicator_rollups(shanghai_zone).await.unwrap(), 0);
    a_scripted_week(&d).await;
    let store = d.store();
    assert_eq!(store.indicator_rollups_zone().await.unwrap(), Some(shanghai_zone), "kept, not rebuilt");
    let statuses: Vec<Status> = futures_statuses(store, 6).await.into_iter().map(|t| t.status).collect();
    use Status::*;
    assert_eq!(statuses, [Closed, Closed, New, Open, Resolved, Closed], "the script ran as written");

    let week =
        indicators(store.as_ref(), &shanghai("2026-11-20", "2026-11-25", IndicatorFilter::default())).await;
    assert_eq!(week.time_zone, "Asia/Shanghai");
    assert_eq!(
        week.inflow,
        [
            day("2026-11-20", 0, 2, 0),
            day("2026-11-21", 2, 1, 1),
            day("2026-11-22", 2, 1, 0),
            day("2026-11-23", 3, 1, 1),
            // T-5 closed on the 23rd and reopened on the 24th: open again at the 25th's start.
            day("2026-11-24", 3, 1, 1),
            day("2026-11-25", 4, 0, 1),
        ]
    );
    // A command lands a second after the time set for it (the driver's clock ticks once more).
    let fault = handling(4, 2, (12 * 3600 + 1, 27 * 3600 + 1), (2 * 3600, 6 * 3600 + 1), 2);
    let consult = handling(1, 1, (34 * 3600 + 1801, 34 * 3600 + 1801), (0, 0), 1);
    assert_eq!(
        week.by_kind,
        [
            KindHandling { kind: Some(Kind::Fault), handling: fault.clone() },
            KindHandling { kind: Some(Kind::Consult), handling: consult.clone() },
            KindHandling { kind: None, handling: unresolved(1) },
        ]
    );
    let screen = handling(3, 2, (12 * 3600 + 1, 27 * 3600 + 1), (2 * 3600, 6 * 3600 + 1), 2);
    assert_eq!(
        week.by_domain,
        [
            DomainHandling {
                domain: Some("rf".into()),
                handling: Handling { tickets: 2, ..consult.clone() },
                open_now: 1,
                breached_now: 1,
            },
            DomainHandling { domain: Some("screen".into()), handling: screen, open_now: 0, breached_now: 0 },
            DomainHandling { domain: None, handling: unresolved(1), open_now: 1, breached_now: 0 },
        ]
    );
    assert_eq!(
        week.confirmation,
        Confirmation {
            cards: 5,
            confirmed: 2,
            auto_confirmed: 1,
            reopened: 1,
            pending: 1,
            closed_otherwise: 0,
            confirmed_share: Some(0.4),
            auto_confirmed_share: Some(0.2),
            reopened_share: Some(0.2),
            // Resolved → closed: T-5 1 h, T-1 2 h 9 s, T-2 3 days and a minute, each less the second
            // its resolve command came late.
            median_secs: Some(rounded(2 * 3600 + 9)),
            p90_secs: Some(rounded(3 * 86400 + 59)),
            mean_score: Some(4.0),
            scores: [0, 0, 1, 0, 1],
            // T-1 confirmed, T-2's first card "not fixed", T-5's first confirmed (and rated).
            response_rate: Some(0.6),
            revisits: Revisits::default(),
        }
    );

    // Saturday alone: the day after midnight holds T-2's first resolution and T-1's.
    let saturday =
        indicators(store.as_ref(), &shanghai("2026-11-21", "2026-11-21", IndicatorFilter::default())).await;
    assert_eq!(saturday.inflow, [day("2026-11-21", 2, 1, 1)]);
    assert_eq!(
        saturday.by_kind,
        [
            KindHandling {
                kind: Some(Kind::Fault),
                handling: handling(0, 1, (43201, 43201), (7200, 7200), 1)
            },
            KindHandling { kind: Some(Kind::Consult), handling: handling(0, 1, (3601, 3601), (0, 0), 1) },
            KindHandling { kind: None, handling: unresolved(1) },
        ]
    );
    let c = &saturday.confirmation;
    assert_eq!((c.cards, c.confirmed, c.reopened, c.pending, c.response_rate), (2, 1, 1, 0, Some(1.0)));
    assert_eq!((c.mean_score, c.scores), (Some(5.0), [0, 0, 0, 0, 1]));

    // Filters: rf only.
    let rf = IndicatorFilter { domain: Some("rf".into()), ..IndicatorFilter::default() };
    let rf_week = indicators(store.as_ref(), &shanghai("2026-11-20", "2026-11-25", rf)).await;
    let created: Vec<i64> = rf_week.inflow.iter().map(|d| d.created).collect();
    let closed: Vec<i64> = rf_week.inflow.iter().map(|d| d.closed).collect();
    let open: Vec<i64> = rf_week.inflow.iter().map(|d| d.open_at_start).collect();
    assert_eq!(
        (created, closed, open),
        (vec![1, 0, 1, 0, 0, 0], vec![0, 0, 0, 0, 0, 1], vec![0, 1, 1, 2, 2, 2])
    );
    assert_eq!(rf_week.by_kind.len(), 2);
    assert_eq!(rf_week.by_domain.iter().map(|d| d.domain.as_deref()).collect::<Vec<_>>(), [Some("rf")]);
    let c = &rf_week.confirmation;
    assert_eq!((c.cards, c.reopened, c.auto_confirmed, c.scores), (2, 1, 1, [0; 5]));
    // Severity and customer filters.
    let p1 = IndicatorFilter { severity: Some(Severity::P1), ..IndicatorFilter::default() };
    let p1_week = indicators(store.as_ref(), &shanghai("2026-11-20", "2026-11-25", p1)).await;
    assert_eq!(p1_week.inflow.iter().map(|d| d.created).sum::<i64>(), 1);
    assert_eq!(p1_week.by_domain[0].breached_now, 1);
    let sam = IndicatorFilter {
        customer: Some("sam".into()),
        kind: Some(Kind::Fault),
        ..IndicatorFilter::default()
    };
    let sams = indicators(store.as_ref(), &shanghai("2026-11-20", "2026-11-25", sam)).await;
    assert_eq!(sams.confirmation.cards, 2);
    assert_eq!(sams.confirmation.mean_score, Some(3.0));
    // A week with nothing in it.
    let empty =
        indicators(store.as_ref(), &shanghai("2026-12-01", "2026-12-03", IndicatorFilter::default())).await;
    // T-3, T-4 and T-5 are still open (T-2 closed on the 25th).
    assert_eq!(empty.inflow.iter().map(|d| d.open_at_start).collect::<Vec<_>>(), [3, 3, 3]);
    assert_eq!(empty.inflow[0].close_rate, Some(0.0));
    assert_eq!(empty.confirmation, Confirmation::default());
}

async fn futures_statuses(store: &std::sync::Arc<dyn Store>, n: i64) -> Vec<Ticket> {
    let mut tickets = Vec::new();
    for i in 1..=n {
        tickets.push(store.ticket(TicketRef(i)).await.unwrap().unwrap());
    }
    tickets
}

// ------------------------------------------------------------------------------------------------
// A bigger seeded history, written straight through the store.

/// A small deterministic generator (64-bit LCG), so both databases get the same history.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

const CUSTOMERS: [&str; 5] = ["c1", "c2", "c3", "c4", "c5"];

/// One ticket's story: its row as it ends and its events in order.
struct Story {
    ticket: NewTicket,
    status: Status,
    close_reason: Option<CloseReason>,
    events: Vec<(String, DateTime<Utc>, EventKind)>,
}

fn story(rng: &mut Rng, start: DateTime<Utc>, customer: &str) -> Story {
    let mut t = start + Duration::seconds(rng.below(24 * 86400) as i64);
    let created_at = t;
    let mut step = |rng: &mut Rng, max_hours: u64| {
        t += Duration::seconds(60 + rng.below(max_hours * 3600) as i64);
        t
    };
    let kind = rng.pick(&[None, Some(Kind::Fault), Some(Kind::Consult), Some(Kind::Query)]);
    let domain = rng.pick(&[None, Some("screen"), Some("rf"), Some("antenna")]).map(str::to_owned);
    let severity = rng.pick(&[None, Some(Severity::P1), Some(Severity::P2), Some(Severity::P3)]);
    let mut events = vec![(
        customer.to_owned(),
        created_at,
        EventKind::Created {
            customer: customer.to_owned(),
            text: "it broke".into(),
            message_id: None,
            attachments: vec![],
            domain: domain.clone(),
            kind,
            severity,
            assignee: None,
            suggested: vec![],
        },
    )];
    let (mut status, mut close_reason) = (Status::New, None);
    let staff = |rng: &mut Rng| rng.pick(&["bob", "carol"]).to_owned();
    if rng.chance(30) {
        let clock = rng.pick(&["response", "resolution", "ola-l1"]);
        let alarm = rng.pick(&["warning", "breach"]);
        let at = step(rng, 10);
        events.push((
            "resolvd".into(),
            at,
            EventKind::SlaAlarm { clock: clock.into(), alarm: alarm.into(), threshold: None, due: Some(at) },
        ));
    }
    let mut rounds = 0;
    loop {
        rounds += 1;
        if !rng.chance(75) {
            break;
        }
        let at = step(rng, 8);
        events.push((staff(rng), at, EventKind::StaffReply { text: "looking".into(), relayed: false }));
        status = Status::Open;
        if rng.chance(20) {
            // Closed by staff without a resolution; sometimes reopened later.
            let at = step(rng, 30);
            events.push((
                staff(rng),
                at,
                EventKind::Closed { reason: CloseReason::ClosedByStaff, comment: None, article: None },
            ));
            (status, close_reason) = (Status::Closed, Some(CloseReason::ClosedByStaff));
            if rounds < 3 && rng.chance(30) {
                let at = step(rng, 48);
                events.push((staff(rng), at, EventKind::Reopened { reason: None }));
                (status, close_reason) = (Status::Open, None);
                continue;
            }
            break;
        }
        if !rng.chance(80) {
            break;
        }
        let resolved_at = step(rng, 60);
        let business = rng.chance(90).then(|| rng.below(40 * 3600) as i64);
        let on_time = rng.pick(&[None, Some(true), Some(true), Some(false)]);
        events.push((
            staff(rng),
            resolved_at,
            EventKind::Resolved { resolution: "fixed".into(), business_secs: business, on_time },
        ));
        status = Status::Resolved;
        if rng.chance(40) {
            let at = step(rng, 30);
            events.push((customer.to_owned(), at, EventKind::Rated { score: 1 + rng.below(5) as u8 }));
        }
        match rng.below(10) {
            0..=3 => {
                let at = step(rng, 40);
                events.push((
                    customer.to_owned(),
                    at,
                    EventKind::Closed { reason: CloseReason::Confirmed, comment: None, article: None },
                ));
                (status, close_reason) = (Status::Closed, Some(CloseReason::Confirmed));
            }
            4..=5 => {
                let at = step(rng, 72);
                events.push((
                    "resolvd".into(),
                    at,
                    EventKind::Closed { reason: CloseReason::AutoConfirmed, comment: None, article: None },
                ));
                (status, close_reason) = (Status::Closed, Some(CloseReason::AutoConfirmed));
            }
            6 => {
                let at = step(rng, 40);
                events.push((
                    customer.to_owned(),
                    at,
                    EventKind::Closed { reason: CloseReason::ClosedByCustomer, comment: None, article: None },
                ));
                (status, close_reason) = (Status::Closed, Some(CloseReason::ClosedByCustomer));
            }
            7..=8 if rounds < 3 => {
                let at = step(rng, 40);
                let who = if rng.chance(70) { customer.to_owned() } else { staff(rng) };
                events.push((who, at, EventKind::Reopened { reason: None }));
                status = Status::Open;
                continue;
            }
            _ => {}
        }
        // A closed ticket is now and then reopened by staff and worked again.
        if status == Status::Closed && rounds < 3 && rng.chance(15) {
            let at = step(rng, 72);
            events.push((staff(rng), at, EventKind::Reopened { reason: None }));
            (status, close_reason) = (Status::Open, None);
            continue;
        }
        if rng.chance(20) {
            let at = step(rng, 48);
            events.push((customer.to_owned(), at, EventKind::Rated { score: 1 + rng.below(5) as u8 }));
        }
        break;
    }
    Story {
        ticket: NewTicket {
            kind,
            domain,
            severity,
            tier: Tier::L1,
            assignee: None,
            customer: customer.to_owned(),
            conversation: format!("direct:{customer}"),
            title: "it broke".into(),
            at: created_at,
        },
        status,
        close_reason,
        events,
    }
}

async fn seed(store: &dyn Store, seed: u64, count: usize) {
    let mut rng = Rng(seed);
    let start = at("2026-03-14T00:00:00Z");
    let mut tx = store.begin().await.unwrap();
    for i in 0..count {
        let customer = CUSTOMERS[i % CUSTOMERS.len()];
        let s = story(&mut rng, start, customer);
        let mut ticket = tx.insert_ticket(&s.ticket).await.unwrap();
        for (actor, at, kind) in s.events {
            tx.append_event(&Event { ticket: Some(ticket.reference), actor, at, kind }).await.unwrap();
        }
        ticket.status = s.status;
        ticket.close_reason = s.close_reason;
        tx.update_ticket(&ticket).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// The nearest-rank value as the indicators report it: the middle of its histogram bucket (exact
/// below 1,024 seconds, within 2.5% above).
fn rank(sorted: &[i64], percent: usize) -> Option<i64> {
    nearest_rank(sorted, percent).map(rounded)
}

/// The indicators computed the slow way, from every ticket's timeline, by the README's definitions.
async fn brute_force(store: &dyn Store, q: &IndicatorQuery) -> Indicators {
    let tz = q.time_zone;
    let local = |at: DateTime<Utc>| at.with_timezone(&tz).date_naive();
    let in_range = |at: DateTime<Utc>| (q.from..=q.to).contains(&local(at));
    let mut tickets = Vec::new();
    for ticket in store.tickets(None).await.unwrap() {
        let f = &q.filter;
        let keep = f.domain.as_ref().is_none_or(|d| ticket.domain.as_ref() == Some(d))
            && f.severity.is_none_or(|s| ticket.severity == Some(s))
            && f.kind.is_none_or(|k| ticket.kind == Some(k))
            && f.customer.as_ref().is_none_or(|c| &ticket.customer == c);
        if keep {
            let timeline = store.timeline(ticket.reference).await.unwrap();
            tickets.push((ticket, timeline));
        }
    }
    let days: Vec<NaiveDate> = q.from.iter_days().take_while(|d| *d <= q.to).collect();
    let ratio = |part: i64, whole: i64| (whole > 0).then(|| part as f64 / whole as f64);

    // Indicator 1.
    let mut inflow = Vec::new();
    for day in &days {
        let on_day = |kind: &str| {
            tickets
                .iter()
                .flat_map(|(_, events)| events)
                .filter(|e| e.kind.type_name() == kind && local(e.at) == *day)
                .count() as i64
        };
        let open_at_start = tickets
            .iter()
            .filter(|(_, events)| {
                let before: Vec<&Event> = events.iter().filter(|e| local(e.at) < *day).collect();
                let created = before.iter().any(|e| matches!(e.kind, EventKind::Created { .. }));
                let last = before
                    .iter()
                    .rev()
                    .find(|e| matches!(e.kind, EventKind::Closed { .. } | EventKind::Reopened { .. }));
                created && !last.is_some_and(|e| matches!(e.kind, EventKind::Closed { .. }))
            })
            .count() as i64;
        let (created, closed) = (on_day("created"), on_day("closed"));
        inflow.push(DayFlow {
            date: *day,
            open_at_start,
            created,
            closed,
            close_rate: ratio(closed, open_at_start + created),
        });
    }

    // Indicators 2 and 3.
    #[derive(Default)]
    struct Group {
        tickets: i64,
        wall: Vec<i64>,
        business: Vec<i64>,
        on_time: i64,
        open_now: i64,
        breached_now: i64,
        seen: bool,
    }
    let mut kinds: BTreeMap<(bool, usize), (Option<Kind>, Group)> = BTreeMap::new();
    let mut domains: BTreeMap<(bool, Option<String>), Group> = BTreeMap::new();
    use strum::VariantArray;
    for (ticket, events) in &tickets {
        let kind_key = (
            ticket.kind.is_none(),
            ticket.kind.map_or(0, |k| Kind::VARIANTS.iter().position(|v| *v == k).unwrap()),
        );
        let domain_key = (ticket.domain.is_none(), ticket.domain.clone());
        let created = events.iter().find(|e| matches!(e.kind, EventKind::Created { .. })).unwrap();
        let created_here = in_range(created.at);
        let resolution =
            events.iter().rev().find(|e| matches!(e.kind, EventKind::Resolved { .. }) && in_range(e.at));
        let settled = events
            .iter()
            .rev()
            .find(|e| {
                matches!(
                    e.kind,
                    EventKind::Resolved { .. } | EventKind::Closed { .. } | EventKind::Reopened { .. }
                )
            })
            .is_some_and(|e| !matches!(e.kind, EventKind::Reopened { .. }));
        let breached = events.iter().any(|e| {
            matches!(&e.kind, EventKind::SlaAlarm { clock, alarm, .. }
                if alarm == "breach" && (clock == "response" || clock == "resolution"))
        });
        let add = |group: &mut Group, with_open: bool| {
            if created_here {
                group.tickets += 1;
                group.seen = true;
            }
            if let Some(r) = resolution {
                let EventKind::Resolved { business_secs, on_time, .. } = &r.kind else { unreachable!() };
                group.wall.push(r.at.timestamp() - created.at.timestamp());
                group.business.extend(business_secs);
                group.on_time += i64::from(*on_time != Some(false));
                group.seen = true;
            }
            if with_open && !settled {
                group.open_now += 1;
                group.breached_now += i64::from(breached);
                group.seen = true;
            }
        };
        add(&mut kinds.entry(kind_key).or_insert_with(|| (ticket.kind, Group::default())).1, false);
        add(domains.entry(domain_key).or_default(), true);
    }
    let handling = |g: &mut Group| {
        g.wall.sort();
        g.business.sort();
        let resolved = g.wall.len() as i64;
        Handling {
            tickets: g.tickets,
            resolved,
            median_secs: rank(&g.wall, 50),
            p90_secs: rank(&g.wall, 90),
            median_business_secs: rank(&g.business, 50),
            p90_business_secs: rank(&g.business, 90),
            on_time: g.on_time,
            on_time_rate: ratio(g.on_time, resolved),
        }
    };
    let by_kind = kinds
        .into_values()
        .filter(|(_, g)| g.seen)
        .map(|(kind, mut g)| KindHandling { kind, handling: handling(&mut g) })
        .collect();
    let by_domain = domains
        .into_iter()
        .filter(|(_, g)| g.seen)
        .map(|((_, domain), mut g)| DomainHandling {
            domain,
            handling: handling(&mut g),
            open_now: g.open_now,
            breached_now: g.breached_now,
        })
        .collect();

    // Indicator 4.
    let mut c = Confirmation::default();
    let (mut settled_secs, mut answered) = (Vec::new(), 0);
    let (mut sum, mut count) = (0i64, 0i64);
    for (ticket, events) in &tickets {
        for (i, e) in events.iter().enumerate() {
            if let EventKind::Rated { score } = e.kind
                && in_range(e.at)
            {
                c.scores[usize::from(score) - 1] += 1;
                sum += i64::from(score);
                count += 1;
            }
            if !matches!(e.kind, EventKind::Resolved { .. }) || !in_range(e.at) {
                continue;
            }
            c.cards += 1;
            let later = &events[i + 1..];
            let next_card = later
                .iter()
                .position(|n| matches!(n.kind, EventKind::Resolved { .. }))
                .unwrap_or(later.len());
            let rated = later[..next_card].iter().any(|n| matches!(n.kind, EventKind::Rated { .. }));
            let answer = later
                .iter()
                .find(|n| matches!(n.kind, EventKind::Closed { .. } | EventKind::Reopened { .. }));
            let customer_answered = match answer.map(|n| (&n.kind, n)) {
                None => {
                    c.pending += 1;
                    false
                }
                Some((EventKind::Reopened { .. }, n)) => {
                    c.reopened += 1;
                    n.actor == ticket.customer
                }
                Some((EventKind::Closed { reason, .. }, n)) => {
                    match reason {
                        CloseReason::Confirmed => c.confirmed += 1,
                        CloseReason::AutoConfirmed => c.auto_confirmed += 1,
                        _ => c.closed_otherwise += 1,
                    }
                    if matches!(reason, CloseReason::Confirmed | CloseReason::AutoConfirmed) {
                        settled_secs.push(n.at.timestamp() - e.at.timestamp());
                    }
                    matches!(reason, CloseReason::Confirmed | CloseReason::ClosedByCustomer)
                }
                Some(_) => unreachable!(),
            };
            answered += i64::from(customer_answered || rated);
        }
    }
    settled_secs.sort();
    c.median_secs = rank(&settled_secs, 50);
    c.p90_secs = rank(&settled_secs, 90);
    c.confirmed_share = ratio(c.confirmed, c.cards);
    c.auto_confirmed_share = ratio(c.auto_confirmed, c.cards);
    c.reopened_share = ratio(c.reopened, c.cards);
    c.response_rate = ratio(answered, c.cards);
    c.mean_score = ratio(sum, count);

    Indicators {
        from: q.from,
        to: q.to,
        time_zone: tz.name().to_owned(),
        inflow,
        by_kind,
        by_domain,
        confirmation: c,
    }
}

/// Each query on each database: the store's answer (the rollups' where they serve it) equals the
/// timeline's, the brute force's, and the other database's.
async fn check(stores: &[&dyn Store], queries: &[IndicatorQuery]) {
    for q in queries {
        let expected = brute_force(stores[0], q).await;
        assert!(
            expected.confirmation.cards > 0 && !expected.by_kind.is_empty(),
            "the history has something in {q:?}"
        );
        for store in stores {
            let fast = store.indicators(q).await.unwrap();
            assert_eq!(fast, expected, "{:?} beside brute force for {q:?}", store.backend());
            let timeline = store.indicators_from_timeline(q).await.unwrap();
            assert_eq!(timeline, expected, "{:?}'s timeline beside brute force for {q:?}", store.backend());
        }
    }
}

/// Reclassifies every fifth ticket, confirms the cards still pending, and has every seventh
/// confirmed ticket reopened by its customer and resolved again, each an hour after its last event.
async fn rework(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    for ticket in store.tickets(None).await.unwrap() {
        let reference = ticket.reference;
        let mut ticket = tx.ticket_for_update(reference).await.unwrap().unwrap();
        let timeline = tx.timeline(reference).await.unwrap();
        let mut at = timeline.last().unwrap().at;
        let mut event = |actor: &str, kind: EventKind| {
            at += Duration::hours(1);
            Event { ticket: Some(reference), actor: actor.to_owned(), at, kind }
        };
        if reference.0 % 5 == 0 {
            ticket.domain = Some("id".into());
            ticket.kind = Some(Kind::Request);
            ticket.severity = Some(Severity::P1);
        }
        let confirmed = matches!(ticket.close_reason, Some(CloseReason::Confirmed));
        if ticket.status == Status::Resolved {
            let close = EventKind::Closed { reason: CloseReason::Confirmed, comment: None, article: None };
            tx.append_event(&event(&ticket.customer, close)).await.unwrap();
            (ticket.status, ticket.close_reason) = (Status::Closed, Some(CloseReason::Confirmed));
        } else if confirmed && reference.0 % 7 == 0 {
            let customer = ticket.customer.clone();
            tx.append_event(&event(&customer, EventKind::Reopened { reason: None })).await.unwrap();
            let resolved = EventKind::Resolved {
                resolution: "again".into(),
                business_secs: Some(900),
                on_time: Some(true),
            };
            tx.append_event(&event("carol", resolved)).await.unwrap();
            (ticket.status, ticket.close_reason) = (Status::Resolved, None);
        }
        tx.update_ticket(&ticket).await.unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_seeded_history_gives_the_same_indicators_on_both_databases_and_by_brute_force() {
    let sqlite = TestDb::sqlite().await;
    let postgres = TestDb::postgres().await;
    const SEED: u64 = 13;
    const TICKETS: usize = 400;
    // The rollups are built (for Berlin) before the history is written: every write keeps them.
    sqlite.store.rebuild_indicator_rollups(chrono_tz::Europe::Berlin).await.unwrap();
    seed(sqlite.store.as_ref(), SEED, TICKETS).await;
    if let Some(pg) = &postgres {
        pg.store.rebuild_indicator_rollups(chrono_tz::Europe::Berlin).await.unwrap();
        seed(pg.store.as_ref(), SEED, TICKETS).await;
    }
    let berlin = chrono_tz::Europe::Berlin;
    let kolkata = chrono_tz::Asia::Kolkata;
    let all = IndicatorFilter::default();
    let queries = [
        // Across the change to summer time on 2026-03-29.
        IndicatorQuery {
            from: date("2026-03-16"),
            to: date("2026-04-12"),
            time_zone: berlin,
            filter: all.clone(),
        },
        IndicatorQuery {
            from: date("2026-03-28"),
            to: date("2026-03-30"),
            time_zone: berlin,
            filter: all.clone(),
        },
        // A half-hour zone.
        IndicatorQuery {
            from: date("2026-03-20"),
            to: date("2026-04-02"),
            time_zone: kolkata,
            filter: all.clone(),
        },
        IndicatorQuery {
            from: date("2026-03-14"),
            to: date("2026-04-30"),
            time_zone: berlin,
            filter: IndicatorFilter { domain: Some("rf".into()), ..all.clone() },
        },
        IndicatorQuery {
            from: date("2026-03-18"),
            to: date("2026-04-08"),
            time_zone: kolkata,
            filter: IndicatorFilter {
                kind: Some(Kind::Fault),
                severity: Some(Severity::P2),
                customer: Some("c3".into()),
                ..all.clone()
            },
        },
    ];
    let stores: Vec<&dyn Store> =
        std::iter::once(sqlite.store.as_ref()).chain(postgres.iter().map(|pg| pg.store.as_ref())).collect();
    let wide = sqlite.store.indicators(&queries[0]).await.unwrap();
    let c = &wide.confirmation;
    assert!(
        c.confirmed > 0 && c.auto_confirmed > 0 && c.reopened > 0 && c.pending > 0 && c.closed_otherwise > 0,
        "every outcome occurs: {c:?}"
    );
    assert!(wide.by_domain.iter().any(|d| d.breached_now > 0) && wide.by_kind.len() == 4);
    // Written with the rollups kept in Berlin's days: Berlin's queries read them, Kolkata's (and a
    // customer's) the timeline.
    check(&stores, &queries).await;

    // Later changes: tickets reclassified, cards answered after the fact, a ticket reopened and
    // resolved once more.
    for store in &stores {
        rework(*store).await;
    }
    check(&stores, &queries).await;
    let kept = sqlite.store.indicators(&queries[0]).await.unwrap();
    assert_ne!(kept, wide, "the rework changed the figures");

    // The rollups kept on write are the ones a rebuild makes.
    for store in &stores {
        assert_eq!(store.indicator_rollups_zone().await.unwrap(), Some(berlin));
        assert!(store.rebuild_indicator_rollups(berlin).await.unwrap() >= TICKETS as u64);
        assert_eq!(store.indicators(&queries[0]).await.unwrap(), kept);
    }
    // The ops zone changes: rebuilt for Kolkata, its queries read the rollups; Berlin's the timeline.
    for store in &stores {
        store.rebuild_indicator_rollups(kolkata).await.unwrap();
        assert_eq!(store.indicator_rollups_zone().await.unwrap(), Some(kolkata));
    }
    check(&stores, &queries).await;
    sqlite.finish().await;
    if let Some(pg) = postgres {
        pg.finish().await;
    }
}

/// The days around now in `zone`, which console scripts run at.
fn around_today(zone: chrono_tz::Tz) -> IndicatorQuery {
    let today = Utc::now().with_timezone(&zone).date_naive();
    IndicatorQuery {
        from: today.pred_opt().unwrap().pred_opt().unwrap(),
        to: today.succ_opt().unwrap(),
        time_zone: zone,
        filter: IndicatorFilter::default(),
    }
}

/// `resolvd chat --script` as an operator runs it: start-up builds the rollups for `ops.time_zone`
/// on a new database, every write of the script keeps them, and /stats reads them; a restart with
/// another zone rebuilds them for it.
async fn the_binary_builds_the_rollups_in_the_ops_zone_and_keeps_them_as_it_writes(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let run = |zone: Option<&str>, script: &str| {
        let file = data.path().join("script.txt");
        std::fs::write(&file, script).unwrap();
        let mut command = resolvd(db, data.path());
        if let Some(zone) = zone {
            command.env("RESOLVD_OPS__TIME_ZONE", zone);
        }
        let stdout = ok(command.args(["chat", "--script"]).arg(&file).output().unwrap());
        assert!(!stdout.contains("internal error"), "{stdout}");
        stdout
    };
    let shanghai = chrono_tz::Asia::Shanghai;
    let stats = std::fs::read_to_string(common::repo_path("examples/stats.txt")).unwrap();
    let stdout = run(None, &stats);
    assert!(stdout.contains("1. Inflow: 2 created, 1 closed"), "{stdout}");
    assert!(stdout.contains("4. Resolution cards: 1 sent: 100% confirmed,"), "{stdout}");
    let store = db.store.as_ref();
    assert_eq!(store.indicator_rollups_zone().await.unwrap(), Some(shanghai), "built at start-up");
    let first = indicators(store, &around_today(shanghai)).await;
    assert_eq!(first.confirmation.cards, 1);

    // Reclassified, resolved, "not fixed", resolved again and confirmed: kept on write.
    let more = "bob: /classify ticket:T-2 domain:antenna kind:consult severity:P2\n\
                carol: /resolve ticket:T-2 resolution:\"new antenna\"\n\
                mallory: !press notfixed:T-2\n\
                carol: /resolve ticket:T-2 resolution:\"replaced the board\"\n\
                mallory: !press confirm:T-2\n\
                frank: /stats range:today\n";
    let stdout = run(None, more);
    assert!(stdout.contains("4. Resolution cards: 3 sent:"), "{stdout}");
    let second = indicators(store, &around_today(shanghai)).await;
    let c = &second.confirmation;
    assert_eq!((c.cards, c.confirmed, c.reopened), (3, 2, 1), "{c:?}");
    let consult = second.by_kind.iter().find(|k| k.kind == Some(Kind::Consult)).unwrap();
    assert_eq!(
        (consult.handling.tickets, consult.handling.resolved),
        (1, 1),
        "T-2 counted once, as a consult"
    );
    assert_eq!(store.indicator_rollups_zone().await.unwrap(), Some(shanghai), "kept, not rebuilt");

    // The ops zone changes: the next start rebuilds the rollups for it.
    let berlin = chrono_tz::Europe::Berlin;
    run(Some("Europe/Berlin"), "frank: /stats range:today\n");
    assert_eq!(store.indicator_rollups_zone().await.unwrap(), Some(berlin));
    let in_berlin = indicators(store, &around_today(berlin)).await;
    assert_eq!(in_berlin.confirmation.cards, 3);
    assert_eq!(
        store.indicators(&around_today(shanghai)).await.unwrap(),
        second,
        "Shanghai's days from the timeline now"
    );
}

/// Sixteen writers at once, each opening, resolving and reclassifying tickets of the same kind,
/// domain and severity (so they meet on the same totals): no transaction fails, and the rollups
/// equal the timeline.
async fn writers_at_once_keep_the_rollups_exact(db: &TestDb) {
    let zone = chrono_tz::Asia::Shanghai;
    db.store.rebuild_indicator_rollups(zone).await.unwrap();
    let start = at("2026-11-20T02:00:00Z");
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..16i64 {
        let store = db.store.clone();
        writers.spawn(async move {
            for n in 0..6i64 {
                let at = start + Duration::minutes(writer * 10 + n);
                let customer = format!("c{writer}");
                let mut tx = store.begin().await.unwrap();
                let new = NewTicket {
                    kind: Some(Kind::Fault),
                    domain: Some("screen".into()),
                    severity: Some(Severity::P2),
                    tier: Tier::L1,
                    assignee: None,
                    customer: customer.clone(),
                    conversation: format!("direct:{customer}"),
                    title: "it broke".into(),
                    at,
                };
                let ticket = tx.insert_ticket(&new).await.unwrap();
                let created = EventKind::Created {
                    customer: customer.clone(),
                    text: "it broke".into(),
                    message_id: None,
                    attachments: vec![],
                    domain: new.domain.clone(),
                    kind: new.kind,
                    severity: new.severity,
                    assignee: None,
                    suggested: vec![],
                };
                let reference = ticket.reference;
                tx.append_event(&Event {
                    ticket: Some(reference),
                    actor: customer.clone(),
                    at,
                    kind: created,
                })
                .await
                .unwrap();
                tx.commit().await.unwrap();

                let mut tx = store.begin().await.unwrap();
                let mut ticket = tx.ticket_for_update(reference).await.unwrap().unwrap();
                let resolved = EventKind::Resolved {
                    resolution: "fixed".into(),
                    business_secs: Some(600),
                    on_time: Some(true),
                };
                let later = at + Duration::hours(n + 1);
                tx.append_event(&Event {
                    ticket: Some(reference),
                    actor: "carol".into(),
                    at: later,
                    kind: resolved,
                })
                .await
                .unwrap();
                ticket.status = Status::Resolved;
                if n % 2 == 0 {
                    ticket.domain = Some("rf".into());
                }
                tx.update_ticket(&ticket).await.unwrap();
                tx.commit().await.unwrap();
            }
        });
    }
    writers.join_all().await;
    let q = IndicatorQuery {
        from: date("2026-11-19"),
        to: date("2026-11-21"),
        time_zone: zone,
        filter: IndicatorFilter::default(),
    };
    let figures = indicators(db.store.as_ref(), &q).await;
    assert_eq!(figures.inflow.iter().map(|d| d.created).sum::<i64>(), 96);
    assert_eq!(figures.confirmation.cards, 96);
    let domains: Vec<_> =
        figures.by_domain.iter().map(|d| (d.domain.as_deref(), d.handling.resolved)).collect();
    assert_eq!(domains, [(Some("rf"), 48), (Some("screen"), 48)]);
    assert_eq!(figures, brute_force(db.store.as_ref(), &q).await);
}
