-- Promotions and drains started from the console, with their progress lines. Under
-- WEB_CONCURRENCY=N the console's auto-refresh lands on any of N processes, so the job's
-- progress lives here rather than in the memory of the one that runs it. owner_host/owner_pid
-- name that process, so a job whose process died is shown as interrupted, not running forever.
-- Shard names and event slugs only: no personal data.
CREATE TABLE fleet_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('promote', 'drain')),
  target TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  lines TEXT NOT NULL DEFAULT '[]',
  error TEXT,
  owner_host TEXT NOT NULL,
  owner_pid INTEGER NOT NULL
);
CREATE INDEX fleet_jobs_running ON fleet_jobs (state);
