-- Control plane: tenants, people, keys, the shard registry and the event directory.
-- Secrets are sealed with ROOT_KEY (sealed_*); PII-bearing keys are wrapped per user/token.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE shards (
  name             TEXT PRIMARY KEY,
  provider         TEXT NOT NULL CHECK (provider IN ('local', 'static', 'bunny', 'turso')),
  url              TEXT NOT NULL,
  sealed_token     TEXT,                       -- auth token sealed with ROOT_KEY
  dedicated        INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'migration_failed', 'retired')),
  schema_version   INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  created_at       TEXT NOT NULL
);

CREATE TABLE organisers (
  id                   INTEGER PRIMARY KEY,
  slug                 TEXT NOT NULL UNIQUE,
  name                 TEXT NOT NULL,
  public_key_pem       TEXT NOT NULL,          -- anyone may encrypt PII to the organiser
  wrapped_private_key  TEXT NOT NULL,          -- sealed with the organiser's data key
  currency             TEXT NOT NULL DEFAULT 'GBP',
  timezone             TEXT NOT NULL DEFAULT 'Europe/London',
  terms                TEXT NOT NULL DEFAULT '',
  webhook_url          TEXT,
  embed_hosts          TEXT NOT NULL DEFAULT '',
  sealed_stripe_key    TEXT,
  show_public_site     INTEGER NOT NULL DEFAULT 0,
  site_title           TEXT NOT NULL DEFAULT '',
  home_text            TEXT NOT NULL DEFAULT '',
  contact_text         TEXT NOT NULL DEFAULT '',
  created_at           TEXT NOT NULL
);

CREATE TABLE users (
  id               INTEGER PRIMARY KEY,
  email_index      TEXT NOT NULL UNIQUE,        -- HMAC blind index of the lower-cased email
  sealed_email     TEXT NOT NULL,               -- ROOT_KEY-sealed, for display to the user and owners
  password_record  TEXT,                        -- scrypt verifier record; NULL while invited
  platform_admin   INTEGER NOT NULL DEFAULT 0,
  created_at       TEXT NOT NULL
);

CREATE TABLE memberships (
  user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organiser_id      INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  role              TEXT NOT NULL CHECK (role IN ('owner', 'manager')),
  wrapped_data_key  TEXT NOT NULL,              -- organiser data key under the user's password KEK
  created_at        TEXT NOT NULL,
  PRIMARY KEY (user_id, organiser_id)
);

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,                -- sha256 of the cookie secret
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,                   -- synchronizer token for HTML forms
  organiser_id INTEGER REFERENCES organisers(id) ON DELETE SET NULL, -- the organiser acted for now
  wrapped_keys TEXT NOT NULL DEFAULT '{}',      -- {organiserId: data key sealed under the cookie-derived key}
  user_agent   TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  expires_at   INTEGER NOT NULL                 -- ms since epoch
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  token_hash    TEXT NOT NULL UNIQUE,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organiser_id  INTEGER REFERENCES organisers(id) ON DELETE CASCADE, -- NULL: a platform-only token
  label         TEXT NOT NULL DEFAULT '',
  wrapped_key   TEXT,                           -- organiser data key sealed under the token-derived key
  created_at    TEXT NOT NULL,
  last_used_at  TEXT,
  revoked_at    TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE invites (
  id                INTEGER PRIMARY KEY,
  code_hash         TEXT NOT NULL UNIQUE,
  organiser_id      INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  email_index       TEXT NOT NULL,
  sealed_email      TEXT NOT NULL,
  role              TEXT NOT NULL CHECK (role IN ('owner', 'manager')),
  wrapped_data_key  TEXT NOT NULL,              -- data key under a key derived from the invite code
  invited_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at        TEXT NOT NULL,
  expires_at        INTEGER NOT NULL,
  used_at           TEXT
);

CREATE TABLE login_attempts (
  key           TEXT PRIMARY KEY,               -- 'ip:<hmac>' or 'account:<email index>'
  failures      INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER NOT NULL DEFAULT 0
);

-- The event directory: the one place that knows where an event's rows live.
CREATE TABLE event_directory (
  id            INTEGER PRIMARY KEY,             -- stable across moves; ticket tokens carry it
  slug          TEXT NOT NULL UNIQUE,
  organiser_id  INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  shard         TEXT NOT NULL REFERENCES shards(name),
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'moving', 'deleted')),
  generation    INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL
);
CREATE INDEX event_directory_organiser ON event_directory(organiser_id);
CREATE INDEX event_directory_shard ON event_directory(shard);

CREATE TABLE groups (
  id            INTEGER PRIMARY KEY,
  organiser_id  INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  slug          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  terms         TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL
);

CREATE TABLE holidays (
  id            INTEGER PRIMARY KEY,
  organiser_id  INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  start_date    TEXT NOT NULL,
  end_date      TEXT NOT NULL CHECK (end_date >= start_date)
);
CREATE INDEX holidays_organiser ON holidays(organiser_id);
