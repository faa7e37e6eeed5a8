//! The managers' cockpit over HTTP (axum): the dashboard pages (`pages.rs`, charts drawn as SVG
//! on the server by `charts.rs`), the REST API with its OpenAPI document (`api.rs`), and
//! `/metrics`, `/healthz`, `/readyz` (`health.rs`). It uses the engine and the store as a chat
//! adapter does, and decides nothing itself: who sees what follows the person's roles. Pages are
//! written in the reader's language (`lang.rs`; the timeline's wording in `events.rs`); the API
//! and the metrics are the same in every language.

mod api;
mod charts;
mod dashboard;
mod events;
mod health;
mod lang;
mod pages;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::access::{SESSION_COOKIE, Session, Signer};
use crate::domain::{Locale, Msg, Role};
use crate::engine::Engine;

pub use api::openapi;

/// What every handler shares.
#[derive(Clone)]
pub struct Web {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Arc<Engine>,
    signer: Signer,
    /// Where people reach the server, without a trailing slash.
    public_url: String,
    /// Whether a chat gateway is part of readiness (Discord is on).
    gateway: bool,
}

impl Web {
    pub async fn new(engine: Arc<Engine>, public_url: String, gateway: bool) -> anyhow::Result<Web> {
        let signer = Signer::load(&**engine.store()).await?;
        let public_url = public_url.trim_end_matches('/').to_owned();
        Ok(Web { inner: Arc::new(Inner { engine, signer, public_url, gateway }) })
    }

    fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// The staff roles a person holds now (config's and those a platform granted).
    fn staff_roles(&self, person: &str) -> BTreeSet<Role> {
        let mut roles = self.engine().people().roles(person);
        roles.remove(&Role::Customer);
        roles
    }

    /// Who is asking: a session cookie, or an API token in `Authorization: Bearer`. The roles are
    /// those the person holds now, so taking a role away takes effect at once.
    async fn viewer(&self, headers: &HeaderMap) -> Result<Viewer, Denied> {
        if let Some(token) = bearer(headers) {
            let hash = crate::access::token_hash(token);
            let person = self
                .engine()
                .store()
                .api_token_person(&hash)
                .await
                .map_err(|e| Denied::Internal(e.to_string()))?
                .ok_or(Denied::Unauthenticated(TOKEN_NOT_VALID))?;
            return self.viewer_for(person, headers);
        }
        let session = cookie(headers, SESSION_COOKIE)
            .and_then(|value| self.inner.signer.check_session(value, self.now()))
            .ok_or(Denied::Unauthenticated(SIGN_IN_FIRST))?;
        self.viewer_for(session.person, headers)
    }

    fn viewer_for(&self, person: String, headers: &HeaderMap) -> Result<Viewer, Denied> {
        let roles = self.staff_roles(&person);
        if roles.is_empty() {
            return Err(Denied::Unauthenticated(ONLY_STAFF));
        }
        let locale = self.locale(Some(&person), headers);
        Ok(Viewer { person, roles, locale })
    }

    /// The language of a page for `person` (when someone is signed in): theirs in people.toml,
    /// else their browser's (`Accept-Language`), else `default_locale`.
    fn locale(&self, person: Option<&str>, headers: &HeaderMap) -> Locale {
        let config = self.engine().config();
        let own = person.and_then(|p| config.directory.person(p)).and_then(|p| p.locale);
        let browser = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        lang::page_locale(own, browser, config.settings.default_locale)
    }

    /// A session for a person who followed a sign-in link, as a `Set-Cookie` value.
    fn session_cookie(&self, person: &str) -> (Session, String) {
        let hours = self.engine().config().settings.web.session_hours;
        let (session, value) = self.inner.signer.session(person, self.staff_roles(person), self.now(), hours);
        let secure = if self.inner.public_url.starts_with("https://") { "; Secure" } else { "" };
        let cookie = format!(
            "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            hours * 3600
        );
        (session, cookie)
    }
}

/// A signed-in person, the staff roles they hold, and the language their pages are written in.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub person: String,
    pub roles: BTreeSet<Role>,
    pub locale: Locale,
}

impl Viewer {
    fn is_manager(&self) -> bool {
        self.roles.contains(&Role::Manager)
    }

    /// War rooms are for those who run them: managers, domain owners and the leads pulled in.
    fn sees_war_rooms(&self) -> bool {
        [Role::Manager, Role::Owner, Role::Lead].iter().any(|r| self.roles.contains(r))
    }
}

