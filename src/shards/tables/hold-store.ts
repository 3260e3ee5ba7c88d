import type { ShardRouter } from '../shard-router';
import type { EventRef } from './event-tables';
import { LiveWriter, type Relocate } from './live-event-guard';
import {
  attachSessionStatement,
  buildHoldJob,
  buildReleaseJob,
  claimPreparationStatement,
  HOLDS_OF_BOOKING_SQL,
  HOLDS_OF_SESSION_SQL,
  type HoldOutcome,
  type HoldRow,
  type HoldWrite,
  LAPSED_HOLDS_SQL,
  RENEW_PREPARATION_SQL,
  toHoldRow,
  UNPREPARED_HOLDS_SQL,
} from './hold-statements';
import { buildFinaliseJob, type FinaliseWrite, type PartOutcome } from './payment-statements';

export interface HeldStep {
  outcome: HoldOutcome;
  remaining: number | null;
}

export interface SessionHold {
  bookingId: string;
  eventId: number;
  status: HoldRow['status'];
}

export interface BookingHold extends HoldRow {
  eventId: number;
  date: string | null;
  /** The buyer's email sealed with ROOT_KEY (checkoutEmailContext), until the hold has its session. */
  sealedCheckoutEmail: string | null;
}

export interface LapsedHold {
  bookingId: string;
  eventId: number;
  sessionId: string | null;
}

/**
 * Holds, finalisation and release on one shard, every write through the shard's single
 * writer (group commit), like bookings. Services see outcomes, never SQL results.
 */
export class HoldStore {
  private readonly live: LiveWriter;

  constructor(
    private readonly router: Pick<ShardRouter, 'writer' | 'db'>,
    relocate?: Relocate,
  ) {
    this.live = new LiveWriter(router, relocate);
  }

  async hold(ref: EventRef, write: HoldWrite): Promise<HeldStep> {
    const writer = await this.router.writer(ref.shard);
    const built = buildHoldJob(write);
    // If the shard stalls and the buyer hears 503 before this commits, the writer gives the
    // places back once the shard answers, instead of leaving them held until the hold expires.
    const heldAt = Date.now();
    const undo = () => buildReleaseJob(ref.id, write.bookingId, heldAt, { onlyUnattachedCreatedAt: write.nowIso });
    const results = await writer.submit({ ...built.job, onAbandon: undo });
    return { outcome: built.outcome(results), remaining: built.remaining(results) };
  }

  /** False when the hold already carries another session (a repeat of the booking raced this one). */
  attachSession(ref: EventRef, bookingId: string, sessionId: string, checkoutUrl: string): Promise<boolean> {
    return this.live.submit(
      ref,
      (r) => ({ steps: [[attachSessionStatement(r.id, bookingId, sessionId, checkoutUrl)]] }),
      ([rs]) => (rs?.rowsAffected ?? 0) > 0,
    );
  }

  /** Whether this call released the hold (false: already converted, released or unknown). */
  /** Busy while the event is frozen for a move (the sweeper tries again later); a moved copy is re-resolved. */
  release(ref: EventRef, bookingId: string, opts: { lapsedBy?: number; sessionId?: string } = {}): Promise<boolean> {
    return this.live.submit(
      ref,
      (r) => buildReleaseJob(r.id, bookingId, Date.now(), opts),
      (results) => (results[results.length - 1]?.rowsAffected ?? 0) > 0,
    );
  }

  async find(ref: EventRef, bookingId: string): Promise<HoldRow | undefined> {
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({
      sql: 'SELECT id, status, quantity, expires_at, unit_price, currency, session_id, checkout_url, sealed_token FROM holds WHERE booking_id = ? AND event_id = ?',
      args: [bookingId, ref.id],
    });
    return rs.rows[0] ? toHoldRow(rs.rows[0]) : undefined;
  }

  async finalise(shard: string, write: FinaliseWrite): Promise<PartOutcome[]> {
    const writer = await this.router.writer(shard);
    const built = buildFinaliseJob(write);
    return built.outcomes(await writer.submit(built.job));
  }

  async lapsed(shard: string, now: number, limit: number): Promise<LapsedHold[]> {
    const db = await this.router.db(shard);
    const rs = await db.execute({ sql: LAPSED_HOLDS_SQL, args: [now, limit] });
    return rs.rows.map((r) => ({ bookingId: String(r.booking_id), eventId: Number(r.event_id), sessionId: r.session_id == null ? null : String(r.session_id) }));
  }

  /** The holds on one shard that carry this Checkout Session. */
  async ofSession(shard: string, sessionId: string): Promise<SessionHold[]> {
    const db = await this.router.db(shard);
    const rs = await db.execute({ sql: HOLDS_OF_SESSION_SQL, args: [sessionId] });
    return rs.rows.map((r) => ({ bookingId: String(r.booking_id), eventId: Number(r.event_id), status: String(r.status) as HoldRow['status'] }));
  }

  /** Whether `owner` now prepares this hold (force: without checking another's lease). */
  claimPreparation(ref: EventRef, bookingId: string, owner: string, nowMs: number, untilMs: number, force = false): Promise<boolean> {
    return this.live.submit(
      ref,
      (r) => ({ steps: [[claimPreparationStatement(r.id, bookingId, owner, nowMs, untilMs, force)]] }),
      ([rs]) => (rs?.rowsAffected ?? 0) > 0,
    );
  }

  /** Extends every preparation lease `owner` holds on this shard. */
  async renewPreparations(shard: string, owner: string, untilMs: number): Promise<void> {
    const writer = await this.router.writer(shard);
    await writer.submit({ steps: [[{ sql: RENEW_PREPARATION_SQL, args: [untilMs, owner] }]] });
  }

  /** Booking ids with a live hold on this shard, no checkout session yet and no live preparation lease. */
  async unprepared(shard: string, now: number, limit: number): Promise<string[]> {
    const db = await this.router.db(shard);
    const rs = await db.execute({ sql: UNPREPARED_HOLDS_SQL, args: [now, now, limit] });
    return rs.rows.map((r) => String(r.booking_id));
  }

  /** The holds of one booking on this shard. */
  async ofBooking(shard: string, bookingId: string): Promise<BookingHold[]> {
    const db = await this.router.db(shard);
    const rs = await db.execute({ sql: HOLDS_OF_BOOKING_SQL, args: [bookingId] });
    return rs.rows.map((r) => ({
      ...toHoldRow(r),
      eventId: Number(r.event_id),
      date: r.date == null ? null : String(r.date),
      sealedCheckoutEmail: r.sealed_checkout_email == null ? null : String(r.sealed_checkout_email),
    }));
  }
}
