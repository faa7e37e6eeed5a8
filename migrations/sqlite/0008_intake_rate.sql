-- A customer's messages by time, for the intake rate limit (`intake.max_per_minute`).
CREATE INDEX messages_by_author ON messages (author, received_at);
