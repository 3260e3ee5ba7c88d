import type { Client } from '@libsql/client';
import type { RootKeyring } from '../crypto';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
/** Failures older than this are forgotten (see migration 0002). */
export const WINDOW_MS = 15 * 60_000;

export interface ThrottleKeys {
  account: string;
  ip: string | null;
}

export interface Reservation {
  keys: string[];
  blocked: boolean;
  /** Seconds until the longest lock ends (for Retry-After) when blocked. */
  retryAfterSeconds: number;
}

/**
 * Login lockout per account and per client IP. IPs are stored only as HMACs.
 *
 * Every attempt is counted BEFORE the password is checked (`reserve`), so a burst of
 * parallel guesses cannot all slip through while the first ones are still hashing: the
 * 6th attempt of a window is refused even if the 5 before it are still in flight, and
 * even if its password is right. `fail` then starts the 15-minute lock at the 5th failure;
 * `succeed` forgets the account's failures and refunds the IP's reservation (the IP key
 * counts failures only, so colleagues behind one NAT address are not locked out by their
 * own successful logins).
 */
export class LoginThrottle {
  constructor(
    private readonly db: Client,
    private readonly keyring: RootKeyring,
    private readonly now: () => number = Date.now,
  ) {}

  keysFor(emailIndex: string, ip: string | undefined): ThrottleKeys {
    // Without an address (unusual: a unix socket) only the account limit applies, rather
    // than lumping every such client under one shared key as the seed did.
    return { account: `account:${emailIndex}`, ip: ip ? `ip:${this.keyring.blindIndex('login-ip', ip)}` : null };
  }

  async reserve(keys: ThrottleKeys): Promise<Reservation> {
    const now = this.now();
    const list = [keys.account, ...(keys.ip ? [keys.ip] : [])];
    // A row starts over when its lock has ended or its window went stale without a lock.
    const fresh = '((locked_until != 0 AND locked_until <= :now) OR (locked_until = 0 AND window_start <= :stale))';
    const results = await this.db.batch(
      list.map((key) => ({
        sql: `INSERT INTO login_attempts (key, failures, locked_until, window_start) VALUES (:key, 1, 0, :now)
              ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN ${fresh} THEN 1 ELSE failures + 1 END,
                window_start = CASE WHEN ${fresh} THEN :now ELSE window_start END,
                locked_until = CASE WHEN ${fresh} THEN 0
                                    WHEN locked_until = 0 AND failures + 1 > :max THEN :lockUntil
                                    ELSE locked_until END
              RETURNING failures, locked_until`,
        args: { key, now, stale: now - WINDOW_MS, max: MAX_FAILURES, lockUntil: now + LOCK_MS },
      })),
      'write',
    );
    let blocked = false;
    let until = 0;
    for (const rs of results) {
      const row = rs.rows[0];
      if (!row) continue;
      const lockedUntil = Number(row.locked_until);
      if (Number(row.failures) > MAX_FAILURES || lockedUntil > now) {
        blocked = true;
        until = Math.max(until, lockedUntil);
      }
    }
    return { keys: list, blocked, retryAfterSeconds: blocked ? Math.max(1, Math.ceil((until - now) / 1000)) : 0 };
  }

  /** A wrong password: keys that reached the limit lock now, for LOCK_MS. */
  async fail(reservation: Reservation): Promise<void> {
    const now = this.now();
    await this.db.batch(
      reservation.keys.map((key) => ({
        sql: 'UPDATE login_attempts SET locked_until = ? WHERE key = ? AND failures >= ? AND locked_until = 0',
        args: [now + LOCK_MS, key, MAX_FAILURES],
      })),
      'write',
    );
  }

  async succeed(reservation: Reservation): Promise<void> {
    const [account, ...ips] = reservation.keys;
    await this.db.batch(
      [
        { sql: 'DELETE FROM login_attempts WHERE key = ?', args: [account ?? ''] },
        ...ips.map((key) => ({
          sql: 'UPDATE login_attempts SET failures = MAX(failures - 1, 0) WHERE key = ? AND locked_until = 0',
          args: [key],
        })),
      ],
      'write',
    );
  }
}
