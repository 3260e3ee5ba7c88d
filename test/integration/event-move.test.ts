import { randomUUID } from 'node:crypto';
import { MoveStore } from '../../src/catalog/move-store';
import { buildBookingJob } from '../../src/shards/tables/booking-statements';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Online moves between a local shard (shared-1) and one on the Hrana server (remote-1), with
 * the catalog remote too: buyers keep booking throughout and every acknowledged ticket ends up
 * on the new shard exactly once.
 */
describe('moving an event between shards while it sells', () => {
  let app: RemoteTestApp;
  let org: { id: number };
  /** Tickets acknowledged in the first test, which must survive the move back too. */
  let firstRound: Array<{ token: string; quantity: number }> = [];
  beforeAll(async () => {
    app = await startRemoteTestApp();
    org = await createOrganiserFixture(app.services, 'move-org');
  });
  afterAll(() => app.close());
  const infra = () => app.services.infra;

  /**
   * 32 buyers booking in a loop until told to stop. A busy answer makes the buyer wait a
   * moment and retry the very same booking (same name and address), as the retry script
   * does. Every answer carries the booking's key (`B<buyer>-<attempt>`).
   */
  function startBuyers(slug: string, buyers = 32) {
    let stop = false;
    const acknowledged: Array<{ key: string; token: string; quantity: number }> = [];
    const others: Array<{ key: string; status: number; code: string; retryAfter: string | null }> = [];
    const loops = Array.from({ length: buyers }, async (_, b) => {
      for (let i = 0; !stop; ) {
        const quantity = ((b + i) % 2) + 1;
        const key = `B${b}-${i}`;
        const res = await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: key, email: `b${b}.${i}@example.com`, quantity });
        if (res.status === 201) {
          acknowledged.push({ key, token: res.body.booking.tickets[0].token, quantity });
          i++;
        } else {
          others.push({ key, status: res.status, code: res.body?.error?.code, retryAfter: res.headers.get('retry-after') });
          await sleep(20);
        }
      }
    });
    return {
      acknowledged,
      others,
      /** Resolves once some buyer has been answered busy (the freeze was met), or fails. */
      async untilBusy(timeoutMs = 15_000) {
        const until = Date.now() + timeoutMs;
        while (!others.some((o) => o.status === 503 && o.code === 'busy')) {
          if (Date.now() > until) throw new Error('no buyer met the freeze');
          await sleep(5);
        }
      },
      async stop() {
        stop = true;
        await Promise.all(loops);
      },
    };
  }

  async function expectAllOnShard(slug: string, shard: string, acknowledged: Array<{ token: string; quantity: number }>) {
    const entry = (await infra().directory.fresh(slug))!;
    expect(entry.shard).toBe(shard);
    const db = await infra().router.db(shard);
    const rows = await db.execute({ sql: 'SELECT token_index, quantity FROM attendees WHERE event_id = ?', args: [entry.id] });
    const byIndex = new Map<string, number>();
    for (const r of rows.rows) byIndex.set(String(r.token_index), (byIndex.get(String(r.token_index)) ?? 0) + 1);
    for (const t of acknowledged) expect(byIndex.get(infra().keyring.blindIndex('ticket', t.token))).toBe(1);
    expect(rows.rows.length).toBe(acknowledged.length);
    const total = acknowledged.reduce((n, t) => n + t.quantity, 0);
    const ev = (await db.execute({ sql: 'SELECT sold, held, state FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    expect(Number(ev.sold)).toBe(total);
    expect(rows.rows.reduce((n, r) => n + Number(r.quantity), 0)).toBe(total);
    expect(ev.state).toBe('live');
    return entry;
  }

  /** A booking written straight to a shard, bypassing the directory (a process with a stale cache). */
  async function bookDirect(shard: string, eventId: number) {
    const now = new Date();
    const job = buildBookingJob(
      {
        eventId,
        eventType: 'standard',
        bookingId: randomUUID(),
        quantity: 1,
        date: null,
        pii: 'x',
        emailIndex: null,
        tokenIndex: randomUUID(),
        sealedToken: 'x',
        pricePaid: 0,
        logMessage: 'stale',
        webhooks: [],
        confirmTo: null,
        emails: [],
        nowIso: now.toISOString(),
        nowMs: now.getTime(),
      },
      true,
    );
    const writer = await infra().router.writer(shard);
    return job.outcome(await writer.submit(job.job));
  }

  it('moves local → Hrana under 32 concurrent buyers: every acknowledged ticket lands exactly once', async () => {
    await createEventFixture(app.services, org.id, { slug: 'hot-move', name: 'Hot move', capacity: 100_000, maxPerPurchase: 2, shard: 'shared-1' });
    const buyers = startBuyers('hot-move');
    await sleep(300);
    const before = buyers.acknowledged.length;
    // The mover holds the freeze (its step callback runs before the next step) until a buyer
    // has met it: the busy answer is observed, not left to timing.
    let busyWhileFrozen = 0;
    const listedWhileFrozen: Array<{ all: string[]; mine: string[]; one: number }> = [];
    const result = await app.services.fleet.move('hot-move', app.remoteShard, {
      onStep: async ({ step }) => {
        if (step !== 'frozen') return;
        await buyers.untilBusy();
        busyWhileFrozen = buyers.others.length;
        // Still on sale while moving: listed, and its page answers (buyers are only asked to retry).
        const slugs = async (q: string) => ((await (await fetch(`${app.baseUrl}/api/v1/events${q}`)).json()) as { events: Array<{ slug: string }> }).events.map((e) => e.slug);
        listedWhileFrozen.push({ all: await slugs(''), mine: await slugs('?organiser=move-org'), one: (await fetch(`${app.baseUrl}/api/v1/events/hot-move`)).status });
      },
    });
    expect(listedWhileFrozen).toEqual([{ all: expect.arrayContaining(['hot-move']), mine: expect.arrayContaining(['hot-move']), one: 200 }]);
    const afterMove = buyers.acknowledged.length;
    await sleep(300);
    await buyers.stop();
    expect(before).toBeGreaterThan(0);
    expect(result).toMatchObject({ from: 'shared-1', to: app.remoteShard, resumed: false });
    expect(buyers.acknowledged.length).toBeGreaterThan(afterMove);
    // At least one booking met the freeze; nothing but successes and busy-with-Retry-After.
    expect(busyWhileFrozen).toBeGreaterThanOrEqual(1);
    for (const o of buyers.others) {
      expect(o).toMatchObject({ status: 503, code: 'busy' });
      expect(Number(o.retryAfter)).toBeGreaterThan(0);
    }
    // Every booking refused busy was retried as it was and acknowledged exactly once (the
    // buyers ran on for 300 ms after the move; none is refused once the event lives on the new shard).
    const refused = new Set(buyers.others.map((o) => o.key));
    const ackedKeys = buyers.acknowledged.map((t) => t.key);
    expect(new Set(ackedKeys).size).toBe(ackedKeys.length);
    expect([...refused].filter((k) => !ackedKeys.includes(k))).toEqual([]);
    expect(refused.size).toBeGreaterThanOrEqual(1);
    const entry = await expectAllOnShard('hot-move', app.remoteShard, buyers.acknowledged);
    firstRound = buyers.acknowledged;
    expect(entry.generation).toBe(2);
    expect(entry.status).toBe('active');

    // The old copy is marked moved and refuses every write for the event.
    const source = await infra().router.db('shared-1');
    expect((await source.execute({ sql: 'SELECT state FROM events WHERE id = ?', args: [entry.id] })).rows[0]!.state).toBe('moved');
    expect(await bookDirect('shared-1', entry.id)).toEqual({ kind: 'refused', reason: 'moved' });
    expect(await new MoveStore(infra().catalog).get(entry.id)).toMatchObject({ step: 'done', frozenMs: expect.any(Number) });
  });

  it('moves Hrana → local back, again with buyers booking', async () => {
    const buyers = startBuyers('hot-move');
    await sleep(200);
    const result = await app.services.fleet.move('hot-move', 'shared-1');
    await sleep(200);
    await buyers.stop();
    expect(result).toMatchObject({ from: app.remoteShard, to: 'shared-1', generation: 3 });
    // Everything sold in both rounds is on shared-1 exactly once, counters equal to attendee totals.
    const entry = await expectAllOnShard('hot-move', 'shared-1', [...firstRound, ...buyers.acknowledged]);
    expect(await bookDirect(app.remoteShard, entry.id)).toEqual({ kind: 'refused', reason: 'moved' });
  });

  it('a mover killed after the copy finishes the move when run again', async () => {
    await createEventFixture(app.services, org.id, { slug: 'crashy', name: 'Crashy', capacity: 50, shard: 'shared-1', webhookUrl: 'http://127.0.0.1:9/hook' });
    for (let i = 0; i < 5; i++) expect((await postJson(app.baseUrl, '/api/v1/events/crashy/bookings', { name: `C${i}`, email: `c${i}@example.com`, quantity: 1 })).status).toBe(201);
    const crash = new Error('mover killed');
    await expect(
      app.services.fleet.move('crashy', app.remoteShard, {
        onStep: ({ step }) => {
          if (step === 'copied') throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const entry = (await infra().directory.fresh('crashy'))!;
    expect(entry).toMatchObject({ shard: 'shared-1', status: 'moving' });
    // Frozen meanwhile: buyers are asked to come back, nothing is written.
    const during = await postJson(app.baseUrl, '/api/v1/events/crashy/bookings', { name: 'X', email: 'x@example.com', quantity: 1 });
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    // A different target is refused while this move is unfinished.
    await expect(app.services.fleet.move('crashy', 'shared-1')).rejects.toMatchObject({ code: 'conflict' });

    const result = await app.services.fleet.move('crashy', app.remoteShard);
    expect(result).toMatchObject({ resumed: true, to: app.remoteShard, generation: entry.generation + 1 });
    const after = await postJson(app.baseUrl, '/api/v1/events/crashy/bookings', { name: 'Y', email: 'y@example.com', quantity: 1 });
    expect(after.status).toBe(201);
    const db = await infra().router.db(app.remoteShard);
    const ev = (await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    const att = (await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    expect(Number(ev.sold)).toBe(6);
    expect(Number(att.n)).toBe(6);
    // Pending webhooks go out from the new copy only: parked on the old one, released on the new.
    const pendingOn = async (shard: string) =>
      (await (await infra().router.db(shard)).execute({ sql: 'SELECT lease_until FROM webhook_outbox WHERE event_id = ? AND delivered_at IS NULL', args: [entry.id] })).rows.map((r) => Number(r.lease_until));
    const oldPending = await pendingOn('shared-1');
    expect(oldPending.length).toBeGreaterThan(0);
    for (const lease of oldPending) expect(lease).toBeGreaterThan(Date.now() + 1e12);
    const newPending = await pendingOn(app.remoteShard);
    expect(newPending.length).toBeGreaterThanOrEqual(oldPending.length);
    for (const lease of newPending) expect(lease).toBeLessThan(Date.now() + 1e12);
  });

  it('refuses a move to the shard the event is on, to an unknown shard, and of an unknown event', async () => {
    await expect(app.services.fleet.move('crashy', app.remoteShard)).rejects.toMatchObject({ code: 'conflict' });
    await expect(app.services.fleet.move('crashy', 'nowhere')).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(app.services.fleet.move('no-such-event', 'shared-1')).rejects.toMatchObject({ code: 'not_found' });
  });
});
