//! The REST API, `/api/v1`, authorised by `Authorization: Bearer TOKEN` (or a dashboard
//! session), and its OpenAPI document, generated from these handlers (utoipa): a route is in
//! the document because it is registered through it.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Denied, Viewer, Web, json_error};
use crate::domain::indicators::{IndicatorFilter, IndicatorQuery, Indicators};
use crate::domain::{Kind, Severity, Status, Ticket, TicketRef, Tier};
use crate::store::{StatusFilter, TicketFilter};

/// How many tickets a page holds at most, and by default.
pub const MAX_PAGE: i64 = 100;
const DEFAULT_PAGE: i64 = 50;
/// The longest range `/indicators` takes.
const MAX_RANGE_DAYS: i64 = 366;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// What was wrong, in words.
    pub error: String,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "resolvd", description = "Tickets and the cockpit's indicators. Authorise with `Authorization: Bearer TOKEN` (`resolvd token create`)."),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub(super) fn routes() -> OpenApiRouter<Web> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_tickets))
        .routes(routes!(get_ticket))
        .routes(routes!(get_indicators))
        .routes(routes!(post_handoff))
}

/// The OpenAPI document of the API, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

pub(super) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        json_error(self.status(), self.message())
    }
}

fn bad_request(message: impl Into<String>) -> Response {
    json_error(StatusCode::BAD_REQUEST, message)
}

async fn viewer(web: &Web, headers: &HeaderMap) -> Result<Viewer, Response> {
    web.viewer(headers).await.map_err(IntoResponse::into_response)
}

/// Which tickets: the same filters as the dashboard's queue and `/queue`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// A status (new, open, waiting_customer, resolved, closed), or `open` for every status but closed.
    pub status: Option<String>,
    /// The assignee's person id.
    pub assignee: Option<String>,
    /// A domain id.
    pub domain: Option<String>,
    /// S, P1, P2 or P3.
    pub severity: Option<String>,
    /// Only tickets whose next SLA alarm is within the hour.
    pub at_risk: Option<bool>,
    /// Words in the title, a message or the customer.
    pub q: Option<String>,
    /// The cursor: tickets after this one (as T-12), from the previous page's `next_after`.
    pub after: Option<String>,
    /// At most this many (1 to 100, default 50).
    pub limit: Option<i64>,
}

impl TicketQuery {
    /// The store's filter, or what is wrong with the query, in words.
    pub fn filter(&self, now: DateTime<Utc>) -> Result<TicketFilter, String> {
        let status = given(&self.status).map(|s| s.parse::<StatusFilter>()).transpose()?;
        let severity = severity(&self.severity)?;
        let after = given(&self.after)
            .map(|a| {
                a.parse::<TicketRef>()
                    .map_err(|_| format!("after `{}` is not a ticket; write T-12", elide(&a)))
            })
            .transpose()?;
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(format!("limit {limit} is out of range; use 1 to {MAX_PAGE}"));
        }
        Ok(TicketFilter {
            status,
            assignee: given(&self.assignee),
            domain: given(&self.domain),
            after,
            limit: Some(limit),
            severity,
            alarm_before: self.at_risk.unwrap_or(false).then(|| TicketFilter::at_risk_before(now)),
            text: given(&self.q).map(|q| crate::domain::text::prefix(&q, 200).to_owned()),
        })
    }
}

/// A query parameter's value, trimmed; `None` when it is absent or blank (an empty form field).
fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn severity(value: &Option<String>) -> Result<Option<Severity>, String> {
    given(value)
        .map(|s| {
            s.parse::<Severity>()
                .map_err(|_| format!("`{}` is not a severity; use S, P1, P2 or P3", elide(&s)))
        })
        .transpose()
}

fn elide(text: &str) -> String {
    crate::domain::text::elide(text, 40)
}

/// A ticket in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketSummary {
    /// As T-12 (`ref`, as in `ticket show --json`).
    #[serde(rename = "ref")]
    #[schema(value_type = String)]
    pub reference: TicketRef,
    pub title: String,
    pub status: Status,
    pub kind: Option<Kind>,
    pub domain: Option<String>,
    pub severity: Option<Severity>,
    pub tier: Tier,
    pub assignee: Option<String>,
    pub customer: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the SLA sweep next looks at it (a warning or a deadline); null when nothing is pending.
    pub next_alarm_at: Option<DateTime<Utc>>,
}

