-- The process preparing a hold's Checkout Session (its in-memory queue, the 202 path) holds a
-- lease it renews; when the lease lapses with no session attached, another process (or the
-- same one after a restart) claims the hold and prepares it again.
ALTER TABLE holds ADD COLUMN prepare_owner TEXT;
ALTER TABLE holds ADD COLUMN prepare_lease_until INTEGER;   -- unix ms
