-- The fleet: moves of events between shards (resumable, one row per event being moved),
-- databases a provisioner created but could not register or delete (cleaned up by
-- `ops shard:cleanup`), and shards being drained (no new events are placed on them).

CREATE TABLE event_moves (
  event_id     INTEGER PRIMARY KEY REFERENCES event_directory(id) ON DELETE CASCADE,
  from_shard   TEXT NOT NULL,
  to_shard     TEXT NOT NULL,
  generation   INTEGER NOT NULL,               -- the directory generation the move started from
  step         TEXT NOT NULL,                  -- the last step completed (see fleet/event-mover.ts)
  started_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  finished_at  TEXT,
  frozen_ms    INTEGER,                        -- how long buyers saw busy
  last_error   TEXT
);

CREATE TABLE shard_cleanup (
  id          INTEGER PRIMARY KEY,
  shard_name  TEXT NOT NULL,
  provider    TEXT NOT NULL,
  remote_id   TEXT NOT NULL,
  url         TEXT NOT NULL,
  reason      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  done_at     TEXT
);

ALTER TABLE shards ADD COLUMN draining INTEGER NOT NULL DEFAULT 0;
