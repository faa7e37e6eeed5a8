-- The knowledge base shared by every instance: published articles and resolved tickets'
-- documents as rows, the source of truth each instance's search index follows. Never edit a
-- migration that has shipped; add a new one.

-- One row per document: kind is 'article' (body: the article's Markdown with its front matter)
-- or 'ticket' (body: the resolved ticket's document as JSON). seq is the change feed's position:
-- every write takes the next value of kb_feed.seq, whose row it holds locked until it commits,
-- so documents become visible in seq order and a follower reading `seq > cursor` misses none.
CREATE TABLE kb_documents (
    kind        TEXT NOT NULL,
    doc_id      TEXT NOT NULL,
    body        TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, doc_id)
);
CREATE UNIQUE INDEX kb_documents_seq ON kb_documents (seq);

-- The feed's last position, one row.
CREATE TABLE kb_feed (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL
);
INSERT INTO kb_feed (id, seq) VALUES (1, 0);