/// Why a request is refused. The API answers in these words (its text is the same in every
/// language); a page says it in the reader's language ([`Denied::msg`]).
#[derive(Debug)]
enum Denied {
    Unauthenticated(&'static str),
    Forbidden(&'static str),
    Internal(String),
}

impl Denied {
    fn status(&self) -> StatusCode {
        match self {
            Denied::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Denied::Forbidden(_) => StatusCode::FORBIDDEN,
            Denied::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            Denied::Unauthenticated(m) | Denied::Forbidden(m) => (*m).to_owned(),
            Denied::Internal(e) => {
                tracing::error!(error = %e, "web request failed");
                "something went wrong on our side; it is logged".to_owned()
            }
        }
    }

    /// What a page says: the catalogue's words for the reasons this module gives, a general
    /// refusal for any other.
    fn msg(&self) -> Msg {
        match self {
            Denied::Unauthenticated(m) if *m == TOKEN_NOT_VALID => Msg::new("web-denied-token"),
            Denied::Unauthenticated(m) if *m == ONLY_STAFF => Msg::new("web-denied-staff"),
            Denied::Unauthenticated(m) if *m == LINK_TOKEN_NEEDED => Msg::new("web-denied-link-token"),
            Denied::Unauthenticated(_) => Msg::new("web-denied-sign-in"),
            Denied::Forbidden(m) if *m == WAR_ROOMS_ONLY => Msg::new("web-denied-war-rooms"),
            Denied::Forbidden(_) => Msg::new("web-denied-forbidden"),
            Denied::Internal(e) => {
                tracing::error!(error = %e, "web page failed");
                Msg::new("web-denied-internal")
            }
        }
    }
}

const TOKEN_NOT_VALID: &str = "the token is not valid (revoked, or never issued)";
const SIGN_IN_FIRST: &str = "sign in first (a link from /dashboard in chat), or send Authorization: Bearer TOKEN (resolvd token create)";
const ONLY_STAFF: &str = "only staff may use the cockpit";
const LINK_TOKEN_NEEDED: &str = "this address needs the sign-in link's token";
const WAR_ROOMS_ONLY: &str = "the war-room board is for managers, domain owners and leads";

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

/// The routes, with the state they share.
pub fn router(web: Web) -> Router {
    let (api, _) = api::routes().split_for_parts();
    Router::new()
        .merge(pages::routes())
        .merge(health::routes())
        .merge(api)
        .route("/api/openapi.json", axum::routing::get(api::openapi_json))
        .layer(axum::middleware::map_response(guarded))
        .with_state(web)
}

/// Every answer: never framed, no script or outside resource runs (the pages have none), no
/// address (a sign-in link's token) leaks in a referrer, nothing personal is cached.
async fn guarded(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    ] {
        headers.insert(name, axum::http::HeaderValue::from_static(value));
    }
    response
}

/// Binds `web.listen`; `None` when the server is off. A busy default address only turns the
/// server off, with a warning; an address set in config that cannot be bound stops start-up.
pub async fn bind(engine: &Engine) -> anyhow::Result<Option<tokio::net::TcpListener>> {
    let settings = &engine.config().settings.web;
    let Some(addr) = settings.listen_addr() else {
        return Ok(None);
    };
    match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => Ok(Some(listener)),
        Err(e) if settings.listen_is_default() => {
            eprintln!(
                "resolvd: the dashboard is off: cannot listen on {addr} ({e}); set web.listen \
                 (RESOLVD_WEB__LISTEN) to another address"
            );
            Ok(None)
        }
        Err(e) => Err(anyhow::anyhow!("cannot listen on {addr} (web.listen in default.toml): {e}")),
    }
}

/// Where the server is reached: `web.public_url`, else the address it listens on.
pub fn public_url(engine: &Engine, local: SocketAddr) -> String {
    engine.config().settings.web.public_url.clone().unwrap_or_else(|| format!("http://{local}"))
}

/// Serves until `shutdown` completes.
pub async fn serve(
    engine: Arc<Engine>,
    listener: tokio::net::TcpListener,
    gateway: bool,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let local = listener.local_addr()?;
    let web = Web::new(engine.clone(), public_url(&engine, local), gateway).await?;
    engine.set_cockpit(web.inner.public_url.clone(), web.inner.signer.clone());
    eprintln!(
        "resolvd: dashboard at http://{local}/ (sign in with /dashboard in chat or `resolvd login-link`)"
    );
    axum::serve(listener, router(web)).with_graceful_shutdown(shutdown).await?;
    Ok(())
}

/// A JSON error body, as the API answers.
fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(api::ApiError { error: message.into() })).into_response()
}
