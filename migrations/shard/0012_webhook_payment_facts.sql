-- What a paid booking's webhook adds to the payload sealed at hold time: price_paid, currency
-- and payment_id, as plain JSON (no personal data). The finalising transaction copies the
-- hold's sealed payload into the outbox as is and writes these facts beside it, so finalising
-- needs no read of the hold before its one write batch; the worker merges them at delivery.
ALTER TABLE webhook_outbox ADD COLUMN payment_facts TEXT;
