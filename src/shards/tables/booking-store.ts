import type { ShardRouter } from '../shard-router';
import { type BookingOutcome, type BookingWrite, buildBookingJob, buildCompensationJob } from './booking-statements';
import type { EventRef } from './event-tables';
import { emailRelease } from './email-outbox';
import { webhookRelease } from './webhook-outbox';

export interface BookedStep {
  outcome: BookingOutcome;
  /** Places still free after this write (per date for daily events); null when unknown. */
  remaining: number | null;
}

/**
 * One booking step on one shard: builds its statements, queues them on the shard's single
 * writer (group commit), and decodes what came back. Services see outcomes, never SQL results.
 */
export class BookingStore {
  constructor(private readonly router: Pick<ShardRouter, 'writer'>) {}

  async book(ref: EventRef, write: BookingWrite): Promise<BookedStep> {
    const writer = await this.router.writer(ref.shard);
    const built = buildBookingJob(write, writer.chainsSteps);
    // If the shard stalls and the buyer hears 503 before this commits, the writer undoes it
    // afterwards: only this attempt's attendee (by its created_at), never an earlier attempt
    // with the same booking id that a buyer was already told about.
    const undo = () => buildCompensationJob(ref.id, write.bookingId, write.nowIso, { onlyCreatedAt: write.nowIso, reason: 'stalled' });
    const results = await writer.submit({ ...built.job, onAbandon: undo });
    return { outcome: built.outcome(results), remaining: built.remaining(results) };
  }

  /** Undoes a step (idempotent, keyed by the booking id): tickets back, attendee and its webhooks gone. */
  async cancel(ref: EventRef, bookingId: string, nowIso: string): Promise<void> {
    const writer = await this.router.writer(ref.shard);
    const job = buildCompensationJob(ref.id, bookingId, nowIso);
    // A compensation that meets a stalled shard still has to happen: the writer runs it later.
    await writer.submit({ ...job, onAbandon: job });
  }

  /** Every step of the booking committed: its held-back webhooks may go at once. */
  async releaseWebhooks(ref: EventRef, bookingId: string, nowMs: number): Promise<void> {
    const writer = await this.router.writer(ref.shard);
    await writer.submit({ steps: [[webhookRelease(ref.id, bookingId, nowMs)]] });
  }

  /** Every step of the booking committed: its held-back confirmation email may go at once. */
  async releaseEmails(ref: EventRef, bookingId: string, nowMs: number): Promise<void> {
    const writer = await this.router.writer(ref.shard);
    await writer.submit({ steps: [[emailRelease(ref.id, bookingId, nowMs)]] });
  }
}
