-- Invites tied to a mailed link (security finding 11). With SMTP configured the invite link
-- exists only in the email: `delivery = 'email'`, and the email goes through this durable
-- outbox (invites belong to an organiser, not to an event, so it lives in the catalog and is
-- driven by the same leased-outbox core as the shards' outboxes). Invites made without SMTP
-- keep `delivery = 'link'` (shown once to the owner, as before).
ALTER TABLE invites ADD COLUMN delivery TEXT NOT NULL DEFAULT 'link' CHECK (delivery IN ('link', 'email'));

CREATE TABLE account_email_outbox (
  id               INTEGER PRIMARY KEY,
  organiser_id     INTEGER,
  invite_id        INTEGER,                        -- the invite it carries the link of (deleted with it while unsent)
  kind             TEXT NOT NULL CHECK (kind IN ('invite')),
  seal_key         TEXT NOT NULL,                  -- what the body's seal context names (the invite's code hash)
  body             TEXT NOT NULL,                  -- sealed with ROOT_KEY (recipient, link); '' once sent or abandoned
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL DEFAULT 0,
  sent_at          INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL
);
CREATE INDEX account_email_outbox_due ON account_email_outbox(sent_at, next_attempt_at);
CREATE INDEX account_email_outbox_invite ON account_email_outbox(invite_id);
