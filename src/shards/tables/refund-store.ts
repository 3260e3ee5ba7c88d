import type { ShardRouter } from '../shard-router';
import type { EventRef } from './event-tables';
import { logStatement } from './activity-log';
import { LiveWriter, type Relocate } from './live-event-guard';
import { type RefundToSend, refundInsert } from './refund-outbox';
import { type AttendeeRefundWrite, buildAttendeeRefundJob, REFUNDABLE_ATTENDEES_SQL } from './refund-statements';

/** Admin refunds on one shard: the decision and its outbox row in one transaction, through the single writer. */
export class RefundStore {
  private readonly live: LiveWriter;

  constructor(
    private readonly router: Pick<ShardRouter, 'writer' | 'db'>,
    relocate?: Relocate,
  ) {
    this.live = new LiveWriter(router, relocate);
  }

  /**
   * Whether this call refunded the attendee (false: already refunded, unpaid or gone). Busy
   * while the event is frozen for a move; a moved copy is re-resolved and refunded there.
   */
  refundAttendee(ref: EventRef, write: AttendeeRefundWrite): Promise<boolean> {
    return this.live.submit(
      ref,
      () => buildAttendeeRefundJob(write),
      (results) => (results[results.length - 1]?.rowsAffected ?? 0) > 0,
    );
  }

  /** A refund decided outside any sale (an event of the booking vanished), with its log row; idempotent by its key. */
  async queue(ref: EventRef, refund: RefundToSend, logMessage: string, nowIso: string): Promise<void> {
    await this.live.submit(
      ref,
      (r) => ({ steps: [[refundInsert(refund), logStatement({ eventId: r.id, at: nowIso, kind: 'refunded', message: logMessage, onlyIfChanged: true })]] }),
      () => undefined,
    );
  }

  async refundableIds(ref: EventRef): Promise<number[]> {
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({ sql: REFUNDABLE_ATTENDEES_SQL, args: [ref.id] });
    return rs.rows.map((r) => Number(r.id));
  }

  /** How many of these refund-outbox rows Stripe has confirmed. */
  async confirmed(ref: EventRef, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const db = await this.router.db(ref.shard);
    let n = 0;
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const rs = await db.execute({ sql: `SELECT COUNT(*) AS n FROM refund_outbox WHERE done_at IS NOT NULL AND idempotency_key IN (${chunk.map(() => '?').join(',')})`, args: chunk });
      n += Number(rs.rows[0]!.n);
    }
    return n;
  }
}
