-- Buyer emails leave the request path through an outbox written in the booking's own
-- transaction; event images live on the event's shard so they move with it.

CREATE TABLE email_outbox (
  id               INTEGER PRIMARY KEY,
  event_id         INTEGER,                        -- the booking step that wrote it (moves/deletes follow it)
  booking_id       TEXT NOT NULL,
  kind             TEXT NOT NULL,                  -- confirmation, resend
  body             TEXT NOT NULL,                  -- sealed with ROOT_KEY (recipient, ticket links); '' once sent/abandoned
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL DEFAULT 0,
  sent_at          INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL
);
CREATE INDEX email_outbox_due ON email_outbox(sent_at, next_attempt_at);
CREATE INDEX email_outbox_event ON email_outbox(event_id, booking_id);

-- One image per event, already resized; served under /images/<event id>/<file> where the file
-- name is the content hash, so it can be cached for a year. events.image names the current file.
ALTER TABLE events ADD COLUMN image TEXT;
CREATE TABLE event_images (
  event_id    INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
  hash        TEXT NOT NULL,
  mime        TEXT NOT NULL,
  width       INTEGER NOT NULL,
  height      INTEGER NOT NULL,
  bytes       BLOB NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX event_images_hash ON event_images(hash);
