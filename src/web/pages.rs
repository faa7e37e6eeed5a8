//! The dashboard: plain server-rendered HTML. `/` the four indicators (managers), `/queue` the
//! open queue with its filters, `/tickets/T-n` a ticket with its clocks and timeline,
//! `/incidents` the war-room board; `/login` spends a sign-in link and sets the session.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::api::{IndicatorParams, TicketQuery};
use super::charts::{self, Series, trim_number};
use super::{Denied, Viewer, Web};
use crate::domain::TicketRef;
use crate::domain::indicators::{Handling, Indicators};
use crate::store::TicketFilter;

pub(super) fn routes() -> Router<Web> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login))
        .route("/logout", get(logout))
        .route("/queue", get(queue))
        .route("/tickets/{reference}", get(ticket))
        .route("/incidents", get(incidents))
}

/// HTML-escapes text for element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
header a{color:#cfe0ff;text-decoration:none}header .me{margin-left:auto;opacity:.8}
main{padding:1rem;max-width:1100px;margin:auto}
section{background:#fff;border-radius:8px;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 2px #0002}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:0}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:.8rem}
input,select,button{font:inherit;padding:.25rem .4rem}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ea;white-space:nowrap}
td.wrap{white-space:normal}
.kpis{display:flex;flex-wrap:wrap;gap:1rem}.kpi{min-width:8rem}.kpi b{display:block;font-size:1.5rem}
svg.chart{width:100%;height:auto;max-height:320px}
.grid{stroke:#e3e6ea}.axis{font-size:11px;fill:#556}
.bar.created{fill:#4c78a8}.bar.closed{fill:#59a14f}.bar.median{fill:#4c78a8}.bar.p90{fill:#f28e2b}
.bar.ontime{fill:#59a14f}.bar.confirmed{fill:#59a14f}.bar.auto{fill:#bab0ac}.bar.reopened{fill:#e15759}
.bar.pending{fill:#edc948}.bar.score{fill:#b07aa1}.line.rate{fill:none;stroke:#e15759;stroke-width:2}
.bar.rate{fill:#e15759}.breached{color:#b00020;font-weight:bold}.muted{color:#778}
"#;

fn page(title: &str, viewer: Option<&Viewer>, body: &str) -> Html<String> {
    let mut nav = String::new();
    if let Some(viewer) = viewer {
        if viewer.is_manager() {
            nav.push_str(r#"<a href="/">Indicators</a>"#);
        }
        nav.push_str(r#"<a href="/queue">Queue</a>"#);
        if viewer.sees_war_rooms() {
            nav.push_str(r#"<a href="/incidents">War rooms</a>"#);
        }
        let _ = write!(
            nav,
            r#"<span class="me">{} · <a href="/logout">sign out</a></span>"#,
            esc(&viewer.person)
        );
    }
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{} · resolvd</title><style>{STYLE}</style></head><body><header><strong>resolvd</strong>{nav}</header><main>{body}</main></body></html>"#,
        esc(title)
    ))
}

/// A page refused: 401 with how to sign in, or 403.
fn refused(denied: Denied) -> Response {
    let status = denied.status();
    let hint = match status {
        StatusCode::UNAUTHORIZED => {
            "<p>Staff sign in with a link: type <code>/dashboard</code> in chat, or ask an operator to run \
             <code>resolvd login-link --person YOUR_ID</code>. A link works once, for 10 minutes.</p>"
        }
        _ => "",
    };
    let body = format!("<section><h1>{}</h1><p>{}</p>{hint}</section>", status, esc(&denied.message()));
    (status, page("Sign in", None, &body)).into_response()
}

async fn signed_in(web: &Web, headers: &HeaderMap) -> Result<Viewer, Response> {
    web.viewer(headers).await.map_err(refused)
}

#[derive(Deserialize)]
struct LoginQuery {
    t: Option<String>,
}

async fn login(State(web): State<Web>, Query(query): Query<LoginQuery>) -> Response {
    let Some(token) = query.t else {
        return refused(Denied::Unauthenticated("this address needs the sign-in link's token"));
    };
    let person = match web.inner.signer.redeem_link(&**web.engine().store(), &token, web.now()).await {
        Ok(person) => person,
        Err(crate::access::RedeemError::Access(e)) => {
            let status = StatusCode::UNAUTHORIZED;
            let body = format!("<section><h1>{status}</h1><p>{}</p></section>", esc(&e.to_string()));
            return (status, page("Sign in", None, &body)).into_response();
        }
        Err(e) => return refused(Denied::Internal(e.to_string())),
    };
    let viewer = match web.viewer_for(person.clone()) {
        Ok(viewer) => viewer,
        Err(denied) => return refused(denied),
    };
    let (_, cookie) = web.session_cookie(&person);
    let home = if viewer.is_manager() { "/" } else { "/queue" };
    ([(header::SET_COOKIE, cookie)], Redirect::to(home)).into_response()
}

async fn logout() -> Response {
    let cookie = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0", crate::access::SESSION_COOKIE);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/queue")).into_response()
}

/// A duration as managers read it: minutes under an hour, else hours.
fn hours(secs: Option<i64>) -> String {
    match secs {
        None => "–".to_owned(),
        Some(s) if s < 3600 => format!("{} min", s / 60),
        Some(s) => format!("{} h", trim_number(s as f64 / 3600.0)),
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{}%", trim_number(s * 100.0)))
}

fn option_list(name: &str, selected: Option<&str>, values: &[&str]) -> String {
    let mut out = format!(r#"<select name="{name}"><option value="">any</option>"#);
    for value in values {
        let sel = if selected == Some(*value) { " selected" } else { "" };
        let _ = write!(out, r#"<option{sel}>{}</option>"#, esc(value));
    }
    out.push_str("</select>");
    out
}

async fn dashboard(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(params): Query<IndicatorParams>,
) -> Response {
    let viewer = match signed_in(&web, &headers).await {
        Ok(viewer) if viewer.is_manager() => viewer,
        Ok(_) => return Redirect::to("/queue").into_response(),
        Err(refusal) => return refusal,
    };
    let zone = web.engine().config().digest.time_zone;
    let query = match params.query(zone, web.now()) {
        Ok(query) => query,
        Err(e) => {
            let body = format!("<section><h1>Indicators</h1><p class=breached>{}</p></section>", esc(&e));
            return (StatusCode::BAD_REQUEST, page("Indicators", Some(&viewer), &body)).into_response();
        }
    };
    let indicators = match web.engine().store().indicators(&query).await {
        Ok(indicators) => indicators,
        Err(e) => return refused(Denied::Internal(e.to_string())),
    };
    let domains: Vec<&str> = web.engine().config().domains.iter().map(|d| d.id.as_str()).collect();
    let kinds: Vec<&str> =
        <crate::domain::Kind as strum::VariantArray>::VARIANTS.iter().map(|k| k.into()).collect();
    let mut body = format!(
        r#"<section><h1>Indicators, {} to {} ({})</h1><form class="filters" method="get" action="/">
<label>from<input type="date" name="from" value="{}"></label><label>to<input type="date" name="to" value="{}"></label>
<label>domain{}</label><label>severity{}</label><label>kind{}</label>
<label>customer<input name="customer" value="{}"></label><button>Show</button></form></section>"#,
        query.from,
        query.to,
        esc(&indicators.time_zone),
        query.from,
        query.to,
        option_list("domain", query.filter.domain.as_deref(), &domains),
        option_list("severity", query.filter.severity.map(Into::into), &["S", "P1", "P2", "P3"]),
        option_list("kind", query.filter.kind.map(Into::into), &kinds),
        esc(query.filter.customer.as_deref().unwrap_or_default()),
    );
    body.push_str(&inflow_section(&indicators));
    body.push_str(&handling_section(&indicators));
    body.push_str(&confirmation_section(&indicators));
    page("Indicators", Some(&viewer), &body).into_response()
}

fn inflow_section(ind: &Indicators) -> String {
    let created: i64 = ind.inflow.iter().map(|d| d.created).sum();
    let closed: i64 = ind.inflow.iter().map(|d| d.closed).sum();
    let open_at_start = ind.inflow.first().map_or(0, |d| d.open_at_start);
    let rate = (open_at_start + created > 0).then(|| closed as f64 / (open_at_start + created) as f64);
    let days: Vec<String> = ind.inflow.iter().map(|d| d.date.format("%m-%d").to_string()).collect();
    let chart = charts::bars(
        "chart-inflow",
        "Tickets created and closed per day, and the close rate",
        &days,
        &[
            Series {
                name: "created",
                class: "created",
                values: ind.inflow.iter().map(|d| d.created as f64).collect(),
            },
            Series {
                name: "closed",
                class: "closed",
                values: ind.inflow.iter().map(|d| d.closed as f64).collect(),
            },
        ],
        Some(&Series {
            name: "close rate",
            class: "rate",
            values: ind.inflow.iter().map(|d| d.close_rate.unwrap_or(0.0)).collect(),
        }),
    );
    let mut rows = String::new();
    for day in &ind.inflow {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            day.date,
            day.open_at_start,
            day.created,
            day.closed,
            percent(day.close_rate)
        );
    }
    format!(
        r#"<section><h2>1 · Daily inflow and close rate</h2><div class="kpis">
<div class="kpi">created<b data-indicator="created-total">{created}</b></div>
<div class="kpi">closed<b data-indicator="closed-total">{closed}</b></div>
<div class="kpi">open at the start<b data-indicator="open-at-start">{open_at_start}</b></div>
<div class="kpi">close rate over the range<b data-indicator="close-rate">{}</b></div></div>{chart}
<details><summary>Per day</summary><div class="table"><table><tr><th>day</th><th>open at start</th><th>created</th><th>closed</th><th>close rate</th></tr>{rows}</table></div></details></section>"#,
        percent(rate)
    )
}

fn handling_cells(h: &Handling) -> String {
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        h.tickets,
        h.resolved,
        hours(h.median_secs),
        hours(h.p90_secs),
        hours(h.median_business_secs),
        hours(h.p90_business_secs),
        percent(h.on_time_rate)
    )
}

const HANDLING_HEAD: &str = "<th>tickets</th><th>resolved</th><th>median</th><th>p90</th><th>median (business)</th>\
                             <th>p90 (business)</th><th>on time</th>";

fn handling_section(ind: &Indicators) -> String {
    let name = |v: Option<String>| v.unwrap_or_else(|| "unclassified".to_owned());
    let mut kinds = String::new();
    for k in &ind.by_kind {
        let kind = name(k.kind.map(|k| k.to_string()));
        let _ = write!(
            kinds,
            r#"<tr data-kind="{}"><td>{}</td>{}</tr>"#,
            esc(&kind),
            esc(&kind),
            handling_cells(&k.handling)
        );
    }
    let labels: Vec<String> = ind.by_kind.iter().map(|k| name(k.kind.map(|k| k.to_string()))).collect();
    let to_hours = |v: Option<i64>| v.map_or(0.0, |s| s as f64 / 3600.0);
    let kind_chart = charts::bars(
        "chart-kind",
        "Handling time per kind, hours",
        &labels,
        &[
            Series {
                name: "median h",
                class: "median",
                values: ind.by_kind.iter().map(|k| to_hours(k.handling.median_secs)).collect(),
            },
            Series {
                name: "p90 h",
                class: "p90",
                values: ind.by_kind.iter().map(|k| to_hours(k.handling.p90_secs)).collect(),
            },
        ],
        None,
    );
    let mut domains = String::new();
    for d in &ind.by_domain {
        let domain = name(d.domain.clone());
        let breached = if d.breached_now > 0 { " class=breached" } else { "" };
        let _ = write!(
            domains,
            r#"<tr data-domain="{}"><td>{}</td>{}<td>{}</td><td{breached}>{}</td></tr>"#,
            esc(&domain),
            esc(&domain),
            handling_cells(&d.handling),
            d.open_now,
            d.breached_now
        );
    }
    let domain_labels: Vec<String> = ind.by_domain.iter().map(|d| name(d.domain.clone())).collect();
    let domain_chart = charts::bars(
        "chart-domain",
        "Open and breached now, per domain",
        &domain_labels,
        &[
            Series {
                name: "open now",
                class: "created",
                values: ind.by_domain.iter().map(|d| d.open_now as f64).collect(),
            },
            Series {
                name: "breached now",
                class: "reopened",
                values: ind.by_domain.iter().map(|d| d.breached_now as f64).collect(),
            },
        ],
        None,
    );
    format!(
        r#"<section><h2>2 · Per kind</h2>{kind_chart}<div class="table"><table><tr><th>kind</th>{HANDLING_HEAD}</tr>{kinds}</table></div></section>
<section><h2>3 · Per domain</h2>{domain_chart}<div class="table"><table><tr><th>domain</th>{HANDLING_HEAD}<th>open now</th><th>breached now</th></tr>{domains}</table></div></section>"#
    )
}

fn confirmation_section(ind: &Indicators) -> String {
    let c = &ind.confirmation;
    let outcome = charts::stacked(
        "chart-confirmation",
        "How the resolution cards ended",
        &[
            ("confirmed", "confirmed", c.confirmed as f64),
            ("auto-confirmed", "auto", c.auto_confirmed as f64),
            ("reopened", "reopened", c.reopened as f64),
            ("pending", "pending", c.pending as f64),
        ],
    );
    let scores = charts::bars(
        "chart-scores",
        "Scores, 1 to 5",
        &["1", "2", "3", "4", "5"].map(str::to_owned),
        &[Series { name: "scores", class: "score", values: c.scores.iter().map(|n| *n as f64).collect() }],
        None,
    );
    format!(
        r#"<section><h2>4 · Confirmation and satisfaction</h2><div class="kpis">
<div class="kpi">cards<b data-indicator="cards">{}</b></div>
<div class="kpi">confirmed<b data-indicator="confirmed-share">{}</b></div>
<div class="kpi">auto-confirmed<b data-indicator="auto-confirmed-share">{}</b></div>
<div class="kpi">reopened<b data-indicator="reopened-share">{}</b></div>
<div class="kpi">resolved → closed, median<b>{}</b></div><div class="kpi">p90<b>{}</b></div>
<div class="kpi">mean score<b data-indicator="mean-score">{}</b></div>
<div class="kpi">response rate<b data-indicator="response-rate">{}</b></div></div>{outcome}{scores}</section>"#,
        c.cards,
        percent(c.confirmed_share),
        percent(c.auto_confirmed_share),
        percent(c.reopened_share),
        hours(c.median_secs),
        hours(c.p90_secs),
        c.mean_score.map_or_else(|| "–".to_owned(), trim_number),
        percent(c.response_rate),
    )
}

fn local(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

async fn queue(State(web): State<Web>, headers: HeaderMap, Query(query): Query<TicketQuery>) -> Response {
    let viewer = match signed_in(&web, &headers).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let zone = web.engine().config().digest.time_zone;
    let mut query = query;
    if query.status.is_none() {
        query.status = Some("open".to_owned());
    }
    let form = {
        let domains: Vec<&str> = web.engine().config().domains.iter().map(|d| d.id.as_str()).collect();
        let risk = if query.at_risk.unwrap_or(false) { " checked" } else { "" };
        format!(
            r#"<form class="filters" method="get" action="/queue">
<label>status{}</label><label>assignee<input name="assignee" value="{}"></label><label>domain{}</label>
<label>severity{}</label><label>at risk<input type="checkbox" name="at_risk" value="true"{risk}></label>
<label>search<input name="q" value="{}" placeholder="title, message, customer"></label><button>Filter</button></form>"#,
            option_list(
                "status",
                query.status.as_deref(),
                &["open", "new", "waiting_customer", "resolved", "closed"]
            ),
            esc(query.assignee.as_deref().unwrap_or_default()),
            option_list("domain", query.domain.as_deref(), &domains),
            option_list("severity", query.severity.as_deref(), &["S", "P1", "P2", "P3"]),
            esc(query.q.as_deref().unwrap_or_default()),
        )
    };
    let filter = match query.filter(web.now()) {
        Ok(filter) => filter,
        Err(e) => {
            let body = format!("<section><h1>Queue</h1>{form}<p class=breached>{}</p></section>", esc(&e));
            return (StatusCode::BAD_REQUEST, page("Queue", Some(&viewer), &body)).into_response();
        }
    };
    let page_of = match super::api::ticket_page(&web, &filter).await {
        Ok(page) => page,
        Err(e) => return refused(Denied::Internal(e.to_string())),
    };
    let mut rows = String::new();
    for t in &page_of.tickets {
        let alarm = t.next_alarm_at.map_or_else(|| "–".to_owned(), |a| local(a, zone));
        let soon = t.next_alarm_at.is_some_and(|a| a <= TicketFilter::at_risk_before(web.now()));
        let _ = write!(
            rows,
            r#"<tr data-ticket="{r}"><td><a href="/tickets/{r}">{r}</a></td><td class="wrap">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{alarm}</td></tr>"#,
            esc(&t.title),
            t.status,
            t.severity.map(|s| s.to_string()).unwrap_or_default(),
            esc(t.domain.as_deref().unwrap_or("")),
            esc(t.assignee.as_deref().unwrap_or("–")),
            esc(&t.customer),
            if soon { " class=breached" } else { "" },
            r = t.reference,
        );
    }
    let next = match &page_of.next_after {
        Some(after) => {
            let mut params: Vec<(String, String)> = Vec::new();
            for (k, v) in [
                ("status", &query.status),
                ("assignee", &query.assignee),
                ("domain", &query.domain),
                ("severity", &query.severity),
                ("q", &query.q),
            ] {
                if let Some(v) = v {
                    params.push((k.to_owned(), v.clone()));
                }
            }
            if query.at_risk.unwrap_or(false) {
                params.push(("at_risk".to_owned(), "true".to_owned()));
            }
            params.push(("after".to_owned(), after.clone()));
            let encoded: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
            format!(r#"<p><a href="/queue?{}">Next page →</a></p>"#, esc(&encoded.join("&")))
        }
        None => String::new(),
    };
    let body = format!(
        r#"<section><h1>Queue</h1>{form}</section><section><div class="table"><table><tr><th>ticket</th><th>title</th><th>status</th><th>severity</th><th>domain</th><th>assignee</th><th>customer</th><th>next SLA alarm</th></tr>{rows}</table></div>{}{next}</section>"#,
        if page_of.tickets.is_empty() { "<p class=muted>No ticket matches.</p>" } else { "" }
    );
    page("Queue", Some(&viewer), &body).into_response()
}

fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

async fn ticket(State(web): State<Web>, headers: HeaderMap, Path(reference): Path<String>) -> Response {
    let viewer = match signed_in(&web, &headers).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let Ok(reference) = reference.parse::<TicketRef>() else {
        let body = format!(
            "<section><p>`{}` is not a ticket; write T-12</p></section>",
            esc(&crate::domain::text::elide(&reference, 40))
        );
        return (StatusCode::BAD_REQUEST, page("Ticket", Some(&viewer), &body)).into_response();
    };
    let zone = web.engine().config().digest.time_zone;
    let sla = crate::inspect::SlaAt {
        policy: &web.engine().config().sla,
        now: web.now(),
        zone: web.engine().config().digest.time_zone,
    };
    let view = match crate::inspect::ticket_view(&**web.engine().store(), sla, reference).await {
        Ok(Some(view)) => view,
        Ok(None) => {
            let body = format!("<section><p>There is no ticket {reference}.</p></section>");
            return (StatusCode::NOT_FOUND, page("Ticket", Some(&viewer), &body)).into_response();
        }
        Err(e) => return refused(Denied::Internal(e.to_string())),
    };
    let t = &view.ticket;
    let due = |d: Option<DateTime<Utc>>| d.map_or_else(|| "–".to_owned(), |d| local(d, zone));
    let mut events = String::new();
    for e in &view.events {
        let _ = write!(
            events,
            r#"<tr><td>{}</td><td>{}</td><td class="wrap">{}</td></tr>"#,
            local(e.at, zone),
            esc(&e.actor),
            esc(&crate::inspect::describe(&e.kind))
        );
    }
    let room = view.war_room.as_ref().map_or_else(String::new, |room| {
        format!(
            "<p>War room <b>{}</b> ({}), leader {}, roster {}</p>",
            esc(&room.id),
            if room.archived_at.is_some() { "archived" } else { "open" },
            esc(room.leader.as_deref().unwrap_or("–")),
            esc(&room.roster.join(", "))
        )
    });
    let body = format!(
        r#"<section><h1>{} · {}</h1><p>status <b>{}</b>{} · severity {} · kind {} · domain {} · tier {} · assignee {} · customer {} · created {}</p>
<div class="kpis"><div class="kpi">response due<b>{}</b></div><div class="kpi">resolution due<b>{}</b></div><div class="kpi">OLA due<b>{}</b></div>{}</div>{room}</section>
<section><h2>Timeline</h2><div class="table"><table><tr><th>when</th><th>who</th><th>what</th></tr>{events}</table></div></section>"#,
        t.reference,
        esc(&t.title),
        t.status,
        t.close_reason.map(|r| format!(" ({r})")).unwrap_or_default(),
        t.severity.map(|s| s.to_string()).unwrap_or_else(|| "–".into()),
        t.kind.map(|k| k.to_string()).unwrap_or_else(|| "–".into()),
        esc(t.domain.as_deref().unwrap_or("–")),
        t.tier,
        esc(t.assignee.as_deref().unwrap_or("–")),
        esc(&t.customer),
        local(t.created_at, zone),
        due(view.sla.response_due),
        due(view.sla.resolve_due),
        due(view.sla.ola_due),
        if view.sla.breached { r#"<div class="kpi breached">SLA<b>breached</b></div>"# } else { "" },
    );
    page(&t.reference.to_string(), Some(&viewer), &body).into_response()
}

async fn incidents(State(web): State<Web>, headers: HeaderMap) -> Response {
    let viewer = match signed_in(&web, &headers).await {
        Ok(viewer) if viewer.sees_war_rooms() => viewer,
        Ok(_) => {
            return refused(Denied::Forbidden("the war-room board is for managers, domain owners and leads"));
        }
        Err(refusal) => return refusal,
    };
    let zone = web.engine().config().digest.time_zone;
    let rooms = match web.engine().store().open_war_rooms().await {
        Ok(rooms) => rooms,
        Err(e) => return refused(Denied::Internal(e.to_string())),
    };
    let sla = crate::inspect::SlaAt {
        policy: &web.engine().config().sla,
        now: web.now(),
        zone: web.engine().config().digest.time_zone,
    };
    let mut rows = String::new();
    for room in &rooms {
        let view = match crate::inspect::ticket_view(&**web.engine().store(), sla, room.ticket).await {
            Ok(Some(view)) => view,
            Ok(None) => continue,
            Err(e) => return refused(Denied::Internal(e.to_string())),
        };
        let deadline = view.sla.resolve_due.map_or_else(|| "–".to_owned(), |d| local(d, zone));
        let _ = write!(
            rows,
            r#"<tr data-room="{}"><td><a href="/tickets/{r}">{r}</a></td><td class="wrap">{}</td><td>{}</td><td class="wrap">{}</td><td>{}</td><td{}>{deadline}</td></tr>"#,
            esc(&room.name),
            esc(&view.ticket.title),
            esc(room.leader.as_deref().unwrap_or("–")),
            esc(&room.roster.join(", ")),
            local(room.opened_at, zone),
            if view.sla.breached { " class=breached" } else { "" },
            r = room.ticket,
        );
    }
    let body = format!(
        r#"<section><h1>War rooms</h1>{}<div class="table"><table><tr><th>ticket</th><th>title</th><th>leader</th><th>roster</th><th>opened</th><th>resolution due</th></tr>{rows}</table></div></section>"#,
        if rooms.is_empty() { "<p class=muted>No war room is open.</p>" } else { "" }
    );
    page("War rooms", Some(&viewer), &body).into_response()
}
