//! The cockpit's four indicators in SQL, written once for both backends (README, "The cockpit's four
//! indicators", defines each). Every time and outcome is read from the timeline (`events`), every
//! dimension (kind, domain, severity, customer) from the ticket's current row; the database
//! aggregates, and only per-group rows come back. The backends differ in two fragments, passed in by
//! `sql_indicators!`: whole seconds since 1970 of a timestamp column, and an integer member of a JSON
//! text column.
//!
//! Days are local days of the query's time zone: Rust works out the stretches of constant UTC offset
//! covering the range (`IndicatorQuery::offset_spans`), and SQL numbers an instant's day as
//! `(seconds + offset of its stretch) / 86400`, exact across daylight-saving changes and for
//! half-hour zones.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::indicators::{
    Confirmation, DayFlow, DomainHandling, Handling, IndicatorFilter, IndicatorQuery, Indicators,
    KindHandling, day_numbered,
};
use crate::domain::{Kind, Status};

/// What differs between the backends, as SQL text around a column (`{}` stands for it).
pub(super) struct Dialect {
    /// Whole seconds since 1970 of a timestamp column.
    pub epoch: &'static str,
    /// An integer member of a JSON text column: `{}` is the column, `{key}` the member's name.
    pub json_int: &'static str,
}

impl Dialect {
    pub(super) fn epoch(&self, column: &str) -> String {
        self.epoch.replace("{}", column)
    }

    pub(super) fn json_int(&self, column: &str, key: &str) -> String {
        self.json_int.replace("{key}", key).replace("{}", column)
    }
}

/// A value bound to a placeholder.
pub(super) enum Bind {
    Time(DateTime<Utc>),
    Int(i64),
    Text(String),
}

/// A query's text and its values, numbered as they are added.
pub(super) struct Query {
    pub sql: String,
    pub binds: Vec<Bind>,
}

#[derive(Default)]
struct Params {
    binds: Vec<Bind>,
}

impl Params {
    fn push(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }
}

/// The statuses staff still work on: neither resolved nor closed.
const WORKED_ON: [Status; 3] = [Status::New, Status::Open, Status::WaitingCustomer];

/// The filter's conditions on the ticket `t`, each value bound; empty when it matches every ticket.
fn filter_sql(filter: &IndicatorFilter, params: &mut Params) -> String {
    let mut sql = String::new();
    let mut condition = |column: &str, value: Option<String>| {
        if let Some(value) = value {
            sql.push_str(&format!(" AND t.{column} = {}", params.push(Bind::Text(value))));
        }
    };
    condition("domain", filter.domain.clone());
    condition("severity", filter.severity.map(|s| <&str>::from(s).to_owned()));
    condition("kind", filter.kind.map(|k| <&str>::from(k).to_owned()));
    condition("customer", filter.customer.clone());
    sql
}

fn is_unfiltered(filter: &IndicatorFilter) -> bool {
    *filter == IndicatorFilter::default()
}

/// The local day number of an instant whose epoch seconds are `ep`, by the stretch it falls in.
fn day_expression(query: &IndicatorQuery, params: &mut Params) -> String {
    let spans = query.offset_spans();
    let mut sql = String::from("(ep + ");
    if spans.len() == 1 {
        sql.push_str(&params.push(Bind::Int(spans[0].1)));
    } else {
        sql.push_str("CASE");
        for pair in spans.windows(2) {
            let (until, offset) = (pair[1].0, pair[0].1);
            let until = params.push(Bind::Int(until));
            let offset = params.push(Bind::Int(offset));
            sql.push_str(&format!(" WHEN ep < {until} THEN {offset}"));
        }
        let last = spans.last().map_or(0, |span| span.1);
        sql.push_str(&format!(" ELSE {} END", params.push(Bind::Int(last))));
    }
    sql.push_str(") / 86400");
    sql
}

