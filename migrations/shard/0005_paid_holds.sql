-- Paid bookings: a hold carries everything its finalisation writes, so whichever of the
-- webhook and the success redirect comes first completes the booking from the hold alone
-- (every attendee field kept, no email needed), in one shard transaction.
ALTER TABLE holds ADD COLUMN pii TEXT;                      -- the booking's PII envelope
ALTER TABLE holds ADD COLUMN email_index TEXT;
ALTER TABLE holds ADD COLUMN unit_price INTEGER NOT NULL DEFAULT 0;  -- minor units, at hold time
ALTER TABLE holds ADD COLUMN currency TEXT NOT NULL DEFAULT 'GBP';
ALTER TABLE holds ADD COLUMN token_index TEXT;              -- the ticket, minted at hold time
ALTER TABLE holds ADD COLUMN sealed_token TEXT;
ALTER TABLE holds ADD COLUMN session_id TEXT;               -- the Stripe Checkout Session, once created
ALTER TABLE holds ADD COLUMN checkout_url TEXT;
ALTER TABLE holds ADD COLUMN released_at INTEGER;
-- The booking's outbound-webhook payload, sealed with ROOT_KEY like a pending outbox row;
-- erased once the hold is sold or released.
ALTER TABLE holds ADD COLUMN webhook_payload TEXT;
CREATE INDEX holds_booking ON holds(booking_id);

-- The finalisation lock, one row per (session, event): a multi-event booking finalises
-- each event's part on its own shard, idempotently. Nothing ever wrote the old table.
CREATE TABLE processed_payments_v3 (
  session_id    TEXT NOT NULL,
  event_id      INTEGER NOT NULL,
  booking_id    TEXT NOT NULL,
  payment_id    TEXT,
  status        TEXT NOT NULL CHECK (status IN ('claimed', 'converted', 'finalised', 'refunding')),
  created_at    INTEGER NOT NULL,
  finalised_at  INTEGER,
  PRIMARY KEY (session_id, event_id)
);
DROP TABLE processed_payments;
ALTER TABLE processed_payments_v3 RENAME TO processed_payments;
CREATE INDEX processed_payments_event ON processed_payments(event_id);

-- Refunds: what to refund (NULL amount = the whole payment), of which booking, and
-- Stripe's refund id once it confirmed.
ALTER TABLE refund_outbox ADD COLUMN booking_id TEXT;
ALTER TABLE refund_outbox ADD COLUMN amount INTEGER;
ALTER TABLE refund_outbox ADD COLUMN idempotency_key TEXT;
ALTER TABLE refund_outbox ADD COLUMN refund_id TEXT;
CREATE UNIQUE INDEX refund_outbox_key ON refund_outbox(idempotency_key);
CREATE INDEX refund_outbox_due ON refund_outbox(done_at, next_attempt_at);
