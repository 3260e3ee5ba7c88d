import { randomBytes } from 'node:crypto';
import type { Client } from '@libsql/client';
import { ACCOUNT_BACKOFF_FAILURES, LOCK_MS, LoginThrottle, WINDOW_MS } from '../../../src/accounts/login-throttle';
import { openCatalog } from '../../../src/catalog/catalog-db';
import { createRootKeyring } from '../../../src/crypto';
import { makeTempDir } from '../../helpers/temp-dir';

describe('login throttle (real catalog file)', () => {
  let db: Client;
  let cleanup: () => void;
  let now = 1_000_000;
  let throttle: LoginThrottle;
  const keyring = createRootKeyring(randomBytes(32));

  beforeAll(async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    db = (await openCatalog(`file:${tmp.dir}/catalog.db`)).db;
    throttle = new LoginThrottle(db, keyring, () => now);
  });
  afterAll(() => {
    db.close();
    cleanup();
  });

  const failTimes = async (account: string, ip: string | undefined, n: number) => {
    for (let i = 0; i < n; i++) {
      const r = await throttle.reserve(throttle.keysFor(account, ip));
      expect(r.blocked).toBe(false);
      await throttle.fail(r);
    }
  };

  it('blocks the 6th attempt after 5 failures, for 15 minutes, then starts over', async () => {
    await failTimes('acct-1', undefined, 5);
    const sixth = await throttle.reserve(throttle.keysFor('acct-1', undefined));
    expect(sixth).toMatchObject({ blocked: true, retryAfterSeconds: LOCK_MS / 1000 });
    now += LOCK_MS - 1000;
    expect((await throttle.reserve(throttle.keysFor('acct-1', undefined))).blocked).toBe(true);
    now += 1000;
    expect((await throttle.reserve(throttle.keysFor('acct-1', undefined))).blocked).toBe(false);
  });

  it('forgets an account’s failures after a success', async () => {
    await failTimes('acct-2', undefined, 4);
    await throttle.succeed(await throttle.reserve(throttle.keysFor('acct-2', undefined)));
    await failTimes('acct-2', undefined, 4);
    expect((await throttle.reserve(throttle.keysFor('acct-2', undefined))).blocked).toBe(false);
  });

  it('forgets failures older than the window', async () => {
    await failTimes('acct-3', undefined, 4);
    now += WINDOW_MS + 1;
    await failTimes('acct-3', undefined, 4);
    expect((await throttle.reserve(throttle.keysFor('acct-3', undefined))).blocked).toBe(false);
  });

  it('counts failures per address across accounts, and successes do not use up the address', async () => {
    for (let i = 0; i < 10; i++) await throttle.succeed(await throttle.reserve(throttle.keysFor(`happy-${i}`, '192.0.2.1')));
    for (let i = 0; i < 5; i++) await failTimes(`other-${i}`, '192.0.2.1', 1);
    expect((await throttle.reserve(throttle.keysFor('fresh-account', '192.0.2.1'))).blocked).toBe(true);
    expect((await throttle.reserve(throttle.keysFor('fresh-account', '192.0.2.2'))).blocked).toBe(false);
  });

  it('lets at most 5 of a burst of parallel attempts through to the password check', async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, () => throttle.reserve(throttle.keysFor('burst', undefined))));
    expect(burst.filter((r) => !r.blocked)).toHaveLength(5);
  });

  it('stores the address only as an HMAC', async () => {
    const rs = await db.execute('SELECT key FROM login_attempts');
    expect(rs.rows.map((r) => String(r.key)).join(' ')).not.toContain('192.0.2');
  });

  it('limits per (account, address): failures from one address do not block another (finding 10)', async () => {
    await failTimes('acct-pair', '198.51.100.1', 5);
    expect((await throttle.reserve(throttle.keysFor('acct-pair', '198.51.100.1'))).blocked).toBe(true);
    expect((await throttle.reserve(throttle.keysFor('acct-pair', '198.51.100.2'))).blocked).toBe(false);
  });

  it('backs off unknown browsers after a spread-out attack; a device cookie of this account still passes', async () => {
    const device = throttle.newDeviceCookie('acct-spread');
    for (let i = 0; i < ACCOUNT_BACKOFF_FAILURES; i++) await failTimes('acct-spread', `203.0.113.${i}`, 1);
    expect((await throttle.reserve(throttle.keysFor('acct-spread', '203.0.113.250'))).blocked).toBe(true);
    expect((await throttle.reserve(throttle.keysFor('acct-spread', '203.0.113.251', device))).blocked).toBe(false);
    // Another account's device cookie, or a tampered one, is no pass.
    const other = throttle.newDeviceCookie('acct-other');
    expect((await throttle.reserve(throttle.keysFor('acct-spread', '203.0.113.252', other))).blocked).toBe(true);
    expect((await throttle.reserve(throttle.keysFor('acct-spread', '203.0.113.253', `${device}x`))).blocked).toBe(true);
  });

  it('locks a device cookie after 5 failures of its own', async () => {
    const device = throttle.newDeviceCookie('acct-dev');
    for (let i = 0; i < 5; i++) {
      const r = await throttle.reserve(throttle.keysFor('acct-dev', '192.0.2.50', device));
      await throttle.fail(r);
    }
    expect((await throttle.reserve(throttle.keysFor('acct-dev', '192.0.2.51', device))).blocked).toBe(true);
  });
});
