-- Failed logins count within a 15-minute window: without a window start, an office behind
-- one NAT address would collect typos forever and eventually lock every colleague out.
-- Expand-only: old code ignores the column, and the default treats old rows as stale.
ALTER TABLE login_attempts ADD COLUMN window_start INTEGER NOT NULL DEFAULT 0;
