-- The web layer's memory: the key sign-in links and sessions are signed with (one per database, so
-- every instance and `resolvd login-link` sign alike), the sign-in links already used (a link
-- works once), and API tokens (only their SHA-256 is kept).
CREATE TABLE web_keys (
    name          TEXT PRIMARY KEY,
    secret        TEXT NOT NULL
);

CREATE TABLE login_links_used (
    nonce         TEXT PRIMARY KEY,
    person        TEXT NOT NULL,
    used_at       TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    person        TEXT NOT NULL,
    name          TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);

-- The staff queue and the API page through tickets not closed, by number.
CREATE INDEX tickets_not_closed ON tickets (id) WHERE status <> 'closed';
