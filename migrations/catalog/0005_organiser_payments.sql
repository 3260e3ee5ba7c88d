-- Stripe set-up of an organiser: the webhook endpoint registered for $PUBLIC_URL/payment/webhook
-- and its signing secret (sealed with ROOT_KEY), and how long a paid booking holds its tickets.
ALTER TABLE organisers ADD COLUMN stripe_webhook_endpoint_id TEXT;
ALTER TABLE organisers ADD COLUMN sealed_stripe_webhook_secret TEXT;
ALTER TABLE organisers ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 10;