/// Created, closed and reopened-after-closed events up to the range's end, by local day (day -1 for
/// everything before the range): rows of (day, created, closed, reopened).
pub(super) fn inflow_query(dialect: &Dialect, query: &IndicatorQuery) -> Query {
    let (start, end) = query.instants();
    let mut params = Params::default();
    let start = params.push(Bind::Time(start));
    let end = params.push(Bind::Time(end));
    let day = day_expression(query, &mut params);
    let filter = filter_sql(&query.filter, &mut params);
    let join = if is_unfiltered(&query.filter) { "" } else { " JOIN tickets t ON t.id = e.ticket_id" };
    let sql = format!(
        "SELECT day, \
            CAST(SUM(CASE WHEN type = 'created' THEN 1 ELSE 0 END) AS BIGINT), \
            CAST(SUM(CASE WHEN type = 'closed' THEN 1 ELSE 0 END) AS BIGINT), \
            CAST(SUM(CASE WHEN type = 'reopened' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM (SELECT type, CASE WHEN before = 1 THEN -1 ELSE {day} END AS day \
               FROM (SELECT e.type AS type, {ep} AS ep, CASE WHEN e.at < {start} THEN 1 ELSE 0 END AS before \
                     FROM events e{join} \
                     WHERE e.type IN ('created', 'closed', 'reopened') AND e.at < {end}{filter} \
                       AND (e.type <> 'reopened' OR \
                            (SELECT p.type FROM events p WHERE p.ticket_id = e.ticket_id AND p.id < e.id \
                               AND p.type IN ('closed', 'reopened') ORDER BY p.id DESC LIMIT 1) = 'closed') \
                    ) stamped \
              ) dated \
         GROUP BY day",
        ep = dialect.epoch("e.at"),
    );
    Query { sql, binds: params.binds }
}

/// Tickets created in the range, by kind and domain: rows of (kind, domain, tickets).
pub(super) fn created_query(query: &IndicatorQuery) -> Query {
    let (start, end) = query.instants();
    let mut params = Params::default();
    let start = params.push(Bind::Time(start));
    let end = params.push(Bind::Time(end));
    let filter = filter_sql(&query.filter, &mut params);
    let sql = format!(
        "SELECT t.kind, t.domain, COUNT(*) FROM events e JOIN tickets t ON t.id = e.ticket_id \
         WHERE e.type = 'created' AND e.at >= {start} AND e.at < {end}{filter} \
         GROUP BY t.kind, t.domain"
    );
    Query { sql, binds: params.binds }
}

/// Each ticket's latest resolution in the range, grouped by kind and by domain: rows of (`kind` or
/// `domain`, the group, resolved, on time, median and p90 wall seconds, median and p90 business
/// seconds), ranks by window functions.
pub(super) fn resolved_query(dialect: &Dialect, query: &IndicatorQuery) -> Query {
    let (start, end) = query.instants();
    let mut params = Params::default();
    let start = params.push(Bind::Time(start));
    let end = params.push(Bind::Time(end));
    let filter = filter_sql(&query.filter, &mut params);
    let group = |dimension: &str| {
        format!(
            "SELECT '{dimension}', {dimension}, COUNT(*), CAST(SUM(on_time) AS BIGINT), \
                MIN(CASE WHEN rw = (n + 1) / 2 THEN wall END), \
                MIN(CASE WHEN rw = (9 * n + 9) / 10 THEN wall END), \
                MIN(CASE WHEN rb = (nb + 1) / 2 THEN biz END), \
                MIN(CASE WHEN rb = (9 * nb + 9) / 10 THEN biz END) \
             FROM (SELECT {dimension}, wall, biz, on_time, \
                     ROW_NUMBER() OVER (PARTITION BY {dimension} ORDER BY wall) AS rw, \
                     COUNT(*) OVER (PARTITION BY {dimension}) AS n, \
                     ROW_NUMBER() OVER (PARTITION BY {dimension} \
                                        ORDER BY CASE WHEN biz IS NULL THEN 1 ELSE 0 END, biz) AS rb, \
                     COUNT(biz) OVER (PARTITION BY {dimension}) AS nb \
                   FROM res) ranked \
             GROUP BY {dimension}"
        )
    };
    let sql = format!(
        "WITH res AS MATERIALIZED ( \
            SELECT t.kind AS kind, t.domain AS domain, {resolved_ep} - {created_ep} AS wall, \
                   {biz} AS biz, \
                   CASE WHEN r.data LIKE '%\"on_time\":false%' THEN 0 ELSE 1 END AS on_time \
            FROM events r JOIN tickets t ON t.id = r.ticket_id \
                 JOIN events c ON c.ticket_id = r.ticket_id AND c.type = 'created' \
            WHERE r.type = 'resolved' AND r.at >= {start} AND r.at < {end}{filter} \
              AND NOT EXISTS (SELECT 1 FROM events l WHERE l.ticket_id = r.ticket_id AND l.type = 'resolved' \
                                AND l.id > r.id AND l.at >= {start} AND l.at < {end})) \
         {by_kind} UNION ALL {by_domain}",
        resolved_ep = dialect.epoch("r.at"),
        created_ep = dialect.epoch("c.at"),
        biz = dialect.json_int("r.data", "business_secs"),
        by_kind = group("kind"),
        by_domain = group("domain"),
    );
    Query { sql, binds: params.binds }
}

