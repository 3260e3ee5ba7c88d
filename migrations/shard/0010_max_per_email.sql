-- Per-event "max tickets per email": NULL = no limit. Enforced inside the booking's (and the
-- hold's) write transaction against the attendees and live holds of the same email blind index
-- (the per-organiser index already on both tables), so these indexes keep that check O(rows of
-- one address at one event) however many tickets the event sells.
ALTER TABLE events ADD COLUMN max_per_email INTEGER CHECK (max_per_email IS NULL OR max_per_email >= 1);
CREATE INDEX attendees_email ON attendees(event_id, email_index);
CREATE INDEX holds_email ON holds(event_id, email_index);
