//! The cockpit's pages: plain server-rendered HTML in the reader's language (`lang.rs`). `/` the
//! four indicators (managers, `dashboard.rs`), `/queue` the open queue with its filters,
//! `/tickets/T-n` a ticket with its clocks and timeline, `/incidents` the war-room board; `/login`
//! spends a sign-in link and sets the session.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::api::TicketQuery;
use super::charts::trim_number;
use super::lang::{self, DASH, when, when_or_dash};
use super::{Denied, LINK_TOKEN_NEEDED, Viewer, WAR_ROOMS_ONLY, Web, dashboard, events};
use crate::domain::{Locale, TicketRef};
use crate::store::TicketFilter;
use crate::t;

pub(super) fn routes() -> Router<Web> {
    Router::new()
        .route("/", get(dashboard::dashboard))
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

/// `text` escaped, with each of `codes` in it set as code (commands a person types).
fn esc_with_code(text: &str, codes: &[&str]) -> String {
    let mut out = esc(text);
    for code in codes {
        let escaped = esc(code);
        out = out.replace(&escaped, &format!("<code>{escaped}</code>"));
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

/// A page in the reader's language: `<html lang>`, the title, the navigation for who is signed in.
pub(super) fn page(locale: Locale, title: &str, viewer: Option<&Viewer>, body: &str) -> Html<String> {
    let mut nav = String::new();
    if let Some(viewer) = viewer {
        let link = |href: &str, text: String| format!(r#"<a href="{href}">{}</a>"#, esc(&text));
        if viewer.is_manager() {
            nav.push_str(&link("/", t!(locale, "web-indicators")));
        }
        nav.push_str(&link("/queue", t!(locale, "web-queue")));
        if viewer.sees_war_rooms() {
            nav.push_str(&link("/incidents", t!(locale, "web-war-rooms")));
        }
        let _ = write!(
            nav,
            r#"<span class="me">{} · {}</span>"#,
            esc(&viewer.person),
            link("/logout", t!(locale, "web-sign-out"))
        );
    }
    Html(format!(
        r#"<!doctype html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{} · resolvd</title><style>{STYLE}</style></head><body><header><strong>resolvd</strong>{nav}</header><main>{body}</main></body></html>"#,
        locale.tag(),
        esc(title)
    ))
}

/// The heading of a refusal: what the status means to the reader.
fn status_heading(locale: Locale, status: StatusCode) -> String {
    t!(locale, "web-http-status", code = u32::from(status.as_u16()))
}

/// A page refused: 401 with how to sign in, 403, or 500, in `locale`.
pub(super) fn refused(locale: Locale, denied: Denied) -> Response {
    let status = denied.status();
    let hint = match status {
        StatusCode::UNAUTHORIZED => sign_in_hint(locale),
        _ => String::new(),
    };
    let body = format!(
        "<section><h1>{}</h1><p>{}</p>{hint}</section>",
        esc(&status_heading(locale, status)),
        esc(&crate::i18n::text(locale, &denied.msg()))
    );
    (status, page(locale, &t!(locale, "web-sign-in"), None, &body)).into_response()
}

/// How staff sign in: `/dashboard` in chat, or an operator's `resolvd login-link`.
fn sign_in_hint(locale: Locale) -> String {
    let command = "/dashboard";
    let cli = format!("resolvd login-link --person {}", t!(locale, "web-your-id"));
    let hint = t!(
        locale,
        "web-sign-in-hint",
        command = command,
        cli = cli.as_str(),
        minutes = crate::access::LINK_MINUTES
    );
    format!("<p>{}</p>", esc_with_code(&hint, &[command, &cli]))
}

/// The person signed in, or the refusal to show, in the language of whoever asked.
pub(super) async fn signed_in(web: &Web, headers: &HeaderMap) -> Result<Viewer, Response> {
    web.viewer(headers).await.map_err(|denied| refused(web.locale(None, headers), denied))
}

#[derive(Deserialize)]
struct LoginQuery {
    t: Option<String>,
}

async fn login(State(web): State<Web>, headers: HeaderMap, Query(query): Query<LoginQuery>) -> Response {
    let locale = web.locale(None, &headers);
    let Some(token) = query.t else {
        return refused(locale, Denied::Unauthenticated(LINK_TOKEN_NEEDED));
    };
    let person = match web.inner.signer.redeem_link(&**web.engine().store(), &token, web.now()).await {
        Ok(person) => person,
        Err(crate::access::RedeemError::Access(e)) => {
            let status = StatusCode::UNAUTHORIZED;
            let body = format!(
                "<section><h1>{}</h1><p>{}</p></section>",
                esc(&status_heading(locale, status)),
                esc(&crate::i18n::text(locale, &e.msg()))
            );
            return (status, page(locale, &t!(locale, "web-sign-in"), None, &body)).into_response();
        }
        Err(e) => return refused(locale, Denied::Internal(e.to_string())),
    };
    let viewer = match web.viewer_for(person.clone(), &headers) {
        Ok(viewer) => viewer,
        Err(denied) => return refused(locale, denied),
    };
    let (_, cookie) = web.session_cookie(&person);
    let home = if viewer.is_manager() { "/" } else { "/queue" };
    ([(header::SET_COOKIE, cookie)], Redirect::to(home)).into_response()
}

async fn logout() -> Response {
    let cookie = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0", crate::access::SESSION_COOKIE);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/queue")).into_response()
}

pub(super) fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| DASH.to_owned(), |s| format!("{}%", trim_number(s * 100.0)))
}