/// Tickets worked on now, by domain, and those with a breached response or resolution clock: rows
/// of (domain, open, breached).
pub(super) fn open_now_query(query: &IndicatorQuery) -> Query {
    let mut params = Params::default();
    let statuses = WORKED_ON.map(|s| format!("'{}'", <&str>::from(s))).join(", ");
    let filter = filter_sql(&query.filter, &mut params);
    let sql = format!(
        "SELECT t.domain, COUNT(*), CAST(SUM(CASE WHEN EXISTS ( \
                SELECT 1 FROM events a WHERE a.ticket_id = t.id AND a.type = 'sla_alarm' \
                  AND a.data LIKE '%\"alarm\":\"breach\"%' \
                  AND (a.data LIKE '%\"clock\":\"response\"%' OR a.data LIKE '%\"clock\":\"resolution\"%')) \
             THEN 1 ELSE 0 END) AS BIGINT) \
         FROM tickets t WHERE t.status IN ({statuses}){filter} GROUP BY t.domain"
    );
    Query { sql, binds: params.binds }
}

/// The resolution cards sent in the range, by outcome: rows of (outcome, cards, answered, median
/// and p90 resolved → closed seconds among confirmed and auto-confirmed cards, when the rank falls
/// in this outcome).
pub(super) fn cards_query(dialect: &Dialect, query: &IndicatorQuery) -> Query {
    let (start, end) = query.instants();
    let mut params = Params::default();
    let start = params.push(Bind::Time(start));
    let end = params.push(Bind::Time(end));
    let filter = filter_sql(&query.filter, &mut params);
    let sql = format!(
        "WITH cards AS MATERIALIZED ( \
            SELECT r.ticket_id AS ticket_id, r.id AS rid, {resolved_ep} AS rat, t.customer AS customer, \
                   (SELECT n.id FROM events n WHERE n.ticket_id = r.ticket_id AND n.id > r.id \
                      AND n.type IN ('closed', 'reopened') ORDER BY n.id LIMIT 1) AS nid, \
                   (SELECT n.id FROM events n WHERE n.ticket_id = r.ticket_id AND n.id > r.id \
                      AND n.type = 'resolved' ORDER BY n.id LIMIT 1) AS next_card \
            FROM events r JOIN tickets t ON t.id = r.ticket_id \
            WHERE r.type = 'resolved' AND r.at >= {start} AND r.at < {end}{filter}), \
         outcomes AS MATERIALIZED ( \
            SELECT CASE WHEN n.id IS NULL THEN 'pending' \
                        WHEN n.type = 'reopened' THEN 'reopened' \
                        WHEN n.data LIKE '%\"reason\":\"confirmed\"%' THEN 'confirmed' \
                        WHEN n.data LIKE '%\"reason\":\"auto_confirmed\"%' THEN 'auto_confirmed' \
                        ELSE 'other' END AS outcome, \
                   CASE WHEN n.type = 'closed' AND (n.data LIKE '%\"reason\":\"confirmed\"%' \
                                                    OR n.data LIKE '%\"reason\":\"auto_confirmed\"%') \
                        THEN 1 ELSE 0 END AS settled, \
                   {next_ep} - c.rat AS secs, \
                   CASE WHEN n.type = 'closed' AND (n.data LIKE '%\"reason\":\"confirmed\"%' \
                                                    OR n.data LIKE '%\"reason\":\"closed_by_customer\"%') THEN 1 \
                        WHEN n.type = 'reopened' AND n.actor = c.customer THEN 1 \
                        WHEN EXISTS (SELECT 1 FROM events x WHERE x.ticket_id = c.ticket_id AND x.type = 'rated' \
                                       AND x.id > c.rid AND (c.next_card IS NULL OR x.id < c.next_card)) THEN 1 \
                        ELSE 0 END AS answered \
            FROM cards c LEFT JOIN events n ON n.id = c.nid) \
         SELECT outcome, COUNT(*), CAST(SUM(answered) AS BIGINT), \
                MIN(CASE WHEN settled = 1 AND rn = (cnt + 1) / 2 THEN secs END), \
                MIN(CASE WHEN settled = 1 AND rn = (9 * cnt + 9) / 10 THEN secs END) \
         FROM (SELECT outcome, settled, secs, answered, \
                 ROW_NUMBER() OVER (PARTITION BY settled ORDER BY secs) AS rn, \
                 COUNT(*) OVER (PARTITION BY settled) AS cnt \
               FROM outcomes) ranked \
         GROUP BY outcome",
        resolved_ep = dialect.epoch("r.at"),
        next_ep = dialect.epoch("n.at"),
    );
    Query { sql, binds: params.binds }
}

