-- The buyer's email for Stripe's checkout page (customer_email), sealed with ROOT_KEY at hold
-- time, so a checkout rebuilt by another process or after a restart still prefills it (the
-- hold's PII envelope opens only with the organiser's key). Erased when the hold is converted
-- or released.
ALTER TABLE holds ADD COLUMN sealed_checkout_email TEXT;
