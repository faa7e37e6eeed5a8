-- At most one open ticket per conversation and customer opened by intake (issue 12, point 2):
-- intake sets `intake_conversation` when a customer's message opens a ticket, closing clears it,
-- and two instances taking in the same customer's first messages at once cannot both open one.
-- Tickets staff open (`/ticket customer:`) leave it empty, as do tickets opened before this
-- migration (nothing here is filled in, so no existing data can break the index).
ALTER TABLE tickets ADD COLUMN intake_conversation TEXT;
CREATE UNIQUE INDEX tickets_one_open_from_intake ON tickets (intake_conversation, customer)
    WHERE intake_conversation IS NOT NULL;