/// Scores given in the range: rows of (score, how many).
pub(super) fn scores_query(dialect: &Dialect, query: &IndicatorQuery) -> Query {
    let (start, end) = query.instants();
    let mut params = Params::default();
    let start = params.push(Bind::Time(start));
    let end = params.push(Bind::Time(end));
    let filter = filter_sql(&query.filter, &mut params);
    let join = if is_unfiltered(&query.filter) { "" } else { " JOIN tickets t ON t.id = e.ticket_id" };
    let sql = format!(
        "SELECT score, COUNT(*) FROM (SELECT {score} AS score FROM events e{join} \
            WHERE e.type = 'rated' AND e.at >= {start} AND e.at < {end}{filter}) scored \
         GROUP BY score",
        score = dialect.json_int("e.data", "score"),
    );
    Query { sql, binds: params.binds }
}

/// Revisits asked and answered in the range (by the events' time), as `(type, not working, count)`:
/// read the same for either path, since the rollups do not carry them.
pub(super) fn revisits_query(query: &IndicatorQuery) -> Query {
    let (start, end) = query.instants();
    let mut params = Params::default();
    let start = params.push(Bind::Time(start));
    let end = params.push(Bind::Time(end));
    let filter = filter_sql(&query.filter, &mut params);
    let join = if is_unfiltered(&query.filter) { "" } else { " JOIN tickets t ON t.id = e.ticket_id" };
    let sql = format!(
        "SELECT e.type, CAST(CASE WHEN e.data LIKE '%\"not_working\"%' THEN 1 ELSE 0 END AS BIGINT), COUNT(*) \
         FROM events e{join} WHERE e.type IN ('revisit_asked', 'revisit_answered') \
         AND e.at >= {start} AND e.at < {end}{filter} GROUP BY 1, 2"
    );
    Query { sql, binds: params.binds }
}

