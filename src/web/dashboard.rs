//! `/`, the managers' indicators: the seed's four, each with its figures, a chart and a table, in
//! the reader's language. The numbers carry `data-indicator`, `data-kind` and `data-domain` for
//! tools and tests, the same in every language.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::api::IndicatorParams;
use super::charts::{self, Part, Series, trim_number};
use super::lang::{self, DASH, duration};
use super::pages::{esc, head, labelled, option_list, page, percent, refused, signed_in};
use super::{Denied, Web};
use crate::domain::indicators::{Handling, Indicators};
use crate::domain::{Kind, Locale};
use crate::t;

pub(super) async fn dashboard(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(params): Query<IndicatorParams>,
) -> Response {
    let viewer = match signed_in(&web, &headers).await {
        Ok(viewer) if viewer.is_manager() => viewer,
        Ok(_) => return Redirect::to("/queue").into_response(),
        Err(refusal) => return refusal,
    };
    let locale = viewer.locale;
    let title = t!(locale, "web-indicators");
    let zone = web.engine().config().digest.time_zone;
    let query = match params.query(zone, web.now()) {
        Ok(query) => query,
        Err(e) => {
            let body = format!(
                "<section><h1>{}</h1><p class=breached>{}</p></section>",
                esc(&title),
                esc(&t!(locale, "web-bad-filter", problem = e))
            );
            return (StatusCode::BAD_REQUEST, page(locale, &title, Some(&viewer), &body)).into_response();
        }
    };
    let indicators = match web.engine().store().indicators(&query).await {
        Ok(indicators) => indicators,
        Err(e) => return refused(locale, Denied::Internal(e.to_string())),
    };
    let domains: Vec<(&str, String)> =
        web.engine().config().domains.iter().map(|d| (d.id.as_str(), d.id.clone())).collect();
    let kinds: Vec<(&str, String)> = <Kind as strum::VariantArray>::VARIANTS
        .iter()
        .map(|k| (<&str>::from(k), lang::kind(locale, *k)))
        .collect();
    let severities: Vec<(&str, String)> = ["S", "P1", "P2", "P3"].map(|s| (s, s.to_owned())).into();
    let mut body = format!(
        r#"<section><h1>{}</h1><form class="filters" method="get" action="/">{}{}{}{}{}{}<button>{}</button></form></section>"#,
        esc(&t!(
            locale,
            "web-indicators-heading",
            from = lang::day(locale, query.from),
            to = lang::day(locale, query.to),
            zone = indicators.time_zone.as_str()
        )),
        labelled(
            &t!(locale, "web-filter-from"),
            &format!(r#"<input type="date" name="from" value="{}">"#, query.from)
        ),
        labelled(
            &t!(locale, "web-filter-to"),
            &format!(r#"<input type="date" name="to" value="{}">"#, query.to)
        ),
        labelled(
            &t!(locale, "web-col-domain"),
            &option_list(locale, "domain", query.filter.domain.as_deref(), &domains)
        ),
        labelled(
            &t!(locale, "web-col-severity"),
            &option_list(locale, "severity", query.filter.severity.map(Into::into), &severities)
        ),
        labelled(
            &t!(locale, "web-col-kind"),
            &option_list(locale, "kind", query.filter.kind.map(Into::into), &kinds)
        ),
        labelled(
            &t!(locale, "web-col-customer"),
            &format!(
                r#"<input name="customer" value="{}">"#,
                esc(query.filter.customer.as_deref().unwrap_or_default())
            )
        ),
        esc(&t!(locale, "web-filter-show")),
    );
    body.push_str(&inflow_section(locale, &indicators));
    body.push_str(&handling_section(locale, &indicators));
    body.push_str(&confirmation_section(locale, &indicators));
    page(locale, &title, Some(&viewer), &body).into_response()
}

/// A figure with its label: `<div class="kpi">created<b data-indicator="…">3</b></div>`.
fn kpi(label: &str, indicator: Option<&str>, value: &str) -> String {
    let data = indicator.map(|i| format!(r#" data-indicator="{i}""#)).unwrap_or_default();
    format!(r#"<div class="kpi">{}<b{data}>{}</b></div>"#, esc(label), esc(value))
}

fn inflow_section(locale: Locale, ind: &Indicators) -> String {
    let created: i64 = ind.inflow.iter().map(|d| d.created).sum();
    let closed: i64 = ind.inflow.iter().map(|d| d.closed).sum();
    let open_at_start = ind.inflow.first().map_or(0, |d| d.open_at_start);
    let rate = (open_at_start + created > 0).then(|| closed as f64 / (open_at_start + created) as f64);
    let days: Vec<String> = ind.inflow.iter().map(|d| lang::short_day(locale, d.date)).collect();
    let chart = charts::bars(
        "chart-inflow",
        &t!(locale, "web-chart-inflow"),
        &days,
        &[
            Series {
                name: t!(locale, "web-created"),
                class: "created",
                values: ind.inflow.iter().map(|d| d.created as f64).collect(),
            },
            Series {
                name: t!(locale, "web-closed"),
                class: "closed",
                values: ind.inflow.iter().map(|d| d.closed as f64).collect(),
            },
        ],
        Some(&Series {
            name: t!(locale, "web-close-rate"),
            class: "rate",
            values: ind.inflow.iter().map(|d| d.close_rate.unwrap_or(0.0)).collect(),
        }),
    );
    let mut rows = String::new();
    for day in &ind.inflow {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&lang::day(locale, day.date)),
            day.open_at_start,
            day.created,
            day.closed,
            percent(day.close_rate)
        );
    }
    let kpis = [
        kpi(&t!(locale, "web-created"), Some("created-total"), &created.to_string()),
        kpi(&t!(locale, "web-closed"), Some("closed-total"), &closed.to_string()),
        kpi(&t!(locale, "web-open-at-start"), Some("open-at-start"), &open_at_start.to_string()),
        kpi(&t!(locale, "web-close-rate-range"), Some("close-rate"), &percent(rate)),
    ]
    .concat();
    let columns = head(&[
        t!(locale, "web-col-day"),
        t!(locale, "web-open-at-start"),
        t!(locale, "web-created"),
        t!(locale, "web-closed"),
        t!(locale, "web-close-rate"),
    ]);
    format!(
        r#"<section><h2>{}</h2><div class="kpis">{kpis}</div>{chart}
<details><summary>{}</summary><div class="table"><table><tr>{columns}</tr>{rows}</table></div></details></section>"#,
        esc(&t!(locale, "web-inflow-heading")),
        esc(&t!(locale, "web-per-day")),
    )
}

fn handling_cells(locale: Locale, h: &Handling) -> String {
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        h.tickets,
        h.resolved,
        esc(&duration(locale, h.median_secs)),
        esc(&duration(locale, h.p90_secs)),
        esc(&duration(locale, h.median_business_secs)),
        esc(&duration(locale, h.p90_business_secs)),
        percent(h.on_time_rate)
    )
}

fn handling_head(locale: Locale) -> String {
    head(&[
        t!(locale, "web-col-tickets"),
        t!(locale, "web-col-resolved"),
        t!(locale, "web-col-median"),
        t!(locale, "web-col-p90"),
        t!(locale, "web-col-median-business"),
        t!(locale, "web-col-p90-business"),
        t!(locale, "web-col-on-time"),
    ])
}

fn handling_section(locale: Locale, ind: &Indicators) -> String {
    let unclassified = || t!(locale, "unclassified");
    let kind_name = |k: Option<Kind>| k.map_or_else(unclassified, |k| lang::kind(locale, k));
    let mut kinds = String::new();
    for k in &ind.by_kind {
        let data = k.kind.map_or_else(|| "unclassified".to_owned(), |k| k.to_string());
        let _ = write!(
            kinds,
            r#"<tr data-kind="{}"><td>{}</td>{}</tr>"#,
            esc(&data),
            esc(&kind_name(k.kind)),
            handling_cells(locale, &k.handling)
        );
    }
    let labels: Vec<String> = ind.by_kind.iter().map(|k| kind_name(k.kind)).collect();
    let to_hours = |v: Option<i64>| v.map_or(0.0, |s| s as f64 / 3600.0);
    let kind_chart = charts::bars(
        "chart-kind",
        &t!(locale, "web-chart-kind"),
        &labels,
        &[
            Series {
                name: t!(locale, "web-series-median-hours"),
                class: "median",
                values: ind.by_kind.iter().map(|k| to_hours(k.handling.median_secs)).collect(),
            },
            Series {
                name: t!(locale, "web-series-p90-hours"),
                class: "p90",
                values: ind.by_kind.iter().map(|k| to_hours(k.handling.p90_secs)).collect(),
            },
        ],
        None,
    );
    let mut domains = String::new();
    for d in &ind.by_domain {
        let data = d.domain.clone().unwrap_or_else(|| "unclassified".to_owned());
        let shown = d.domain.clone().unwrap_or_else(unclassified);
        let breached = if d.breached_now > 0 { " class=breached" } else { "" };
        let _ = write!(
            domains,
            r#"<tr data-domain="{}"><td>{}</td>{}<td>{}</td><td{breached}>{}</td></tr>"#,
            esc(&data),
            esc(&shown),
            handling_cells(locale, &d.handling),
            d.open_now,
            d.breached_now
        );
    }
    let domain_labels: Vec<String> =
        ind.by_domain.iter().map(|d| d.domain.clone().unwrap_or_else(unclassified)).collect();
    let domain_chart = charts::bars(
        "chart-domain",
        &t!(locale, "web-chart-domain"),
        &domain_labels,
        &[
            Series {
                name: t!(locale, "web-col-open-now"),
                class: "created",
                values: ind.by_domain.iter().map(|d| d.open_now as f64).collect(),
            },
            Series {
                name: t!(locale, "web-col-breached-now"),
                class: "reopened",
                values: ind.by_domain.iter().map(|d| d.breached_now as f64).collect(),
            },
        ],
        None,
    );
    let handling = handling_head(locale);
    let now = head(&[t!(locale, "web-col-open-now"), t!(locale, "web-col-breached-now")]);
    format!(
        r#"<section><h2>{}</h2>{kind_chart}<div class="table"><table><tr><th>{}</th>{handling}</tr>{kinds}</table></div></section>
<section><h2>{}</h2>{domain_chart}<div class="table"><table><tr><th>{}</th>{handling}{now}</tr>{domains}</table></div></section>"#,
        esc(&t!(locale, "web-kind-heading")),
        esc(&t!(locale, "web-col-kind")),
        esc(&t!(locale, "web-domain-heading")),
        esc(&t!(locale, "web-col-domain")),
    )
}

fn confirmation_section(locale: Locale, ind: &Indicators) -> String {
    let c = &ind.confirmation;
    let part = |name: String, class: &'static str, value: i64| Part { name, class, value: value as f64 };
    let outcome = charts::stacked(
        "chart-confirmation",
        &t!(locale, "web-chart-confirmation"),
        &[
            part(t!(locale, "web-confirmed"), "confirmed", c.confirmed),
            part(t!(locale, "web-auto-confirmed"), "auto", c.auto_confirmed),
            part(t!(locale, "web-reopened"), "reopened", c.reopened),
            part(t!(locale, "web-pending"), "pending", c.pending),
        ],
        &t!(locale, "web-chart-nothing"),
    );
    let scores = charts::bars(
        "chart-scores",
        &t!(locale, "web-chart-scores"),
        &["1", "2", "3", "4", "5"].map(str::to_owned),
        &[Series {
            name: t!(locale, "web-series-scores"),
            class: "score",
            values: c.scores.iter().map(|n| *n as f64).collect(),
        }],
        None,
    );
    let kpis = [
        kpi(&t!(locale, "web-cards"), Some("cards"), &c.cards.to_string()),
        kpi(&t!(locale, "web-confirmed"), Some("confirmed-share"), &percent(c.confirmed_share)),
        kpi(
            &t!(locale, "web-auto-confirmed"),
            Some("auto-confirmed-share"),
            &percent(c.auto_confirmed_share),
        ),
        kpi(&t!(locale, "web-reopened"), Some("reopened-share"), &percent(c.reopened_share)),
        kpi(&t!(locale, "web-resolved-to-closed"), None, &duration(locale, c.median_secs)),
        kpi(&t!(locale, "web-col-p90"), None, &duration(locale, c.p90_secs)),
        kpi(
            &t!(locale, "web-mean-score"),
            Some("mean-score"),
            &c.mean_score.map_or_else(|| DASH.to_owned(), trim_number),
        ),
        kpi(&t!(locale, "web-response-rate"), Some("response-rate"), &percent(c.response_rate)),
        kpi(&t!(locale, "web-revisits-asked"), Some("revisits-asked"), &c.revisits.asked.to_string()),
        kpi(&t!(locale, "web-revisits-working"), Some("revisits-working"), &c.revisits.working.to_string()),
        kpi(
            &t!(locale, "web-revisits-not-working"),
            Some("revisits-not-working"),
            &c.revisits.not_working.to_string(),
        ),
    ]
    .concat();
    format!(
        r#"<section><h2>{}</h2><div class="kpis">{kpis}</div>{outcome}{scores}</section>"#,
        esc(&t!(locale, "web-confirmation-heading"))
    )
}
