-- The console's Move button runs as a fleet job too (a big event's move outlasts a request):
-- widen fleet_jobs.kind to 'move'. SQLite cannot alter a CHECK, so the table is rebuilt.
CREATE TABLE fleet_jobs_next (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('move', 'promote', 'drain')),
  target TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  lines TEXT NOT NULL DEFAULT '[]',
  error TEXT,
  owner_host TEXT NOT NULL,
  owner_pid INTEGER NOT NULL
);
INSERT INTO fleet_jobs_next (id, kind, target, state, started_at, finished_at, lines, error, owner_host, owner_pid)
  SELECT id, kind, target, state, started_at, finished_at, lines, error, owner_host, owner_pid FROM fleet_jobs;
DROP TABLE fleet_jobs;
ALTER TABLE fleet_jobs_next RENAME TO fleet_jobs;
CREATE INDEX fleet_jobs_running ON fleet_jobs (state);
