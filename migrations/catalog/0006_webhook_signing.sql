-- Signed webhooks (Standard Webhooks): one whsec_ secret per organiser, sealed with ROOT_KEY,
-- and the previous one while a rotation is under way (both signatures are sent until then).
-- Expand-only: old code ignores the columns and the table.
ALTER TABLE organisers ADD COLUMN sealed_webhook_secret TEXT;
ALTER TABLE organisers ADD COLUMN sealed_previous_webhook_secret TEXT;
ALTER TABLE organisers ADD COLUMN previous_webhook_secret_until INTEGER NOT NULL DEFAULT 0;

-- URLs whose receiver answered 410 Gone: no longer called until the organiser saves them again.
CREATE TABLE webhook_disabled_urls (
  organiser_id  INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  url           TEXT NOT NULL,
  reason        TEXT NOT NULL,
  disabled_at   TEXT NOT NULL,
  PRIMARY KEY (organiser_id, url)
);