pub(super) type InflowRow = (i64, i64, i64, i64);
pub(super) type CreatedRow = (Option<String>, Option<String>, i64);
pub(super) type ResolvedRow =
    (String, Option<String>, i64, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
pub(super) type OpenRow = (Option<String>, i64, i64);
pub(super) type CardRow = (String, i64, i64, Option<i64>, Option<i64>);
pub(super) type ScoreRow = (Option<i64>, i64);

/// What the queries returned, before it is put together.
pub(super) struct Rows {
    pub inflow: Vec<InflowRow>,
    pub created: Vec<CreatedRow>,
    pub resolved: Vec<ResolvedRow>,
    pub open: Vec<OpenRow>,
    pub cards: Vec<CardRow>,
    pub scores: Vec<ScoreRow>,
}

/// The percentiles reported as the rollups report them: the middle of the value's histogram
/// bucket (`domain::indicators::rollup::rounded`), so both paths give the same answer.
pub(super) fn rounded(mut rows: Rows) -> Rows {
    use crate::domain::indicators::rollup::rounded;
    let round = |value: &mut Option<i64>| *value = value.map(rounded);
    for row in &mut rows.resolved {
        round(&mut row.4);
        round(&mut row.5);
        round(&mut row.6);
        round(&mut row.7);
    }
    for row in &mut rows.cards {
        round(&mut row.3);
        round(&mut row.4);
    }
    rows
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn parse_kind(text: Option<&str>) -> StoreResult<Option<Kind>> {
    text.map(|k| k.parse().map_err(|_| super::StoreError::Corrupt(format!("tickets.kind holds `{k}`"))))
        .transpose()
}

/// Unclassified last, kinds in their declared order.
fn kind_order(kind: &Option<Kind>) -> (bool, usize) {
    use strum::VariantArray;
    (kind.is_none(), kind.map_or(0, |k| Kind::VARIANTS.iter().position(|v| *v == k).unwrap_or(0)))
}

pub(super) fn assemble(query: &IndicatorQuery, rows: Rows) -> StoreResult<Indicators> {
    // Indicator 1: per day, with the open count carried from the range's first instant.
    let mut per_day: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
    let mut open = 0;
    for (day, created, closed, reopened) in rows.inflow {
        if day < 0 {
            open += created - closed + reopened;
        } else {
            per_day.insert(day, (created, closed, reopened));
        }
    }
    let epoch = day_numbered(0);
    let mut inflow = Vec::new();
    for date in query.days() {
        let number = (date - epoch).num_days();
        let (created, closed, reopened) = per_day.get(&number).copied().unwrap_or_default();
        inflow.push(DayFlow {
            date,
            open_at_start: open,
            created,
            closed,
            close_rate: ratio(closed, open + created),
        });
        open += created - closed + reopened;
    }

    // Indicators 2 and 3: created counts, then the resolutions' figures, per kind and per domain.
    let mut kinds: BTreeMap<Option<String>, Handling> = BTreeMap::new();
    let mut domains: BTreeMap<Option<String>, (Handling, i64, i64)> = BTreeMap::new();
    for (kind, domain, tickets) in rows.created {
        kinds.entry(kind).or_default().tickets += tickets;
        domains.entry(domain).or_default().0.tickets += tickets;
    }
    for (dimension, group, resolved, on_time, median, p90, median_business, p90_business) in rows.resolved {
        let handling = if dimension == "kind" {
            kinds.entry(group).or_default()
        } else {
            &mut domains.entry(group).or_default().0
        };
        handling.resolved = resolved;
        handling.on_time = on_time;
        handling.on_time_rate = ratio(on_time, resolved);
        handling.median_secs = median;
        handling.p90_secs = p90;
        handling.median_business_secs = median_business;
        handling.p90_business_secs = p90_business;
    }
    for (domain, open, breached) in rows.open {
        let entry = domains.entry(domain).or_default();
        entry.1 = open;
        entry.2 = breached;
    }
    let mut by_kind = kinds
        .into_iter()
        .map(|(kind, handling)| Ok(KindHandling { kind: parse_kind(kind.as_deref())?, handling }))
        .collect::<StoreResult<Vec<_>>>()?;
    by_kind.sort_by_key(|k| kind_order(&k.kind));
    let mut by_domain: Vec<DomainHandling> = domains
        .into_iter()
        .map(|(domain, (handling, open_now, breached_now))| DomainHandling {
            domain,
            handling,
            open_now,
            breached_now,
        })
        .collect();
    by_domain.sort_by(|a, b| (a.domain.is_none(), &a.domain).cmp(&(b.domain.is_none(), &b.domain)));

    // Indicator 4.
    let mut confirmation = Confirmation::default();
    let mut answered = 0;
    for (outcome, cards, answers, median, p90) in rows.cards {
        confirmation.cards += cards;
        answered += answers;
        match outcome.as_str() {
            "confirmed" => confirmation.confirmed = cards,
            "auto_confirmed" => confirmation.auto_confirmed = cards,
            "reopened" => confirmation.reopened = cards,
            "pending" => confirmation.pending = cards,
            _ => confirmation.closed_otherwise = cards,
        }
        confirmation.median_secs = confirmation.median_secs.or(median);
        confirmation.p90_secs = confirmation.p90_secs.or(p90);
    }
    let cards = confirmation.cards;
    confirmation.confirmed_share = ratio(confirmation.confirmed, cards);
    confirmation.auto_confirmed_share = ratio(confirmation.auto_confirmed, cards);
    confirmation.reopened_share = ratio(confirmation.reopened, cards);
    confirmation.response_rate = ratio(answered, cards);
    let (mut sum, mut count) = (0, 0);
    for (score, times) in rows.scores {
        if let Some(score @ 1..=5) = score {
            confirmation.scores[(score - 1) as usize] += times;
            sum += score * times;
            count += times;
        }
    }
    confirmation.mean_score = ratio(sum, count);

    Ok(Indicators {
        from: query.from,
        to: query.to,
        time_zone: query.time_zone.name().to_owned(),
        inflow,
        by_kind,
        by_domain,
        confirmation,
    })
}

/// Implements `indicators` for `$store` (which has a `pool` of `$db`) with the backend's fragments.
macro_rules! sql_indicators {
    (store: $store:ident, db: $db:ty, dialect: $dialect:expr $(,)?) => {
        impl $store {
            /// The rows of an indicator query (the timeline's or the rollups'), its values bound.
            pub(super) async fn fetch_indicator_rows<O>(
                &self,
                query: $crate::store::indicators::Query,
            ) -> $crate::store::StoreResult<Vec<O>>
            where
                O: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                use $crate::store::indicators::Bind;
                let mut q = sqlx::query_as::<_, O>(&query.sql);
                for bind in query.binds {
                    q = match bind {
                        Bind::Time(at) => q.bind(at),
                        Bind::Int(n) => q.bind(n),
                        Bind::Text(text) => q.bind(text),
                    };
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            /// The revisits of the query's range, which both paths add as they are.
            pub(super) async fn revisit_tally(
                &self,
                query: &$crate::domain::indicators::IndicatorQuery,
            ) -> $crate::store::StoreResult<$crate::domain::indicators::Revisits> {
                let rows: Vec<(String, i64, i64)> =
                    self.fetch_indicator_rows($crate::store::indicators::revisits_query(query)).await?;
                Ok($crate::domain::indicators::Revisits::from_rows(&rows))
            }

            pub(super) async fn compute_indicators(
                &self,
                query: &$crate::domain::indicators::IndicatorQuery,
            ) -> $crate::store::StoreResult<$crate::domain::indicators::Indicators> {
                use $crate::store::indicators as ind;
                let dialect: ind::Dialect = $dialect;
                let rows = ind::Rows {
                    inflow: self.fetch_indicator_rows(ind::inflow_query(&dialect, query)).await?,
                    created: self.fetch_indicator_rows(ind::created_query(query)).await?,
                    resolved: self.fetch_indicator_rows(ind::resolved_query(&dialect, query)).await?,
                    open: self.fetch_indicator_rows(ind::open_now_query(query)).await?,
                    cards: self.fetch_indicator_rows(ind::cards_query(&dialect, query)).await?,
                    scores: self.fetch_indicator_rows(ind::scores_query(&dialect, query)).await?,
                };
                ind::assemble(query, ind::rounded(rows))
            }
        }
    };
}

pub(super) use sql_indicators;
