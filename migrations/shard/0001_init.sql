-- Data plane: everything an event writes during a sale. One shard holds one hot event
-- or many quiet ones. Capacity lives here as O(1) counters checked inside each write.

CREATE TABLE events (
  id                 INTEGER PRIMARY KEY,        -- the catalog's event_directory.id
  slug               TEXT NOT NULL UNIQUE,
  organiser_id       INTEGER NOT NULL,
  name               TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  event_date         TEXT,                        -- ISO instant, optional
  location           TEXT NOT NULL DEFAULT '',
  type               TEXT NOT NULL DEFAULT 'standard' CHECK (type IN ('standard', 'daily')),
  capacity           INTEGER NOT NULL CHECK (capacity >= 1),
  sold               INTEGER NOT NULL DEFAULT 0,
  held               INTEGER NOT NULL DEFAULT 0,
  price              INTEGER NOT NULL DEFAULT 0,  -- minor units; 0 = free
  currency           TEXT NOT NULL DEFAULT 'GBP',
  max_per_purchase   INTEGER NOT NULL DEFAULT 1 CHECK (max_per_purchase >= 1),
  fields             TEXT NOT NULL DEFAULT '["email"]',
  opens_at           TEXT,
  closes_at          TEXT,
  webhook_url        TEXT,
  thank_you_url      TEXT,
  active             INTEGER NOT NULL DEFAULT 1,
  group_id           INTEGER,
  bookable_days      TEXT NOT NULL DEFAULT '[0,1,2,3,4,5,6]',
  min_days_before    INTEGER NOT NULL DEFAULT 1,
  max_days_after     INTEGER NOT NULL DEFAULT 90,
  state              TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'frozen', 'moved')),
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  CHECK (sold + held <= capacity OR type = 'daily')
);

-- Per-date counters of a daily event; capacity applies to each date.
CREATE TABLE event_dates (
  event_id  INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  date      TEXT NOT NULL,
  sold      INTEGER NOT NULL DEFAULT 0,
  held      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, date)
);

CREATE TABLE attendees (
  id            INTEGER PRIMARY KEY,
  event_id      INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  booking_id    TEXT NOT NULL,                    -- idempotency key of the booking (saga step)
  quantity      INTEGER NOT NULL CHECK (quantity >= 1),
  date          TEXT,                             -- YYYY-MM-DD for daily events
  pii           TEXT NOT NULL,                    -- one envelope: name, email, phone, address, notes
  email_index   TEXT,                             -- HMAC blind index of the contact email
  token_index   TEXT NOT NULL UNIQUE,             -- HMAC blind index of the ticket token
  sealed_token  TEXT NOT NULL,                    -- ticket token sealed with ROOT_KEY (links in exports)
  price_paid    INTEGER NOT NULL DEFAULT 0,
  payment_id    TEXT,
  checked_in    INTEGER NOT NULL DEFAULT 0,
  refunded      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  UNIQUE (booking_id, event_id)
);
CREATE INDEX attendees_event ON attendees(event_id, date);

CREATE TABLE holds (
  id          INTEGER PRIMARY KEY,
  event_id    INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  booking_id  TEXT NOT NULL,
  quantity    INTEGER NOT NULL,
  date        TEXT,
  status      TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'converted', 'released')),
  expires_at  INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (booking_id, event_id)
);
CREATE INDEX holds_expiry ON holds(status, expires_at);

CREATE TABLE processed_payments (
  session_id    TEXT PRIMARY KEY,
  booking_id    TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'finalised', 'refunding')),
  created_at    INTEGER NOT NULL,
  finalised_at  INTEGER
);

CREATE TABLE activity_log (
  id          INTEGER PRIMARY KEY,
  event_id    INTEGER,
  created_at  TEXT NOT NULL,
  kind        TEXT NOT NULL,                      -- created, updated, booked, checked_in, exported, …
  message     TEXT NOT NULL,                      -- never names a person in plaintext
  pii         TEXT                                -- envelope of any personal detail of the entry
);
CREATE INDEX activity_log_event ON activity_log(event_id, id);

CREATE TABLE webhook_outbox (
  id               INTEGER PRIMARY KEY,
  event_id         INTEGER,
  booking_id       TEXT NOT NULL,
  url              TEXT,                           -- NULL: resolve the organiser's URL at delivery
  payload          TEXT NOT NULL,                  -- sealed with ROOT_KEY (it names the buyer)
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL DEFAULT 0,
  delivered_at     INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(delivered_at, next_attempt_at);

CREATE TABLE refund_outbox (
  id               INTEGER PRIMARY KEY,
  event_id         INTEGER,
  payment_id       TEXT NOT NULL,
  reason           TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL DEFAULT 0,
  done_at          INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL
);
