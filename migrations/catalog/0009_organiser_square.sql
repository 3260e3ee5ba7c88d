-- Square as a second payment provider. payment_provider: 'none' | 'stripe' | 'square', or NULL
-- for organisers from before the choice existed (Stripe when a Stripe key is stored). The
-- access token and the webhook signature key are sealed with ROOT_KEY like the Stripe key.
-- The location id finds the organiser of a `payment.updated` webhook (Square's payment
-- carries no metadata of ours). phone_prefix turns a buyer's 07… into +447… for Square.
ALTER TABLE organisers ADD COLUMN payment_provider TEXT;
ALTER TABLE organisers ADD COLUMN sealed_square_access_token TEXT;
ALTER TABLE organisers ADD COLUMN sealed_square_signature_key TEXT;
ALTER TABLE organisers ADD COLUMN square_location_id TEXT;
ALTER TABLE organisers ADD COLUMN square_sandbox INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisers ADD COLUMN phone_prefix TEXT NOT NULL DEFAULT '44';
CREATE INDEX organisers_square_location ON organisers (square_location_id);
