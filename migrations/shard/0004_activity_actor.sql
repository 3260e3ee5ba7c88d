-- Each activity-log entry names who made the change (a catalog user id; NULL for buyers
-- and workers). Expand-only: old code writes no actor and the column stays NULL.
ALTER TABLE activity_log ADD COLUMN actor_user_id INTEGER;

-- When the ticket was first checked in, so a second scan can say since when.
ALTER TABLE attendees ADD COLUMN checked_in_at TEXT;
