-- The provider's id of each shard's database (Bunny db_id, Turso name), so the database of a
-- drained (retired) shard can be deleted at the provider instead of counting against the
-- quota for ever (`ops shard:cleanup --retired --confirm`), and when that was done.
-- Provisioning also records its intent in shard_cleanup before creating anything (remote_id
-- and url stay '' until the provider answers), so a crash leaves a row shard:cleanup finds.

ALTER TABLE shards ADD COLUMN remote_id TEXT;
ALTER TABLE shards ADD COLUMN database_deleted_at TEXT;

-- Each app process's recent write load per shard (jobs/s, from its coalescers), written every
-- few seconds, so least-load placement run outside the app (`ops shard:drain`) sees real figures.
CREATE TABLE shard_load (
  shard          TEXT NOT NULL,
  process        TEXT NOT NULL,               -- host:pid of the reporting process
  load           REAL NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (shard, process)
);
