-- Knowledge-base drafts made from resolved tickets, kept until an engineer publishes them.
CREATE TABLE kb_drafts (
    article_id    TEXT PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
    markdown      TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    published_at  TEXT
);
