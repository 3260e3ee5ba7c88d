-- The confirmation email of a paid booking, sealed with ROOT_KEY at hold time (it names the
-- buyer), moved into the email outbox by the transaction that turns the hold into a sale and
-- erased from the hold then, or when the hold is released.
ALTER TABLE holds ADD COLUMN email_body TEXT;
