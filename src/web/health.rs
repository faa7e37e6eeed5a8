//! `/healthz` (the process answers), `/readyz` (the database is reachable and migrated, and the
//! chat gateway connected when there is one), both without auth; `/metrics` for Prometheus,
//! with a token or session like the API.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus::{Encoder, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};

use super::Web;
use crate::store::Schema;

pub(super) fn routes() -> Router<Web> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(web): State<Web>) -> Response {
    let mut problems = Vec::new();
    match web.engine().store().schema().await {
        Ok(Schema::Current) => {}
        Ok(_) => problems.push("database schema is behind this build: run `resolvd migrate`".to_owned()),
        Err(e) => {
            problems.push(format!("database unreachable: {}", crate::domain::text::clean(&e.to_string())))
        }
    }
    if web.inner.gateway && web.engine().metrics().gateway_connected.get() != 1 {
        problems.push("chat gateway not connected".to_owned());
    }
    if problems.is_empty() {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {}\n", problems.join("; "))).into_response()
    }
}

async fn metrics(State(web): State<Web>, headers: HeaderMap) -> Response {
    if let Err(denied) = web.viewer(&headers).await {
        return (denied.status(), format!("{}\n", denied.message())).into_response();
    }
    match database_metrics(&web).await {
        Ok(registry) => {
            let mut families = web.engine().metrics().registry.gather();
            families.extend(registry.gather());
            let mut body = Vec::new();
            let encoder = TextEncoder::new();
            if let Err(e) = encoder.encode(&families, &mut body) {
                return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
            }
            ([(header::CONTENT_TYPE, encoder.format_type().to_owned())], body).into_response()
        }
        Err(e) => super::Denied::Internal(format!("{e:#}")).into_response(),
    }
}

/// The counts kept in the database, read at each scrape so every instance reports the same.
async fn database_metrics(web: &Web) -> anyhow::Result<Registry> {
    let store = web.engine().store();
    let registry = Registry::new();
    let open = IntGaugeVec::new(
        Opts::new("resolvd_open_tickets", "Tickets not closed, by severity and tier"),
        &["severity", "tier"],
    )?;
    for count in store.open_ticket_counts().await? {
        open.with_label_values(&[count.severity.as_deref().unwrap_or("none"), count.tier.as_str()])
            .set(count.count);
    }
    registry.register(Box::new(open))?;
    let gauge = |name: &str, help: &str, value: i64| -> anyhow::Result<()> {
        let gauge = IntGauge::new(name, help)?;
        gauge.set(value);
        registry.register(Box::new(gauge))?;
        Ok(())
    };
    // A counter in meaning (it only grows), read from the timeline.
    gauge(
        "resolvd_sla_breaches_total",
        "SLA breaches noticed, on every ticket",
        store.sla_breach_total().await?,
    )?;
    gauge(
        "resolvd_outbox_backlog",
        "Posts waiting to be sent (dead letters not counted)",
        store.unsent_post_count().await?,
    )?;
    gauge(
        "resolvd_outbox_dead_letters",
        "Posts that will not be tried again until resent",
        store.dead_letter_count().await?,
    )?;
    let oldest = store.oldest_unsent_post_at().await?.map_or(0, |at| (web.now() - at).num_seconds().max(0));
    gauge("resolvd_outbox_oldest_unsent_seconds", "Age of the oldest post waiting to be sent", oldest)?;
    let jobs = IntGaugeVec::new(
        Opts::new(
            "resolvd_job_last_run_timestamp_seconds",
            "The latest tick each job ran (a failed tick is given back)",
        ),
        &["job"],
    )?;
    for (job, tick) in store.job_last_ticks().await? {
        jobs.with_label_values(&[job.as_str()]).set(tick.timestamp());
    }
    registry.register(Box::new(jobs))?;
    Ok(registry)
}
