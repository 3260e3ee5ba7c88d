-- The provider's id of each shard's database (Bunny db_id, Turso name), so the database of a
-- drained (retired) shard can be deleted at the provider instead of counting against the
-- quota for ever (`ops shard:cleanup --retired --confirm`), and when that was done.
-- Provisioning also records its intent in shard_cleanup before creating anything (remote_id
-- and url stay '' until the provider answers), so a crash leaves a row shard:cleanup finds.

ALTER TABLE shards ADD COLUMN remote_id TEXT;
ALTER TABLE shards ADD COLUMN database_deleted_at TEXT;
