-- A change counter per event for the attendee search's in-memory copy of the walk (id, quantity,
-- envelope tail): a warm search reads this counter and the rows added since (larger ids) instead
-- of all 20,000 rows. Anything that changes what an unfiltered text search walks on an existing
-- row bumps it: a new envelope (name or email edited), a new quantity, a row moved to another
-- event, a deleted row (cancellation, removal, a move's source purge). Inserts do NOT: bookings
-- pay nothing, and a new row is found by its larger id. Check-ins and refunds do not either: the
-- page shown is read whole from the table, so their state is always current.
-- Shard bookkeeping, not an event's data: a move neither copies nor deletes it (the searchers'
-- copies are keyed by shard and directory generation, which a move changes), so a counter never
-- goes back to a value a copy already saw.
CREATE TABLE IF NOT EXISTS attendee_changes (
  event_id INTEGER PRIMARY KEY,
  n        INTEGER NOT NULL
);

-- The trigger bodies stay on one line each: the migrator splits statements at a ';' that ends a line.
CREATE TRIGGER IF NOT EXISTS attendee_changed AFTER UPDATE OF pii, quantity, event_id ON attendees
BEGIN
  INSERT INTO attendee_changes (event_id, n) VALUES (OLD.event_id, 1) ON CONFLICT (event_id) DO UPDATE SET n = n + 1; INSERT INTO attendee_changes (event_id, n) SELECT NEW.event_id, 1 WHERE NEW.event_id IS NOT OLD.event_id ON CONFLICT (event_id) DO UPDATE SET n = n + 1; END;

CREATE TRIGGER IF NOT EXISTS attendee_removed AFTER DELETE ON attendees
BEGIN
  INSERT INTO attendee_changes (event_id, n) VALUES (OLD.event_id, 1) ON CONFLICT (event_id) DO UPDATE SET n = n + 1; END;
