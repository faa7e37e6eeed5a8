//! The indicators' rollups in the database: totals per local day (and month) and ticket dimensions
//! (`migrations/*/0014_indicator_rollups.sql`), kept in step by every write transaction and read by
//! `Store::indicators` when they were built for the query's time zone. What a ticket adds to them is
//! `domain::indicators::rollup::contribution`; this module reads a ticket's facts, takes its
//! contribution as it was before the transaction away and adds the one after, at commit, in key
//! order (so two transactions never wait on each other's rows in a cycle).
//!
//! A transaction notes a ticket (`Touches::before`) the first time it changes something the
//! indicators read: an event of a type they read, or the ticket's kind, domain, severity, status
//! or customer. The note is the ticket's facts read then (the row locked where the backend can), so
//! what the totals held for it is known without keeping anything per ticket.

use std::collections::{BTreeMap, HashMap};

use super::indicators::{Bind, Dialect, Query};
use crate::domain::indicators::rollup::{
    CardOutcome, CloseKind, Dims, Fact, Histogram, NO_NEXT_DAY, Span, Tally, TicketFacts, whole_months,
};
use crate::domain::indicators::{IndicatorFilter, IndicatorQuery};
use crate::domain::{EventKind, Status, Ticket};

/// The event types the indicators read.
pub(super) const FACT_TYPES: &str = "'created', 'closed', 'reopened', 'resolved', 'rated', 'sla_alarm'";

/// Whether appending this event can change what the indicators read.
pub(super) fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Created { .. }
        | EventKind::Closed { .. }
        | EventKind::Reopened { .. }
        | EventKind::Resolved { .. }
        | EventKind::Rated { .. } => true,
        EventKind::SlaAlarm { clock, alarm, .. } => {
            alarm == "breach" && (clock == "response" || clock == "resolution")
        }
        _ => false,
    }
}

/// The columns of a ticket the indicators read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Shape {
    dims: Dims,
    worked_on: bool,
    customer: String,
}

fn worked_on(status: &str) -> bool {
    [Status::New, Status::Open, Status::WaitingCustomer].iter().any(|s| <&str>::from(*s) == status)
}

impl Shape {
    pub(super) fn of(ticket: &Ticket) -> Shape {
        Shape {
            dims: Dims {
                kind: ticket.kind.map(|k| <&str>::from(k).to_owned()),
                domain: ticket.domain.clone(),
                severity: ticket.severity.map(|s| <&str>::from(s).to_owned()),
            },
            worked_on: worked_on(ticket.status.into()),
            customer: ticket.customer.clone(),
        }
    }

    pub(super) fn from_row(row: TicketShapeRow) -> Shape {
        let (_, kind, domain, severity, status, customer) = row;
        Shape { dims: Dims { kind, domain, severity }, worked_on: worked_on(&status), customer }
    }
}

/// What a write transaction knows of the rollups.
#[derive(Default)]
pub(super) struct Touches {
    /// The zone the rollups are kept in: `None` until read, `Some(None)` when they are not built.
    pub zone: Option<Option<chrono_tz::Tz>>,
    /// The indicators' columns of tickets as this transaction last read or wrote them.
    pub known: HashMap<i64, Shape>,
    /// The facts of each ticket this transaction changed, as they were before (`None`: a new ticket).
    pub before: BTreeMap<i64, Option<TicketFacts>>,
}

/// (id, kind, domain, severity, status, customer).
pub(super) type TicketShapeRow = (i64, Option<String>, Option<String>, Option<String>, String, String);
/// (ticket id, type, seconds since 1970, actor, flag, number): see `facts_sql`.
pub(super) type FactRow = (i64, String, i64, String, i64, Option<i64>);

pub(super) const SHAPE_COLUMNS: &str = "id, kind, domain, severity, status, customer";

