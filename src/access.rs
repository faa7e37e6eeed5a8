//! Who may use the web layer. A sign-in link (from `/dashboard` in chat or `resolvd login-link`)
//! is signed, valid ten minutes and spent on first use; it sets a session cookie, signed too,
//! carrying the person and their roles. Tools use API tokens, of which only a hash is stored.
//! The signing key is kept in the database (`web_keys`), so every instance and operator command
//! signs alike.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

use crate::domain::{Msg, Role};
use crate::store::{Store, StoreResult};

/// How long a sign-in link works.
pub const LINK_MINUTES: i64 = 10;
/// The cookie a session travels in.
pub const SESSION_COOKIE: &str = "resolvd_session";
/// What an API token starts with, so one pasted in the wrong place is recognised.
const TOKEN_PREFIX: &str = "rsv_";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("the sign-in link is not valid (altered, or from another installation)")]
    BadSignature,
    #[error(
        "the sign-in link has expired (links work for {LINK_MINUTES} minutes); ask for a new one with /dashboard"
    )]
    Expired,
    #[error("the sign-in link was used already (each works once); ask for a new one with /dashboard")]
    Spent,
    #[error("{0} is not staff: only staff sign in to the dashboard")]
    NotStaff(String),
}

impl AccessError {
    /// The same, as the cockpit's sign-in page says it in the reader's language (the command
    /// line keeps the English above).
    pub fn msg(&self) -> Msg {
        match self {
            AccessError::BadSignature => Msg::new("web-link-not-valid"),
            AccessError::Expired => Msg::new("web-link-expired").arg("minutes", LINK_MINUTES),
            AccessError::Spent => Msg::new("web-link-spent"),
            AccessError::NotStaff(person) => Msg::new("web-link-not-staff").arg("person", person),
        }
    }
}

/// What a signed value is for, so a link can never serve as a session or the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Purpose {
    Link,
    Session,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct LinkClaims {
    purpose: Purpose,
    person: String,
    nonce: String,
    expires: i64,
}

/// A signed-in person, as the session cookie carries them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    purpose: Purpose,
    pub person: String,
    pub roles: BTreeSet<Role>,
    pub expires: i64,
}

impl Session {
    pub fn is_manager(&self) -> bool {
        self.roles.contains(&Role::Manager)
    }
}

/// Signs and checks links and sessions with the installation's key.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(***)")
    }
}

fn random_text(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

impl Signer {
    /// The installation's key: the one in the database, or a new random one stored there.
    pub async fn load(store: &dyn Store) -> StoreResult<Signer> {
        let key = store.web_key("signing", &random_text(32)).await?;
        Ok(Signer { key: key.into_bytes() })
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(payload.as_bytes());
        mac
    }

    fn sign<T: Serialize>(&self, claims: &T) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialize"));
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    fn open<T: DeserializeOwned>(&self, signed: &str) -> Result<T, AccessError> {
        let (payload, signature) = signed.split_once('.').ok_or(AccessError::BadSignature)?;
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| AccessError::BadSignature)?;
        self.mac(payload).verify_slice(&signature).map_err(|_| AccessError::BadSignature)?;
        let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| AccessError::BadSignature)?;
        serde_json::from_slice(&json).map_err(|_| AccessError::BadSignature)
    }

    /// A sign-in link for `person` under `base` (the web server's public URL).
    pub fn login_link(&self, base: &str, person: &str, now: DateTime<Utc>) -> String {
        let claims = LinkClaims {
            purpose: Purpose::Link,
            person: person.to_owned(),
            nonce: random_text(16),
            expires: (now + chrono::Duration::minutes(LINK_MINUTES)).timestamp(),
        };
        format!("{}/login?t={}", base.trim_end_matches('/'), self.sign(&claims))
    }

    /// Checks a link's token and spends it; the person it was for.
    pub async fn redeem_link(
        &self,
        store: &dyn Store,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<String, RedeemError> {
        let claims: LinkClaims = self.open(token)?;
        if claims.purpose != Purpose::Link {
            return Err(AccessError::BadSignature.into());
        }
        if claims.expires < now.timestamp() {
            return Err(AccessError::Expired.into());
        }
        if !store.spend_login_link(&claims.nonce, &claims.person, now).await? {
            return Err(AccessError::Spent.into());
        }
        Ok(claims.person)
    }

    /// The cookie value of a session for `person` with `roles`, lasting `hours`.
    pub fn session(
        &self,
        person: &str,
        roles: BTreeSet<Role>,
        now: DateTime<Utc>,
        hours: u32,
    ) -> (Session, String) {
        let session = Session {
            purpose: Purpose::Session,
            person: person.to_owned(),
            roles,
            expires: (now + chrono::Duration::hours(i64::from(hours))).timestamp(),
        };
        let value = self.sign(&session);
        (session, value)
    }

    /// The session a cookie value carries, when it is genuine and not expired.
    pub fn check_session(&self, value: &str, now: DateTime<Utc>) -> Option<Session> {
        let session: Session = self.open(value).ok()?;
        (session.purpose == Purpose::Session && session.expires >= now.timestamp()).then_some(session)
    }
}

/// Why a link did not sign anyone in: the link itself, or the database.
#[derive(Debug, thiserror::Error)]
pub enum RedeemError {
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// A new API token and the hash that is stored for it.
pub fn new_api_token() -> (String, String) {
    let token = format!("{TOKEN_PREFIX}{}", random_text(32));
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token: its SHA-256, in hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        Signer { key: b"test key".to_vec() }
    }

    fn now() -> DateTime<Utc> {
        "2026-12-03T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_session_is_read_back_only_unaltered_and_in_time() {
        let roles = BTreeSet::from([Role::Manager]);
        let (session, cookie) = signer().session("mia", roles, now(), 12);
        assert_eq!(signer().check_session(&cookie, now()), Some(session));
        assert_eq!(signer().check_session(&cookie, now() + chrono::Duration::hours(13)), None);
        let (payload, signature) = cookie.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(
            String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap().replace("mia", "eve"),
        );
        assert_eq!(signer().check_session(&format!("{forged}.{signature}"), now()), None);
        let other = Signer { key: b"another installation".to_vec() };
        assert_eq!(other.check_session(&cookie, now()), None);
    }

    #[test]
    fn a_link_is_no_session() {
        let link = signer().login_link("http://127.0.0.1:8080/", "mia", now());
        let token = link.strip_prefix("http://127.0.0.1:8080/login?t=").expect(&link);
        assert_eq!(signer().check_session(token, now()), None);
    }

    #[test]
    fn tokens_are_stored_as_their_hash() {
        let (token, hash) = new_api_token();
        assert!(token.starts_with("rsv_") && token.len() > 40, "{token}");
        assert_eq!(hash, token_hash(&token));
        assert_eq!(hash.len(), 64);
        assert_ne!(new_api_token().0, token);
    }
}
