-- The organiser's business email (it goes into webhook payloads) and the organiser-wide
-- activity log: settings, users, invites, groups and holidays change in the catalog, so
-- their log lives here; event and attendee entries stay on the event's shard.
-- Expand-only: old code ignores the column and the table.
ALTER TABLE organisers ADD COLUMN business_email TEXT NOT NULL DEFAULT '';

CREATE TABLE organiser_log (
  id             INTEGER PRIMARY KEY,
  organiser_id   INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  actor_user_id  INTEGER,                      -- who made the change (NULL: the system)
  created_at     TEXT NOT NULL,
  kind           TEXT NOT NULL,                -- settings, user, invite, group, holiday, event
  message        TEXT NOT NULL                 -- never names a person in plaintext
);
CREATE INDEX organiser_log_organiser ON organiser_log(organiser_id, id);