/// The facts of the tickets `condition` picks (over `events`), in timeline order. `flag`: a close's
/// kind (1 confirmed, 2 auto-confirmed, 3 by the customer, 0 otherwise), a resolution's on-time (1)
/// or late (0), an alarm's breach of the response or resolution clock (1); `number`: a resolution's
/// business seconds, a rating's score. The same text tests as the timeline queries.
pub(super) fn facts_sql(dialect: &Dialect, condition: &str) -> String {
    format!(
        "SELECT ticket_id, type, {at}, actor, CAST(CASE \
            WHEN type = 'closed' THEN (CASE WHEN data LIKE '%\"reason\":\"confirmed\"%' THEN 1 \
                                           WHEN data LIKE '%\"reason\":\"auto_confirmed\"%' THEN 2 \
                                           WHEN data LIKE '%\"reason\":\"closed_by_customer\"%' THEN 3 ELSE 0 END) \
            WHEN type = 'resolved' THEN (CASE WHEN data LIKE '%\"on_time\":false%' THEN 0 ELSE 1 END) \
            WHEN type = 'sla_alarm' THEN (CASE WHEN data LIKE '%\"alarm\":\"breach\"%' \
                AND (data LIKE '%\"clock\":\"response\"%' OR data LIKE '%\"clock\":\"resolution\"%') THEN 1 ELSE 0 END) \
            ELSE 0 END AS BIGINT), \
            CASE WHEN type = 'resolved' THEN {business} WHEN type = 'rated' THEN {score} END \
         FROM events WHERE {condition} AND type IN ({FACT_TYPES}) ORDER BY ticket_id, id",
        at = dialect.epoch("at"),
        business = dialect.json_int("data", "business_secs"),
        score = dialect.json_int("data", "score"),
    )
}

/// A ticket's facts from its shape and its fact rows (in timeline order).
pub(super) fn facts(shape: &Shape, rows: &[FactRow]) -> TicketFacts {
    let events = rows
        .iter()
        .filter_map(|(_, kind, at, actor, flag, number)| {
            let fact = match kind.as_str() {
                "created" => Fact::Created,
                "closed" => Fact::Closed(match flag {
                    1 => CloseKind::Confirmed,
                    2 => CloseKind::AutoConfirmed,
                    3 => CloseKind::ByCustomer,
                    _ => CloseKind::Otherwise,
                }),
                "reopened" => Fact::Reopened { by_customer: *actor == shape.customer },
                "resolved" => Fact::Resolved { business_secs: *number, on_time: *flag == 1 },
                "rated" => Fact::Rated { score: *number },
                "sla_alarm" if *flag == 1 => Fact::Breach,
                _ => return None,
            };
            Some((*at, fact))
        })
        .collect();
    TicketFacts { dims: shape.dims.clone(), worked_on: shape.worked_on, events }
}

