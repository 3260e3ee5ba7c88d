-- Every per-event table names its event, so a move copies exactly the event's rows and a
-- delete removes exactly them (shards/tables/event-tables.ts lists the tables).
ALTER TABLE processed_payments ADD COLUMN event_id INTEGER;
CREATE INDEX processed_payments_event ON processed_payments(event_id);
CREATE INDEX webhook_outbox_event ON webhook_outbox(event_id, booking_id);
CREATE INDEX refund_outbox_event ON refund_outbox(event_id);
