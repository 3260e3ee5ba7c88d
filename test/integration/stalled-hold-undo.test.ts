// A paid hold whose batch is answered after the shard's deadline (the buyer already heard 503)
// is released by the writer once the shard answers: its places go back on sale at once instead
// of staying held until the hold expires, and an earlier, acknowledged hold of the same booking
// id is never touched. Real shard schema (the app's migrations), real libSQL file.
import path from 'node:path';
import { createClient, type Client, type InStatement, type ResultSet, type TransactionMode } from '@libsql/client';
import type { Db } from '../../src/db/db';
import { ShardStalledError, StallBreaker } from '../../src/db/stall-breaker';
import { buildHoldJob, buildReleaseJob, type HoldWrite } from '../../src/shards/tables/hold-statements';
import { WriteCoalescer } from '../../src/shards/write-coalescer';
import { createEventFixture, createOrganiserFixture } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Commits at once; while stalled, holds the answer back until released (the Hrana server's stallMs). */
function stallable(inner: Client) {
  let gate: Promise<void> | null = null;
  let open = () => {};
  const db: Db = {
    execute: inner.execute.bind(inner),
    batch: async (stmts: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> => {
      const results = await inner.batch(stmts, mode);
      if (gate) await gate;
      return results;
    },
    close: () => inner.close(),
  };
  return {
    db,
    stall: () => {
      gate = new Promise<void>((r) => (open = r));
    },
    release: () => {
      gate = null;
      open();
    },
  };
}

describe('a hold answered too late', () => {
  let app: TestApp;
  let client: Client;
  let eventId: number;
  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrganiserFixture(app.services, 'hold-stall');
    await createEventFixture(app.services, org.id, { slug: 'held-gig', name: 'Held gig', capacity: 10, maxPerPurchase: 4 });
    eventId = (await app.services.infra.directory.resolve('held-gig'))!.id;
    client = createClient({ url: `file:${path.join(app.dataDir, 'shared-1.db')}` });
    await client.execute({ sql: 'UPDATE events SET price = 1500 WHERE id = ?', args: [eventId] });
  });
  afterAll(async () => {
    client.close();
    await app.close();
  });

  const write = (bookingId: string, nowIso: string): HoldWrite => ({
    eventId,
    eventType: 'standard',
    bookingId,
    quantity: 3,
    date: null,
    expiresAt: Date.now() + 900_000,
    pii: 'sealed',
    emailIndex: null,
    tokenIndex: `ti-${bookingId}-${nowIso}`,
    sealedToken: 'sealed-token',
    webhookPayload: null,
    emailBody: null,
    nowIso,
  });
  /** As HoldStore.hold submits it. */
  const holdJob = (w: HoldWrite) => ({ ...buildHoldJob(w).job, onAbandon: buildReleaseJob(eventId, w.bookingId, Date.now(), { onlyUnattachedCreatedAt: w.nowIso }) });
  const state = async () => {
    const held = Number((await client.execute({ sql: 'SELECT held FROM events WHERE id = ?', args: [eventId] })).rows[0]!.held);
    const holds = (await client.execute({ sql: 'SELECT booking_id, status FROM holds WHERE event_id = ? ORDER BY id', args: [eventId] })).rows.map((r) => `${r.booking_id}:${r.status}`);
    return { held, holds };
  };

  it('gives the places back once the shard answers, and never an acknowledged hold', async () => {
    const shard = stallable(client);
    const c = new WriteCoalescer({ shard: 'shared-1', db: shard.db, maxBatch: 8, targetWaitMs: 2000, breaker: new StallBreaker('shared-1', 80, 100) });

    // An acknowledged hold, whose checkout was opened (the buyer is paying).
    await c.submit(holdJob(write('acked', '2030-01-01T00:00:00.000Z')));
    await client.execute({ sql: "UPDATE holds SET session_id = 'cs_test_acked' WHERE booking_id = 'acked'" });

    shard.stall();
    // A new buyer's hold, and a retry of the acknowledged booking (same id), both answered too late.
    await expect(c.submit(holdJob(write('late', '2030-01-01T00:00:01.000Z')))).rejects.toBeInstanceOf(ShardStalledError);
    expect((await state()).held).toBe(6); // it did commit: the primary only held its answer back
    shard.release();
    await c.drain();
    expect(await state()).toEqual({ held: 3, holds: ['acked:held', 'late:released'] });

    shard.stall();
    await expect(c.submit(holdJob(write('acked', '2030-01-01T00:00:02.000Z')))).rejects.toBeInstanceOf(ShardStalledError);
    shard.release();
    await c.drain();
    // The retry found the existing hold (nothing new committed), and its undo left that hold alone.
    expect(await state()).toEqual({ held: 3, holds: ['acked:held', 'late:released'] });
  });
});