/// A `<select>` of `(value, label)`: the value is what the form sends, the label what people read.
pub(super) fn option_list(
    locale: Locale,
    name: &str,
    selected: Option<&str>,
    values: &[(&str, String)],
) -> String {
    let mut out =
        format!(r#"<select name="{name}"><option value="">{}</option>"#, esc(&t!(locale, "web-any")));
    for (value, label) in values {
        let sel = if selected == Some(*value) { " selected" } else { "" };
        let _ = write!(out, r#"<option value="{}"{sel}>{}</option>"#, esc(value), esc(label));
    }
    out.push_str("</select>");
    out
}

/// A label around a form control.
pub(super) fn labelled(label: &str, control: &str) -> String {
    format!("<label>{}{control}</label>", esc(label))
}

async fn queue(State(web): State<Web>, headers: HeaderMap, Query(query): Query<TicketQuery>) -> Response {
    let viewer = match signed_in(&web, &headers).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let locale = viewer.locale;
    let title = t!(locale, "web-queue");
    let zone = web.engine().config().digest.time_zone;
    let mut query = query;
    if query.status.is_none() {
        query.status = Some("open".to_owned());
    }
    let form = {
        let domains: Vec<(&str, String)> =
            web.engine().config().domains.iter().map(|d| (d.id.as_str(), d.id.clone())).collect();
        let statuses: Vec<(&str, String)> = ["open", "new", "waiting_customer", "resolved", "closed"]
            .iter()
            .map(|s| (*s, t!(locale, "web-status-filter", status = *s)))
            .collect();
        let severities: Vec<(&str, String)> = ["S", "P1", "P2", "P3"].map(|s| (s, s.to_owned())).into();
        let risk = if query.at_risk.unwrap_or(false) { " checked" } else { "" };
        [
            r#"<form class="filters" method="get" action="/queue">"#.to_owned(),
            labelled(
                &t!(locale, "web-col-status"),
                &option_list(locale, "status", query.status.as_deref(), &statuses),
            ),
            labelled(
                &t!(locale, "web-col-assignee"),
                &format!(
                    r#"<input name="assignee" value="{}">"#,
                    esc(query.assignee.as_deref().unwrap_or_default())
                ),
            ),
            labelled(
                &t!(locale, "web-col-domain"),
                &option_list(locale, "domain", query.domain.as_deref(), &domains),
            ),
            labelled(
                &t!(locale, "web-col-severity"),
                &option_list(locale, "severity", query.severity.as_deref(), &severities),
            ),
            labelled(
                &t!(locale, "web-filter-at-risk"),
                &format!(r#"<input type="checkbox" name="at_risk" value="true"{risk}>"#),
            ),
            labelled(
                &t!(locale, "web-filter-search"),
                &format!(
                    r#"<input name="q" value="{}" placeholder="{}">"#,
                    esc(query.q.as_deref().unwrap_or_default()),
                    esc(&t!(locale, "web-filter-search-hint"))
                ),
            ),
            format!("<button>{}</button></form>", esc(&t!(locale, "web-filter-apply"))),
        ]
        .concat()
    };
    let filter = match query.filter(web.now()) {
        Ok(filter) => filter,
        Err(e) => {
            let body = format!(
                "<section><h1>{}</h1>{form}<p class=breached>{}</p></section>",
                esc(&title),
                esc(&t!(locale, "web-bad-filter", problem = e))
            );
            return (StatusCode::BAD_REQUEST, page(locale, &title, Some(&viewer), &body)).into_response();
        }
    };
    let page_of = match super::api::ticket_page(&web, &filter).await {
        Ok(page) => page,
        Err(e) => return refused(locale, Denied::Internal(e.to_string())),
    };
    let mut rows = String::new();
    for t in &page_of.tickets {
        let alarm = when_or_dash(locale, t.next_alarm_at, zone);
        let soon = t.next_alarm_at.is_some_and(|a| a <= TicketFilter::at_risk_before(web.now()));
        let _ = write!(
            rows,
            r#"<tr data-ticket="{r}"><td><a href="/tickets/{r}">{r}</a></td><td class="wrap">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td></tr>"#,
            esc(&t.title),
            esc(&lang::status(locale, t.status)),
            t.severity.map(|s| s.to_string()).unwrap_or_default(),
            esc(t.domain.as_deref().unwrap_or("")),
            esc(t.assignee.as_deref().unwrap_or(DASH)),
            esc(&t.customer),
            if soon { " class=breached" } else { "" },
            esc(&alarm),
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
            format!(
                r#"<p><a href="/queue?{}">{}</a></p>"#,
                esc(&encoded.join("&")),
                esc(&t!(locale, "web-next-page"))
            )
        }
        None => String::new(),
    };
    let columns = head(&[
        t!(locale, "web-col-ticket"),
        t!(locale, "web-col-title"),
        t!(locale, "web-col-status"),
        t!(locale, "web-col-severity"),
        t!(locale, "web-col-domain"),
        t!(locale, "web-col-assignee"),
        t!(locale, "web-col-customer"),
        t!(locale, "web-col-next-alarm", zone = zone.name()),
    ]);
    let empty = if page_of.tickets.is_empty() {
        format!("<p class=muted>{}</p>", esc(&t!(locale, "web-queue-empty")))
    } else {
        String::new()
    };
    let body = format!(
        r#"<section><h1>{}</h1>{form}</section><section><div class="table"><table><tr>{columns}</tr>{rows}</table></div>{empty}{next}</section>"#,
        esc(&title)
    );
    page(locale, &title, Some(&viewer), &body).into_response()
}

/// A table's header row.
pub(super) fn head(cells: &[String]) -> String {
    cells.iter().map(|c| format!("<th>{}</th>", esc(c))).collect()
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
    let locale = viewer.locale;
    let heading = t!(locale, "web-ticket");
    let Ok(reference) = reference.parse::<TicketRef>() else {
        let text = crate::domain::text::elide(&reference, 40);
        let body =
            format!("<section><p>{}</p></section>", esc(&t!(locale, "error-bad-ticket-ref", text = text)));
        return (StatusCode::BAD_REQUEST, page(locale, &heading, Some(&viewer), &body)).into_response();
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
            let body = format!(
                "<section><p>{}</p></section>",
                esc(&t!(locale, "no-such-ticket", ticket = reference.to_string()))
            );
            return (StatusCode::NOT_FOUND, page(locale, &heading, Some(&viewer), &body)).into_response();
        }
        Err(e) => return refused(locale, Denied::Internal(e.to_string())),
    };
    let t = &view.ticket;
    let mut events = String::new();
    for e in &view.events {
        let _ = write!(
            events,
            r#"<tr><td>{}</td><td>{}</td><td class="wrap">{}</td></tr>"#,
            esc(&when(locale, e.at, zone)),
            esc(&e.actor),
            esc(&events::describe(locale, zone, &e.kind))
        );
    }
    let room = view.war_room.as_ref().map_or_else(String::new, |room| {
        let state = if room.archived_at.is_some() {
            t!(locale, "web-room-archived")
        } else {
            t!(locale, "web-room-open")
        };
        let line = t!(
            locale,
            "web-room-line",
            room = room.id.as_str(),
            state = state,
            leader = room.leader.as_deref().unwrap_or(DASH),
            roster = lang::list(locale, &room.roster)
        );
        format!("<p>{}</p>", esc(&line))
    });
    let field = |key: String, value: String| format!("{} <b>{}</b>", esc(&key), esc(&value));
    let status = match t.close_reason {
        Some(reason) => t!(
            locale,
            "web-status-because",
            status = lang::status(locale, t.status),
            reason = lang::close_reason(locale, reason)
        ),
        None => lang::status(locale, t.status),
    };
    let facts = [
        field(t!(locale, "web-col-status"), status),
        field(t!(locale, "web-col-severity"), t.severity.map_or_else(|| DASH.to_owned(), |s| s.to_string())),
        field(t!(locale, "web-col-kind"), t.kind.map_or_else(|| DASH.to_owned(), |k| lang::kind(locale, k))),
        field(t!(locale, "web-col-domain"), t.domain.clone().unwrap_or_else(|| DASH.to_owned())),
        field(t!(locale, "web-col-tier"), t.tier.to_string()),
        field(t!(locale, "web-col-assignee"), t.assignee.clone().unwrap_or_else(|| DASH.to_owned())),
        field(t!(locale, "web-col-customer"), t.customer.clone()),
        field(t!(locale, "web-col-created"), when(locale, t.created_at, zone)),
    ]
    .join(" · ");
    let due = |key: String, at| {
        format!(r#"<div class="kpi">{}<b>{}</b></div>"#, esc(&key), esc(&when_or_dash(locale, at, zone)))
    };
    let breached = if view.sla.breached {
        format!(r#"<div class="kpi breached">SLA<b>{}</b></div>"#, esc(&t!(locale, "web-breached")))
    } else {
        String::new()
    };
    let columns = head(&[
        t!(locale, "web-col-when", zone = zone.name()),
        t!(locale, "web-col-who"),
        t!(locale, "web-col-what"),
    ]);
    let body = format!(
        r#"<section><h1>{} · {}</h1><p>{facts}</p>
<div class="kpis">{}{}{}{breached}</div>{room}</section>
<section><h2>{}</h2><div class="table"><table><tr>{columns}</tr>{events}</table></div></section>"#,
        t.reference,
        esc(&t.title),
        due(t!(locale, "web-response-due"), view.sla.response_due),
        due(t!(locale, "web-resolution-due"), view.sla.resolve_due),
        due(t!(locale, "web-ola-due"), view.sla.ola_due),
        esc(&t!(locale, "web-timeline")),
    );
    page(locale, &t.reference.to_string(), Some(&viewer), &body).into_response()
}

async fn incidents(State(web): State<Web>, headers: HeaderMap) -> Response {
    let viewer = match signed_in(&web, &headers).await {
        Ok(viewer) if viewer.sees_war_rooms() => viewer,
        Ok(viewer) => return refused(viewer.locale, Denied::Forbidden(WAR_ROOMS_ONLY)),
        Err(refusal) => return refusal,
    };
    let locale = viewer.locale;
    let title = t!(locale, "web-war-rooms");
    let zone = web.engine().config().digest.time_zone;
    let rooms = match web.engine().store().open_war_rooms().await {
        Ok(rooms) => rooms,
        Err(e) => return refused(locale, Denied::Internal(e.to_string())),
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
            Err(e) => return refused(locale, Denied::Internal(e.to_string())),
        };
        let _ = write!(
            rows,
            r#"<tr data-room="{}"><td><a href="/tickets/{r}">{r}</a></td><td class="wrap">{}</td><td>{}</td><td class="wrap">{}</td><td>{}</td><td{}>{}</td></tr>"#,
            esc(&room.name),
            esc(&view.ticket.title),
            esc(room.leader.as_deref().unwrap_or(DASH)),
            esc(&lang::list(locale, &room.roster)),
            esc(&when(locale, room.opened_at, zone)),
            if view.sla.breached { " class=breached" } else { "" },
            esc(&when_or_dash(locale, view.sla.resolve_due, zone)),
            r = room.ticket,
        );
    }
    let columns = head(&[
        t!(locale, "web-col-ticket"),
        t!(locale, "web-col-title"),
        t!(locale, "web-col-leader"),
        t!(locale, "web-col-roster"),
        t!(locale, "web-col-opened", zone = zone.name()),
        t!(locale, "web-resolution-due"),
    ]);
    let empty = if rooms.is_empty() {
        format!("<p class=muted>{}</p>", esc(&t!(locale, "web-no-war-room")))
    } else {
        String::new()
    };
    let body = format!(
        r#"<section><h1>{}</h1>{empty}<div class="table"><table><tr>{columns}</tr>{rows}</table></div></section>"#,
        esc(&title)
    );
    page(locale, &title, Some(&viewer), &body).into_response()
}
