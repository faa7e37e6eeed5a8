-- A message's files (a photo, a log): each one's filename, content type, size and URL, as JSON, kept
-- with the message so a retried intake still has them.
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
