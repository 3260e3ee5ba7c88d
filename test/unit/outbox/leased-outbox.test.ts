// One shard failing must never abort an outbox pass over the others (it used to: Promise.all).
import path from 'node:path';
import { createClient } from '@libsql/client';
import pino from 'pino';
import type { Db } from '../../../src/db/db';
import { migrate, readMigrations } from '../../../src/db/migrator';
import { migrationsDir } from '../../../src/lib/paths';
import { LeasedOutbox, type OutboxShard } from '../../../src/outbox/leased-outbox';
import { webhookInsert, webhookOutboxTable, type WebhookOutboxRow } from '../../../src/shards/tables/webhook-outbox';
import { WriteCoalescer } from '../../../src/shards/write-coalescer';
import { makeTempDir } from '../../helpers/temp-dir';

describe('LeasedOutbox', () => {
  const { dir, cleanup } = makeTempDir('leased-outbox-');
  afterAll(cleanup);

  async function shard(name: string): Promise<OutboxShard> {
    const db = createClient({ url: `file:${path.join(dir, `${name}.db`)}` });
    await migrate(db, readMigrations(migrationsDir('shard')));
    const writer = new WriteCoalescer({ shard: name, db, maxBatch: 16, targetWaitMs: 2000 });
    const now = Date.now();
    // Outbox rows are written only for an event live on the shard (live-event-guard).
    await db.execute("INSERT INTO events (id, slug, organiser_id, name, capacity, created_at, updated_at) VALUES (1, 'e', 1, 'E', 10, '2026-01-01', '2026-01-01')");
    await writer.submit({ steps: [[1, 2].map((i) => webhookInsert({ eventId: 1, bookingId: `${name}-${i}`, url: 'https://x.example/h', sealedPayload: 'sealed', dueAt: now, nowMs: now }, false))] });
    return { name, db, writer };
  }

  it('delivers every due row of the healthy shards when one shard fails', async () => {
    const good = await shard('good');
    const other = await shard('other');
    const broken: Db = {
      execute: (() => Promise.reject(new Error('shard unreachable'))) as unknown as Db['execute'],
      batch: () => Promise.reject(new Error('shard unreachable')),
      close: () => {},
    };
    const bad: OutboxShard = { name: 'bad', db: broken, writer: good.writer };
    const handled: string[] = [];
    const outbox = new LeasedOutbox<WebhookOutboxRow>({
      table: webhookOutboxTable,
      shards: async () => [bad, good, other],
      handle: async (row, shardName) => {
        handled.push(`${shardName}:${row.bookingId}`);
        return { ok: true };
      },
      logger: pino({ level: 'silent' }),
      metrics: { backlog: () => {}, failure: () => {} },
    });
    expect(await outbox.runOnce()).toBe(4);
    expect(handled.sort()).toEqual(['good:good-1', 'good:good-2', 'other:other-1', 'other:other-2']);
    // Delivered rows are done and their payload erased.
    const left = await good.db.execute("SELECT COUNT(*) AS n FROM webhook_outbox WHERE delivered_at IS NULL OR payload != ''");
    expect(Number(left.rows[0]!.n)).toBe(0);
    expect(await outbox.runOnce()).toBe(0);
  });
});
