-- "Refund the whole event" jobs, recorded before they start, so a job that a crash or a
-- shutdown interrupted is finished by the next start. Each refund is durable on its own (the
-- shard's refund outbox); this only remembers that the organiser asked for all of them, and
-- the job id their progress page polls. No personal data.
CREATE TABLE refund_all_jobs (
  id TEXT PRIMARY KEY,
  event_id INTEGER NOT NULL,
  organiser_id INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX refund_all_jobs_unfinished ON refund_all_jobs (finished_at);