impl TicketSummary {
    pub fn new(ticket: Ticket, next_alarm_at: Option<DateTime<Utc>>) -> Self {
        TicketSummary {
            reference: ticket.reference,
            title: ticket.title,
            status: ticket.status,
            kind: ticket.kind,
            domain: ticket.domain,
            severity: ticket.severity,
            tier: ticket.tier,
            assignee: ticket.assignee,
            customer: ticket.customer,
            created_at: ticket.created_at,
            updated_at: ticket.updated_at,
            next_alarm_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketPage {
    pub tickets: Vec<TicketSummary>,
    /// Pass as `after` for the next page; null on the last.
    pub next_after: Option<String>,
}

/// One page of tickets matching the filters, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/tickets",
    params(TicketQuery),
    responses(
        (status = 200, body = TicketPage),
        (status = 400, body = ApiError, description = "A filter is malformed"),
        (status = 401, body = ApiError, description = "No valid token or session"),
    )
)]
async fn list_tickets(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(query): Query<TicketQuery>,
) -> Response {
    if let Err(denied) = viewer(&web, &headers).await {
        return denied;
    }
    let filter = match query.filter(web.now()) {
        Ok(filter) => filter,
        Err(e) => return bad_request(e),
    };
    match ticket_page(&web, &filter).await {
        Ok(page) => Json(page).into_response(),
        Err(e) => Denied::Internal(e.to_string()).into_response(),
    }
}

pub(super) async fn ticket_page(web: &Web, filter: &TicketFilter) -> crate::store::StoreResult<TicketPage> {
    let rows = web.engine().store().queue(filter).await?;
    let full = filter.limit.is_some_and(|limit| rows.len() as i64 == limit);
    let next_after = rows.last().filter(|_| full).map(|(t, _)| t.reference.to_string());
    let tickets = rows.into_iter().map(|(ticket, alarm)| TicketSummary::new(ticket, alarm)).collect();
    Ok(TicketPage { tickets, next_after })
}

/// One ticket with its SLA clocks and timeline: the fields of `resolvd ticket show --json`.
#[utoipa::path(
    get,
    path = "/api/v1/tickets/{reference}",
    params(("reference" = String, Path, description = "The ticket, as T-12")),
    responses(
        (status = 200, body = Object, description = "The ticket as `resolvd ticket show --json` prints it"),
        (status = 400, body = ApiError),
        (status = 401, body = ApiError),
        (status = 404, body = ApiError),
    )
)]
async fn get_ticket(State(web): State<Web>, headers: HeaderMap, Path(reference): Path<String>) -> Response {
    if let Err(denied) = viewer(&web, &headers).await {
        return denied;
    }
    let Ok(reference) = reference.parse::<TicketRef>() else {
        return bad_request(format!("`{}` is not a ticket; write T-12", elide(&reference)));
    };
    let sla = crate::inspect::SlaAt {
        policy: &web.engine().config().sla,
        now: web.now(),
        zone: web.engine().config().digest.time_zone,
    };
    match crate::inspect::ticket_view(&**web.engine().store(), sla, reference).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, format!("there is no ticket {reference}")),
        Err(e) => Denied::Internal(e.to_string()).into_response(),
    }
}

/// The range and filters of the indicators.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorParams {
    /// The first day, YYYY-MM-DD in the ops time zone [default: 29 days before `to`].
    pub from: Option<String>,
    /// The last day, included [default: today].
    pub to: Option<String>,
    pub domain: Option<String>,
    /// S, P1, P2 or P3.
    pub severity: Option<String>,
    /// fault, consult, query, request, complaint, suggestion or inquiry.
    pub kind: Option<String>,
    /// The customer's id.
    pub customer: Option<String>,
}

impl IndicatorParams {
    pub fn query(&self, zone: chrono_tz::Tz, now: DateTime<Utc>) -> Result<IndicatorQuery, String> {
        let day = |name: &str, v: &Option<String>| -> Result<Option<NaiveDate>, String> {
            given(v)
                .map(|d| {
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map_err(|_| format!("{name} `{}` is not a date; write YYYY-MM-DD", elide(&d)))
                })
                .transpose()
        };
        let to = day("to", &self.to)?.unwrap_or_else(|| now.with_timezone(&zone).date_naive());
        let from = day("from", &self.from)?.unwrap_or(to - chrono::Duration::days(29));
        if from > to {
            return Err(format!("from {from} is after to {to}"));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(format!("the range is longer than {MAX_RANGE_DAYS} days"));
        }
        let severity = severity(&self.severity)?;
        let kind = given(&self.kind)
            .map(|k| k.parse::<Kind>().map_err(|_| format!("`{}` is not a kind of ticket", elide(&k))))
            .transpose()?;
        Ok(IndicatorQuery {
            from,
            to,
            time_zone: zone,
            filter: IndicatorFilter {
                domain: given(&self.domain),
                severity,
                kind,
                customer: given(&self.customer),
            },
        })
    }
}

