import type { InStatement } from '@libsql/client';
import type { Db } from '../db/simulated-remote';
import { webhookPayloadContext } from '../crypto/contexts';
import type { ShardWriter } from '../shards/write-coalescer';
import type { WriteJob } from '../shards/write-job';
import type { Platform } from '../runtime/platform';
import { backoffMs, type DeliveryResult, deliverWebhook, LEASE_MS, MAX_ATTEMPTS } from './webhook-delivery';

const one = (stmt: InStatement): WriteJob => ({ steps: [[stmt]] });

export interface WebhookWorkerOptions {
  pollMs?: number;
  batchSize?: number;
  /** Tests shorten the ladder; production uses the constants. */
  backoff?: (attempts: number) => number;
  deliver?: typeof deliverWebhook;
}

interface Claimed {
  id: number;
  url: string;
  payload: string;
  bookingId: string;
  attempts: number;
}

/**
 * Delivers webhook-outbox rows at least once, outside any request: claims due rows with a
 * lease (one atomic UPDATE … RETURNING, so several app processes never send the same row at
 * the same time), POSTs them, and records the outcome. Delivered or abandoned rows have their
 * payload erased: the buyer's details stay at rest only while they still have to be sent.
 * Receivers dedupe by the `Idempotency-Key` header (the booking id).
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly platform: Platform,
    private readonly opts: WebhookWorkerOptions = {},
  ) {}

  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.platform.logger.error({ err }, 'outbox.webhook.poll_failed'))
        .finally(() => this.schedule(this.opts.pollMs ?? 1000));
    }, ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every active shard; returns how many rows were attempted. */
  async runOnce(): Promise<number> {
    const shards = (await this.platform.router.refresh()).filter((s) => s.status === 'active');
    const counts = await Promise.all(shards.map(async (s) => this.drainShard(s.name, await this.platform.pool.unwrapped(s), await this.platform.router.writer(s.name))));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Reads use the shard's client; every write goes through its single writer, like bookings. */
  private async drainShard(shard: string, db: Db, writer: ShardWriter): Promise<number> {
    const now = Date.now();
    // A read first: an idle shard must not cost a write transaction every poll.
    const due = await db.execute({
      sql: `SELECT 1 FROM webhook_outbox WHERE delivered_at IS NULL AND payload != '' AND next_attempt_at <= ? AND lease_until <= ? LIMIT 1`,
      args: [now, now],
    });
    if (due.rows.length === 0) {
      await this.recordBacklog(shard, db);
      return 0;
    }
    const [claimed] = await writer.submit(one({
      sql: `UPDATE webhook_outbox SET lease_until = ?, attempts = attempts + 1
             WHERE id IN (SELECT id FROM webhook_outbox
                           WHERE delivered_at IS NULL AND payload != '' AND next_attempt_at <= ? AND lease_until <= ?
                           ORDER BY id LIMIT ?)
            RETURNING id, url, payload, booking_id, attempts`,
      args: [now + LEASE_MS, now, now, this.opts.batchSize ?? 25],
    }));
    const rows: Claimed[] = claimed!.rows.map((r) => ({ id: Number(r.id), url: String(r.url), payload: String(r.payload), bookingId: String(r.booking_id), attempts: Number(r.attempts) }));
    await Promise.all(rows.map((row) => this.deliverOne(shard, writer, row)));
    await this.recordBacklog(shard, db);
    return rows.length;
  }

  private async recordBacklog(shard: string, db: Db): Promise<void> {
    const backlog = await db.execute("SELECT COUNT(*) AS n FROM webhook_outbox WHERE delivered_at IS NULL AND payload != ''");
    this.platform.metrics.outboxBacklog.set({ shard, outbox: 'webhook' }, Number(backlog.rows[0]!.n));
  }

  private async deliverOne(shard: string, writer: ShardWriter, row: Claimed): Promise<void> {
    let result: DeliveryResult;
    try {
      const body = this.platform.keyring.openSecret(row.payload, webhookPayloadContext(row.bookingId));
      result = await (this.opts.deliver ?? deliverWebhook)(row.url, body, { 'idempotency-key': row.bookingId, 'x-boxoffice-delivery': String(row.id) });
    } catch {
      result = { ok: false, error: 'payload could not be opened', permanent: true };
    }
    const now = Date.now();
    if (result.ok) {
      await writer.submit(one({ sql: "UPDATE webhook_outbox SET delivered_at = ?, payload = '', last_error = NULL, lease_until = 0 WHERE id = ?", args: [now, row.id] }));
      return;
    }
    this.platform.metrics.outboxFailures.inc({ outbox: 'webhook' });
    const giveUp = result.permanent || row.attempts >= MAX_ATTEMPTS;
    this.platform.logger.warn({ shard, outboxId: row.id, attempts: row.attempts, error: result.error, giveUp }, 'outbox.webhook.delivery_failed');
    await writer.submit(one({
      sql: `UPDATE webhook_outbox SET last_error = ?, lease_until = 0, next_attempt_at = ?${giveUp ? ", payload = ''" : ''} WHERE id = ?`,
      args: [giveUp ? `gave up: ${result.error}` : result.error, now + (this.opts.backoff ?? backoffMs)(row.attempts), row.id],
    }));
  }
}