/// '' stands for none in the rollups' key columns.
pub(super) fn key_text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn from_key(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// The filter's conditions on the rollups' dimension columns.
fn filter_sql(filter: &IndicatorFilter, binds: &mut Vec<Bind>) -> String {
    let mut sql = String::new();
    let mut condition = |column: &str, value: Option<String>| {
        if let Some(value) = value {
            binds.push(Bind::Text(value));
            sql.push_str(&format!(" AND {column} = ${}", binds.len()));
        }
    };
    condition("kind", filter.kind.map(|k| <&str>::from(k).to_owned()));
    condition("domain", filter.domain.clone());
    condition("severity", filter.severity.map(|s| <&str>::from(s).to_owned()));
    sql
}

/// Whether the rollups can answer the query: built for its zone, and it filters by nothing they
/// do not carry.
pub(super) fn serves(zone: Option<chrono_tz::Tz>, query: &IndicatorQuery) -> bool {
    zone == Some(query.time_zone) && query.filter.customer.is_none()
}

fn day_range(query: &IndicatorQuery) -> (i64, i64) {
    use crate::domain::indicators::rollup::day_number;
    (day_number(query.from), day_number(query.to))
}

/// Indicator 1 from the rollups: rows of (day, created, closed, reopened), day -1 for everything
/// before the range.
pub(super) fn flows_query(query: &IndicatorQuery) -> Query {
    let (from, to) = day_range(query);
    let mut binds = vec![Bind::Int(from), Bind::Int(to)];
    let filter = filter_sql(&query.filter, &mut binds);
    let sql = format!(
        "SELECT CASE WHEN day < $1 THEN -1 ELSE day END, CAST(SUM(created) AS BIGINT), \
                CAST(SUM(closed) AS BIGINT), CAST(SUM(reopened) AS BIGINT) \
         FROM indicator_days WHERE day <= $2{filter} GROUP BY 1"
    );
    Query { sql, binds }
}

/// Tickets created in the range from the rollups: rows of (kind, domain, tickets), '' for none.
pub(super) fn created_query(query: &IndicatorQuery) -> Query {
    let (from, to) = day_range(query);
    let mut binds = vec![Bind::Int(from), Bind::Int(to)];
    let filter = filter_sql(&query.filter, &mut binds);
    let sql = format!(
        "SELECT kind, domain, CAST(SUM(created) AS BIGINT) FROM indicator_days \
         WHERE day >= $1 AND day <= $2{filter} GROUP BY kind, domain HAVING SUM(created) > 0"
    );
    Query { sql, binds }
}

/// The tally rows the range reads: whole months, the days outside them, and now; rows of (kind,
/// domain, data). Only resolutions not followed by another within the range count as resolved.
pub(super) fn tallies_query(query: &IndicatorQuery) -> Query {
    let (from, to) = day_range(query);
    let (start, end) = whole_months(from, to);
    let mut binds = vec![Bind::Int(from), Bind::Int(to), Bind::Int(start), Bind::Int(end)];
    let filter = filter_sql(&query.filter, &mut binds);
    let (day, month, now) = (Span::Day as i64, Span::Month as i64, Span::Now as i64);
    let select = "SELECT kind, domain, data FROM indicator_rollups WHERE";
    let sql = format!(
        "{select} span = {month} AND period >= $3 AND period < $4 AND next_day > $2{filter} \
         UNION ALL {select} span = {day} AND period >= $1 AND period < $3 AND next_day > $2{filter} \
         UNION ALL {select} span = {day} AND period >= $4 AND period <= $2 AND next_day > $2{filter} \
         UNION ALL {select} span = {now} AND period = 0 AND next_day = {NO_NEXT_DAY}{filter}"
    );
    Query { sql, binds }
}

/// The tally rows merged into what `indicators::assemble` takes from the timeline queries: `out`
/// with its resolved, open, cards and scores filled in.
pub(super) fn with_tallies(
    mut out: super::indicators::Rows,
    rows: Vec<(String, String, Vec<u8>)>,
) -> super::StoreResult<super::indicators::Rows> {
    let mut kinds: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    let mut domains: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for (kind, domain, data) in rows {
        let tally = Tally::decode(&data)
            .ok_or_else(|| super::StoreError::Corrupt("indicator_rollups.data is not a tally".into()))?;
        kinds.entry(from_key(kind)).or_default().merge(&tally, 1);
        domains.entry(from_key(domain)).or_default().merge(&tally, 1);
        total.merge(&tally, 1);
    }
    let percentiles = |h: &Histogram| (h.nearest_rank(50), h.nearest_rank(90));
    let resolved = &mut out.resolved;
    for (dimension, groups) in [("kind", &kinds), ("domain", &domains)] {
        for (group, tally) in groups.iter().filter(|(_, t)| t.resolved > 0) {
            let (median, p90) = percentiles(&tally.wall);
            let (median_business, p90_business) = percentiles(&tally.business);
            resolved.push((
                dimension.to_owned(),
                group.clone(),
                tally.resolved,
                tally.on_time,
                median,
                p90,
                median_business,
                p90_business,
            ));
        }
    }
    out.open = domains
        .iter()
        .filter(|(_, t)| t.open_now > 0)
        .map(|(domain, t)| (domain.clone(), t.open_now, t.breached_now))
        .collect();
    let (median, p90) = percentiles(&total.settled);
    let cards = &mut out.cards;
    for outcome in CardOutcome::ALL {
        let count = total.cards[outcome as usize];
        if count == 0 {
            continue;
        }
        let name = match outcome {
            CardOutcome::Confirmed => "confirmed",
            CardOutcome::AutoConfirmed => "auto_confirmed",
            CardOutcome::Reopened => "reopened",
            CardOutcome::ClosedOtherwise => "other",
            CardOutcome::Pending => "pending",
        };
        // The answers and the percentiles are of all cards; `assemble` adds them up and takes the first.
        let first = cards.is_empty();
        cards.push((
            name.to_owned(),
            count,
            if first { total.answered } else { 0 },
            if first { median } else { None },
            if first { p90 } else { None },
        ));
    }
    out.scores =
        (1..=5).zip(total.scores).filter(|(_, n)| *n > 0).map(|(score, n)| (Some(score), n)).collect();
    Ok(out)
}

/// Implements the rollups' upkeep for the transaction `$tx` and their build and reading for
/// `$store`, over the sqlx database `$db`.
macro_rules! sql_rollups {
    (
        store: $store:ident,
        tx: $tx:ident,
        db: $db:ty,
        dialect: $dialect:expr,
        lock_row: $lock:literal,
        share_row: $share:literal $(,)?
    ) => {
        impl $tx {
            /// The zone the rollups are kept in (`None`: not built), read once per transaction and
            /// held shared, so that a rebuild waits for this transaction and this one for it.
            async fn rollup_zone(&mut self) -> $crate::store::StoreResult<Option<chrono_tz::Tz>> {
                if let Some(zone) = self.rollup.zone {
                    return Ok(zone);
                }
                let sql =
                    format!("SELECT time_zone, version FROM indicator_rollup_state WHERE id = 1{}", $share);
                let state: Option<(String, i64)> = sqlx::query_as(&sql).fetch_optional(&mut *self.tx).await?;
                let zone = state.and_then(|(zone, version)| {
                    (version == $crate::domain::indicators::rollup::FORMAT_VERSION)
                        .then(|| zone.parse().ok())
                        .flatten()
                });
                self.rollup.zone = Some(zone);
                Ok(zone)
            }

            /// A ticket's facts as this transaction sees them; locked when `lock`.
            async fn rollup_facts(
                &mut self,
                id: i64,
                lock: bool,
            ) -> $crate::store::StoreResult<Option<$crate::domain::indicators::rollup::TicketFacts>> {
                use $crate::store::rollup as r;
                let sql = format!(
                    "SELECT {} FROM tickets WHERE id = $1{}",
                    r::SHAPE_COLUMNS,
                    if lock { $lock } else { "" }
                );
                let row: Option<r::TicketShapeRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(&mut *self.tx).await?;
                let Some(row) = row else { return Ok(None) };
                let shape = r::Shape::from_row(row);
                let dialect: $crate::store::indicators::Dialect = $dialect;
                let rows: Vec<r::FactRow> = sqlx::query_as(&r::facts_sql(&dialect, "ticket_id = $1"))
                    .bind(id)
                    .fetch_all(&mut *self.tx)
                    .await?;
                self.rollup.known.insert(id, shape.clone());
                Ok(Some(r::facts(&shape, &rows)))
            }

            /// Notes the ticket's facts before this transaction's first change to them.
            async fn rollup_note(&mut self, id: i64) -> $crate::store::StoreResult<()> {
                if self.rollup.before.contains_key(&id) || self.rollup_zone().await?.is_none() {
                    return Ok(());
                }
                let facts = self.rollup_facts(id, true).await?;
                self.rollup.before.insert(id, facts);
                Ok(())
            }

            async fn rollup_before_event(
                &mut self,
                event: &$crate::domain::Event,
            ) -> $crate::store::StoreResult<()> {
                match event.ticket {
                    Some(ticket) if $crate::store::rollup::relevant(&event.kind) => {
                        self.rollup_note(ticket.0).await
                    }
                    _ => Ok(()),
                }
            }

            async fn rollup_before_update(
                &mut self,
                ticket: &$crate::domain::Ticket,
            ) -> $crate::store::StoreResult<()> {
                use $crate::store::rollup as r;
                let id = ticket.reference.0;
                if self.rollup.before.contains_key(&id) {
                    return Ok(());
                }
                let old = match self.rollup.known.get(&id) {
                    Some(shape) => Some(shape.clone()),
                    // Not read for update in this transaction: read (and lock) it now, so that a
                    // change another transaction is making is seen before this one overwrites it.
                    None => {
                        let sql = format!("SELECT {} FROM tickets WHERE id = $1{}", r::SHAPE_COLUMNS, $lock);
                        let row: Option<r::TicketShapeRow> =
                            sqlx::query_as(&sql).bind(id).fetch_optional(&mut *self.tx).await?;
                        row.map(r::Shape::from_row)
                    }
                };
                if old.as_ref() != Some(&r::Shape::of(ticket)) {
                    self.rollup_note(id).await?;
                }
                Ok(())
            }

            async fn rollup_inserted(
                &mut self,
                ticket: &$crate::domain::Ticket,
            ) -> $crate::store::StoreResult<()> {
                let id = ticket.reference.0;
                self.rollup.known.insert(id, $crate::store::rollup::Shape::of(ticket));
                if self.rollup_zone().await?.is_some() {
                    self.rollup.before.entry(id).or_insert(None);
                }
                Ok(())
            }

            /// Takes each noted ticket's old contribution away and adds its new one.
            async fn rollup_flush(&mut self) -> $crate::store::StoreResult<()> {
                let before = std::mem::take(&mut self.rollup.before);
                let Some(Some(zone)) = self.rollup.zone else { return Ok(()) };
                if before.is_empty() {
                    return Ok(());
                }
                let mut delta = $crate::domain::indicators::rollup::Delta::default();
                for (id, old) in before {
                    let new = self.rollup_facts(id, false).await?;
                    delta.change(old.as_ref(), new.as_ref(), zone);
                }
                delta.prune();
                $crate::store::rollup::apply_delta!(&mut *self.tx, delta, $db);
                Ok(())
            }
        }

        impl $store {
            /// The zone the rollups are built for, when built in this build's format.
            async fn rollup_zone_now(&self) -> $crate::store::StoreResult<Option<chrono_tz::Tz>> {
                let state: Option<(String, i64)> =
                    sqlx::query_as("SELECT time_zone, version FROM indicator_rollup_state WHERE id = 1")
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(state.and_then(|(zone, version)| {
                    (version == $crate::domain::indicators::rollup::FORMAT_VERSION)
                        .then(|| zone.parse().ok())
                        .flatten()
                }))
            }

            /// Builds the rollups from the timeline for `zone`, in one transaction, replacing any.
            async fn rebuild_rollups(&self, zone: chrono_tz::Tz) -> $crate::store::StoreResult<u64> {
                use $crate::domain::indicators::rollup::Delta;
                use $crate::store::rollup as r;
                const CHUNK: i64 = 20_000;
                let mut tx = self.begin_tx().await?;
                sqlx::query(&format!("SELECT version FROM indicator_rollup_state WHERE id = 1{}", $lock))
                    .fetch_optional(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM indicator_days").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM indicator_rollups").execute(&mut *tx).await?;
                let last: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(id) FROM tickets").fetch_one(&mut *tx).await?;
                let dialect: $crate::store::indicators::Dialect = $dialect;
                let facts_sql = r::facts_sql(&dialect, "ticket_id >= $1 AND ticket_id < $2");
                let shapes_sql = format!(
                    "SELECT {} FROM tickets WHERE id >= $1 AND id < $2 ORDER BY id",
                    r::SHAPE_COLUMNS
                );
                let mut delta = Delta::default();
                let mut tickets = 0;
                let mut low = 0;
                while low <= last.unwrap_or(-1) {
                    let high = low + CHUNK;
                    let shapes: Vec<r::TicketShapeRow> =
                        sqlx::query_as(&shapes_sql).bind(low).bind(high).fetch_all(&mut *tx).await?;
                    let rows: Vec<r::FactRow> =
                        sqlx::query_as(&facts_sql).bind(low).bind(high).fetch_all(&mut *tx).await?;
                    let mut rest = &rows[..];
                    for shape in shapes {
                        let id = shape.0;
                        let shape = r::Shape::from_row(shape);
                        // Rows of tickets before this one (none, unless orphaned) are passed over.
                        let skip = rest.iter().take_while(|row| row.0 < id).count();
                        rest = &rest[skip..];
                        let mine = rest.iter().take_while(|row| row.0 == id).count();
                        let facts = r::facts(&shape, &rest[..mine]);
                        rest = &rest[mine..];
                        delta.add(
                            &facts.dims,
                            &$crate::domain::indicators::rollup::contribution(&facts, zone),
                            1,
                        );
                        tickets += 1;
                    }
                    low = high;
                }
                delta.prune();
                $crate::store::rollup::insert_delta!(&mut *tx, delta, $db);
                sqlx::query("UPDATE indicator_rollup_state SET time_zone = $1, version = $2 WHERE id = 1")
                    .bind(zone.name())
                    .bind($crate::domain::indicators::rollup::FORMAT_VERSION)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(tickets)
            }

            /// The indicators from the rollups (which must serve the query).
            async fn indicators_from_rollups(
                &self,
                query: &$crate::domain::indicators::IndicatorQuery,
            ) -> $crate::store::StoreResult<$crate::domain::indicators::Indicators> {
                use $crate::store::indicators as ind;
                use $crate::store::rollup as r;
                let created: Vec<(String, String, i64)> =
                    self.fetch_indicator_rows(r::created_query(query)).await?;
                let tallies = self.fetch_indicator_rows(r::tallies_query(query)).await?;
                let rows = ind::Rows {
                    inflow: self.fetch_indicator_rows(r::flows_query(query)).await?,
                    created: created
                        .into_iter()
                        .map(|(kind, domain, n)| {
                            ((!kind.is_empty()).then_some(kind), (!domain.is_empty()).then_some(domain), n)
                        })
                        .collect(),
                    resolved: Vec::new(),
                    open: Vec::new(),
                    cards: Vec::new(),
                    scores: Vec::new(),
                };
                ind::assemble(query, r::with_tallies(rows, tallies)?)
            }
        }
    };
}

/// Applies a delta to the rollups: day counts added in place, tallies read (locked), changed and
/// written back, or deleted when they come to nothing.
macro_rules! apply_delta {
    ($conn:expr, $delta:expr, $db:ty) => {{
        use $crate::store::rollup::key_text;
        let delta: $crate::domain::indicators::rollup::Delta = $delta;
        for ((dims, day), flow) in &delta.flows {
            sqlx::query(
                "INSERT INTO indicator_days (day, kind, domain, severity, created, closed, reopened) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (day, kind, domain, severity) DO UPDATE SET \
                 created = indicator_days.created + excluded.created, closed = indicator_days.closed + excluded.closed, \
                 reopened = indicator_days.reopened + excluded.reopened",
            )
            .bind(*day)
            .bind(key_text(&dims.kind))
            .bind(key_text(&dims.domain))
            .bind(key_text(&dims.severity))
            .bind(flow.created)
            .bind(flow.closed)
            .bind(flow.reopened)
            .execute($conn)
            .await?;
        }
        for ((dims, key), change) in &delta.tallies {
            let (kind, domain, severity) = (key_text(&dims.kind), key_text(&dims.domain), key_text(&dims.severity));
            let data: Vec<u8> = sqlx::query_scalar(
                "INSERT INTO indicator_rollups (span, period, next_day, kind, domain, severity, data) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (span, period, next_day, kind, domain, severity) DO UPDATE SET data = indicator_rollups.data \
                 RETURNING data",
            )
            .bind(key.span as i64)
            .bind(key.period)
            .bind(key.next_day)
            .bind(&kind)
            .bind(&domain)
            .bind(&severity)
            .bind(Vec::<u8>::new())
            .fetch_one($conn)
            .await?;
            let mut tally = $crate::domain::indicators::rollup::Tally::decode(&data).ok_or_else(|| {
                $crate::store::StoreError::Corrupt("indicator_rollups.data is not a tally".into())
            })?;
            tally.merge(change, 1);
            let statement = if tally.is_zero() {
                sqlx::query(
                    "DELETE FROM indicator_rollups WHERE span = $1 AND period = $2 AND next_day = $3 \
                     AND kind = $4 AND domain = $5 AND severity = $6",
                )
            } else {
                sqlx::query(
                    "UPDATE indicator_rollups SET data = $7 WHERE span = $1 AND period = $2 AND next_day = $3 \
                     AND kind = $4 AND domain = $5 AND severity = $6",
                )
            };
            let statement = statement
                .bind(key.span as i64)
                .bind(key.period)
                .bind(key.next_day)
                .bind(&kind)
                .bind(&domain)
                .bind(&severity);
            let statement = if tally.is_zero() { statement } else { statement.bind(tally.encode()) };
            statement.execute($conn).await?;
        }
    }};
}

/// Writes a delta into empty rollup tables, many rows a statement.
macro_rules! insert_delta {
    ($conn:expr, $delta:expr, $db:ty) => {{
        use $crate::store::rollup::key_text;
        let delta: $crate::domain::indicators::rollup::Delta = $delta;
        let flows: Vec<_> = delta.flows.into_iter().collect();
        for chunk in flows.chunks(500) {
            let mut builder = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO indicator_days (day, kind, domain, severity, created, closed, reopened) ",
            );
            builder.push_values(chunk, |mut row, ((dims, day), flow)| {
                row.push_bind(*day)
                    .push_bind(key_text(&dims.kind))
                    .push_bind(key_text(&dims.domain))
                    .push_bind(key_text(&dims.severity))
                    .push_bind(flow.created)
                    .push_bind(flow.closed)
                    .push_bind(flow.reopened);
            });
            builder.build().execute($conn).await?;
        }
        let tallies: Vec<_> = delta.tallies.into_iter().collect();
        for chunk in tallies.chunks(500) {
            let mut builder = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO indicator_rollups (span, period, next_day, kind, domain, severity, data) ",
            );
            builder.push_values(chunk, |mut row, ((dims, key), tally)| {
                row.push_bind(key.span as i64)
                    .push_bind(key.period)
                    .push_bind(key.next_day)
                    .push_bind(key_text(&dims.kind))
                    .push_bind(key_text(&dims.domain))
                    .push_bind(key_text(&dims.severity))
                    .push_bind(tally.encode());
            });
            builder.build().execute($conn).await?;
        }
    }};
}

pub(super) use {apply_delta, insert_delta, sql_rollups};
