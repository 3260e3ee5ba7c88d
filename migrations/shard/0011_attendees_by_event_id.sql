-- Attendee lists walk an event's rows in id order, a page at a time (WHERE event_id = ? AND
-- id > ? ORDER BY id LIMIT n). With only attendees_event (event_id, date), SQLite read every
-- row of the event and sorted them for each page, so a walk over 20,000 attendees in pages of
-- 1,000 visited ~200,000 rows. This index serves each page by a range read.
CREATE INDEX IF NOT EXISTS attendees_event_id ON attendees(event_id, id);
