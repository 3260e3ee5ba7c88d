import type { Client } from '@libsql/client';
import { createHmac } from 'node:crypto';
import { constantTimeEqual, randomToken, type RootKeyring } from '../crypto';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
/** Failures older than this are forgotten (see migration 0002). */
export const WINDOW_MS = 15 * 60_000;
/** Failures on one account from browsers it has never logged in from, before they must wait. */
export const ACCOUNT_BACKOFF_FAILURES = 20;

interface LimitKey {
  key: string;
  max: number;
}

export interface ThrottleKeys {
  /** Every counter this attempt is charged to, each with its own limit. */
  limits: LimitKey[];
  /** Counters a success forgets; the others (per address) are refunded one failure. */
  forgetOnSuccess: string[];
}

export interface Reservation {
  keys: LimitKey[];
  forget: string[];
  blocked: boolean;
  /** Seconds until the longest lock ends (for Retry-After) when blocked. */
  retryAfterSeconds: number;
}

/**
 * Login limits (finding 10). A wrong password used to count against the account from
 * anywhere, so five guesses by anyone locked the owner out. Now:
 *
 * - per (account, address): 5 failures lock that address out of that account for 15 minutes;
 * - per address, across accounts: 5 failures (credential stuffing from one place);
 * - per account, for browsers it never logged in from: a slower back-off after 20 failures
 *   within the window, so a guesser spreading over many addresses still hits a wall;
 * - a browser that logged in to this account before carries a device cookie (HMAC-bound
 *   to the account) and is limited only on its own (5 failures lock that cookie), so the
 *   owner's known browser gets in with the right password while an attack is going on.
 *
 * Every attempt is counted BEFORE the password is checked (`reserve`), so a burst of
 * parallel guesses cannot all slip through while the first ones are still hashing. IPs,
 * accounts and device nonces are stored only as HMACs / blind indexes.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Client,
    private readonly keyring: RootKeyring,
    private readonly now: () => number = Date.now,
  ) {}

  private deviceMac(emailIndex: string, nonce: string): string {
    return createHmac('sha256', this.keyring.hmacKey('login-device')).update(`${emailIndex}|${nonce}`, 'utf8').digest('base64url');
  }

  /** The device cookie value a successful login hands out for this account. */
  newDeviceCookie(emailIndex: string): string {
    const nonce = randomToken(16);
    return `${nonce}.${this.deviceMac(emailIndex, nonce)}`;
  }

  /** The nonce of a device cookie that this account issued, or undefined. */
  private knownDevice(emailIndex: string, cookie: string | undefined): string | undefined {
    if (!cookie || cookie.length > 200) return undefined;
    const [nonce, mac, extra] = cookie.split('.');
    if (!nonce || !mac || extra !== undefined) return undefined;
    return constantTimeEqual(mac, this.deviceMac(emailIndex, nonce)) ? nonce : undefined;
  }

  /** `device`: the browser's device cookie, if any. */
  keysFor(emailIndex: string, ip: string | undefined, device?: string): ThrottleKeys {
    const nonce = this.knownDevice(emailIndex, device);
    if (nonce) {
      const key = `device:${this.keyring.blindIndex('login-device', `${emailIndex}|${nonce}`)}`;
      return { limits: [{ key, max: MAX_FAILURES }], forgetOnSuccess: [key] };
    }
    const account = `account:${emailIndex}`;
    // Without an address (a unix socket, or a password check inside a session) the pair
    // counter is per account alone, as before.
    const pair = `pair:${this.keyring.blindIndex('login-ip', `${emailIndex}|${ip ?? ''}`)}`;
    const limits: LimitKey[] = [
      { key: pair, max: MAX_FAILURES },
      { key: account, max: ACCOUNT_BACKOFF_FAILURES },
      ...(ip ? [{ key: `ip:${this.keyring.blindIndex('login-ip', ip)}`, max: MAX_FAILURES }] : []),
    ];
    return { limits, forgetOnSuccess: [pair, account] };
  }

  async reserve(keys: ThrottleKeys): Promise<Reservation> {
    const now = this.now();
    // A row starts over when its lock has ended or its window went stale without a lock.
    const fresh = '((locked_until != 0 AND locked_until <= :now) OR (locked_until = 0 AND window_start <= :stale))';
    const results = await this.db.batch(
      keys.limits.map(({ key, max }) => ({
        sql: `INSERT INTO login_attempts (key, failures, locked_until, window_start) VALUES (:key, 1, 0, :now)
              ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN ${fresh} THEN 1 ELSE failures + 1 END,
                window_start = CASE WHEN ${fresh} THEN :now ELSE window_start END,
                locked_until = CASE WHEN ${fresh} THEN 0
                                    WHEN locked_until = 0 AND failures + 1 > :max THEN :lockUntil
                                    ELSE locked_until END
              RETURNING failures, locked_until`,
        args: { key, now, stale: now - WINDOW_MS, max, lockUntil: now + LOCK_MS },
      })),
      'write',
    );
    let blocked = false;
    let until = 0;
    results.forEach((rs, i) => {
      const row = rs.rows[0];
      if (!row) return;
      const lockedUntil = Number(row.locked_until);
      if (Number(row.failures) > keys.limits[i]!.max || lockedUntil > now) {
        blocked = true;
        until = Math.max(until, lockedUntil);
      }
    });
    return { keys: keys.limits, forget: keys.forgetOnSuccess, blocked, retryAfterSeconds: blocked ? Math.max(1, Math.ceil((until - now) / 1000)) : 0 };
  }

  /** A wrong password: keys that reached their limit lock now, for LOCK_MS. */
  async fail(reservation: Reservation): Promise<void> {
    const now = this.now();
    await this.db.batch(
      reservation.keys.map(({ key, max }) => ({
        sql: 'UPDATE login_attempts SET locked_until = ? WHERE key = ? AND failures >= ? AND locked_until = 0',
        args: [now + LOCK_MS, key, max],
      })),
      'write',
    );
  }

  /**
   * The right password: this account's own counters are forgotten; the address counter only
   * gets its reservation back (it counts failures, so colleagues behind one NAT address are
   * not locked out by their own successful logins).
   */
  async succeed(reservation: Reservation): Promise<void> {
    const forget = new Set(reservation.forget);
    await this.db.batch(
      reservation.keys.map(({ key }) =>
        forget.has(key)
          ? { sql: 'DELETE FROM login_attempts WHERE key = ?', args: [key] }
          : { sql: 'UPDATE login_attempts SET failures = MAX(failures - 1, 0) WHERE key = ? AND locked_until = 0', args: [key] },
      ),
      'write',
    );
  }
}
