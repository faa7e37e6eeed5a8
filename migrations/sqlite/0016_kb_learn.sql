-- Learning from tickets (issue 15, point 4): how often each article was offered, solved a ticket
-- and was cited by staff, each count written in the transaction of the event that causes it; the
-- citations themselves (one per article and ticket, so citing twice on a ticket counts once); and
-- who edited a draft before it was published.
-- Never edit a migration that has shipped; add a new one.

CREATE TABLE kb_article_counts (
    article_id  TEXT PRIMARY KEY,
    offered     INTEGER NOT NULL DEFAULT 0,
    solved      INTEGER NOT NULL DEFAULT 0,
    cited       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE kb_citations (
    article_id  TEXT NOT NULL,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    cited_by    TEXT NOT NULL,
    how         TEXT NOT NULL,
    cited_at    TEXT NOT NULL,
    PRIMARY KEY (article_id, ticket_id)
);

ALTER TABLE kb_drafts ADD COLUMN edited_by TEXT;
ALTER TABLE kb_drafts ADD COLUMN edited_at TEXT;