/// The four indicators over the range: `inflow`, `by_kind`, `by_domain`, `confirmation`.
#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    params(IndicatorParams),
    responses(
        (status = 200, body = Indicators),
        (status = 400, body = ApiError),
        (status = 401, body = ApiError),
        (status = 403, body = ApiError, description = "Only managers read the indicators"),
    )
)]
async fn get_indicators(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(params): Query<IndicatorParams>,
) -> Response {
    match viewer(&web, &headers).await {
        Ok(viewer) if viewer.is_manager() => {}
        Ok(_) => return Denied::Forbidden("only managers read the indicators").into_response(),
        Err(denied) => return denied,
    }
    let query = match params.query(web.engine().config().digest.time_zone, web.now()) {
        Ok(query) => query,
        Err(e) => return bad_request(e),
    };
    match web.engine().store().indicators(&query).await {
        Ok(indicators) => Json(indicators).into_response(),
        Err(e) => Denied::Internal(e.to_string()).into_response(),
    }
}

/// Sales' answer to an inquiry handed to them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoffAnswer {
    /// `won`, `lost` or `answered`.
    pub outcome: String,
    /// Kept on the ticket's timeline for staff (the customer reads a standard text by outcome).
    #[serde(default)]
    pub note: Option<String>,
}

/// The ticket after sales' answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoffClosed {
    #[serde(rename = "ref")]
    #[schema(value_type = String)]
    pub reference: TicketRef,
    pub status: Status,
    pub outcome: String,
}

/// The longest note kept.
const NOTE_CHARS: usize = 2000;

/// Sales answers an inquiry handed to them (`[handoff.sales]`): the outcome goes on the timeline,
/// the ticket closes and the customer is told. Refused, nothing is written.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{reference}/handoff",
    params(("reference" = String, Path, description = "The ticket, as T-12")),
    request_body = HandoffAnswer,
    responses(
        (status = 200, body = HandoffClosed, description = "Recorded; the ticket is closed"),
        (status = 400, body = ApiError, description = "Not JSON, or an unknown outcome"),
        (status = 401, body = ApiError, description = "No valid token"),
        (status = 404, body = ApiError, description = "No such ticket"),
        (status = 409, body = ApiError, description = "The ticket is not waiting for sales"),
    )
)]
async fn post_handoff(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(reference): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let viewer = match viewer(&web, &headers).await {
        Ok(viewer) => viewer,
        Err(denied) => return denied,
    };
    let Ok(reference) = reference.parse::<TicketRef>() else {
        return bad_request(format!("`{}` is not a ticket; write T-12", elide(&reference)));
    };
    let answer: HandoffAnswer = match serde_json::from_slice(&body) {
        Ok(answer) => answer,
        Err(e) => {
            return bad_request(format!(
                "the body is not {{\"outcome\": \"won\"|\"lost\"|\"answered\", \"note\": \"…\"}}: {}",
                elide(&e.to_string())
            ));
        }
    };
    let Ok(outcome) = answer.outcome.parse::<crate::domain::HandoffOutcome>() else {
        return bad_request(format!(
            "`{}` is not an outcome; use won, lost or answered",
            elide(&answer.outcome)
        ));
    };
    let note = answer
        .note
        .map(|n| crate::domain::text::clean(&crate::domain::text::elide(n.trim(), NOTE_CHARS)))
        .filter(|n| !n.is_empty());
    let result = web.engine().sales_answered(reference, outcome, note, &viewer.person, web.now()).await;
    match result {
        Ok(ticket) => Json(HandoffClosed {
            reference: ticket.reference,
            status: ticket.status,
            outcome: outcome.to_string(),
        })
        .into_response(),
        Err(refusal @ crate::engine::HandoffRefusal::NoTicket(_)) => {
            json_error(StatusCode::NOT_FOUND, refusal.to_string())
        }
        Err(refusal @ crate::engine::HandoffRefusal::NotHandedOff(_)) => {
            json_error(StatusCode::CONFLICT, refusal.to_string())
        }
        Err(crate::engine::HandoffRefusal::Internal(e)) => Denied::Internal(e.to_string()).into_response(),
    }
}
