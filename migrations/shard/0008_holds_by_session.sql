-- `GET /payment/cancel?session_id=…` finds a booking's holds by their Checkout Session alone,
-- on every shard, without trusting anything else the client sends.
CREATE INDEX holds_session ON holds(session_id);
