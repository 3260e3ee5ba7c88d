import { webhookEnvelope } from '../bookings/webhook-payload';
import { randomUUID } from 'node:crypto';
import type { Reservations } from '../bookings/reservation';
import { webhookTargets } from '../bookings/webhook-targets';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { RefundJobStore } from '../catalog/refund-job-store';
import { webhookPayloadContext } from '../crypto/contexts';
import type { EventRecord } from '../domain/events/event';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import type { Infra } from '../infra/infra';
import { formatMoney } from '../lib/money';
import type { AttendeeStore } from '../shards/tables/attendee-store';
import type { RefundStore } from '../shards/tables/refund-store';
import type { WebhookToSend } from '../shards/tables/webhook-outbox';
import { type GatewayFactory, PaymentRefusedError, PaymentRetryableError } from './payment-gateway';
import { credentialForObject } from './provider-gateways';

/** A provider that does not answer is the buyer-facing 503 "try again"; one that refuses is a conflict the admin can read. */
async function providerCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof PaymentRetryableError) throw new AppError('busy', 'The payment provider did not answer. Please try again in a moment.', { retryAfterSeconds: 5 });
    if (e instanceof PaymentRefusedError) throw new AppError('conflict', `The payment provider refused: ${e.message}`);
    throw e;
  }
}

export const refundMessages = {
  noAttendee: 'No such attendee for this event.',
  alreadyRefunded: 'This attendee was already refunded.',
  nothingPaid: 'This attendee paid nothing, so there is nothing to refund.',
  noJob: 'There is no such refund job.',
  noProvider: 'Payments are not set up for this organiser any more, so the payment cannot be checked.',
};

/** What "refresh payment" found: the provider's figures, and whether the attendee is now marked refunded. */
export interface PaymentRefresh {
  attendeeId: number;
  /** The whole payment, as the provider reports it (minor units). */
  amount: number;
  refunded: number;
  /** The attendee is marked refunded (now or before). */
  attendeeRefunded: boolean;
  /** This call marked them. */
  changed: boolean;
}

export interface RefundJobView {
  id: string;
  event: string;
  status: 'running' | 'done' | 'failed';
  /** Paid attendees the job set out to refund. */
  total: number;
  /** Refunds decided and queued for Stripe. */
  refunded: number;
  /** Of those, confirmed by Stripe. */
  confirmed: number;
  failed: number;
  error?: string;
}

interface Job extends Omit<RefundJobView, 'confirmed'> {
  organiserId: number;
  entry: DirectoryEntry;
  keys: string[];
  finishedAt: number | null;
}

export type RefundServiceDeps = Pick<Infra, 'keyring' | 'config' | 'organisers' | 'logger' | 'directory'> & {
  jobs: RefundJobStore;
  gateways: GatewayFactory;
  events: EventService;
  attendees: AttendeeStore;
  store: RefundStore;
  reservations: Reservations;
};

/** Keeps finished jobs this long so their progress page still answers. */
const JOB_TTL_MS = 24 * 3600_000;

/**
 * Admin refunds: one attendee, or every paid attendee of an event as a background job with
 * progress. Each refund is one shard transaction (places freed, attendee marked, refund-outbox
 * row, log, `booking.refunded` webhooks); the refund worker then calls Stripe until it confirms.
 * A job is recorded in the catalog before it starts, and finished there once every attendee it
 * set out to refund was refunded: one that a crash or shutdown interrupted (or that could not
 * queue some refunds) is taken up again at the next start under the same id, skipping those
 * already refunded. Its progress figures live in this process.
 */
export class RefundService {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: RefundServiceDeps) {}

  async refundOne(organiserId: number, slug: string, attendeeId: number): Promise<void> {
    const { entry, event } = await this.deps.events.get(organiserId, slug);
    await this.refundAttendee(organiserId, entry, event, attendeeId, true);
  }

  /**
   * The seed's "refresh": asks the provider about the attendee's payment. When the whole payment
   * was refunded there (say in Stripe's dashboard), the attendee is marked refunded with their
   * places freed and a `booking.refunded` webhook, as for a refund made here, but no refund is
   * sent. A partial refund cannot be pinned on one attendee of a shared payment, so it only
   * reports the figures.
   */
  async refreshPayment(organiserId: number, slug: string, attendeeId: number): Promise<PaymentRefresh> {
    const { entry, event } = await this.deps.events.get(organiserId, slug);
    const row = await this.deps.attendees.find(entry, { id: attendeeId });
    if (!row) throw new AppError('not_found', refundMessages.noAttendee);
    if (row.pricePaid <= 0 || !row.paymentId) throw new AppError('conflict', refundMessages.nothingPaid);
    const organiser = await this.deps.organisers.get(organiserId);
    const credential = organiser ? credentialForObject(this.deps.keyring, organiser, row.paymentId) : null;
    if (!credential) throw new AppError('conflict', refundMessages.noProvider);
    const status = await providerCall(() => this.deps.gateways(credential).refundStatus(row.paymentId!));
    const whole = status.amount > 0 && status.refunded >= status.amount;
    const changed = !row.refunded && whole && (await this.refundAttendee(organiserId, entry, event, row.id, false, true)) !== null;
    return { attendeeId: row.id, amount: status.amount, refunded: status.refunded, attendeeRefunded: row.refunded || changed, changed };
  }

  private async refundAttendee(organiserId: number, entry: DirectoryEntry, event: EventRecord, attendeeId: number, loud: boolean, refundedByProvider = false): Promise<string | null> {
    const row = await this.deps.attendees.find(entry, { id: attendeeId });
    if (!row) throw new AppError('not_found', refundMessages.noAttendee);
    if (row.refunded) {
      if (loud) throw new AppError('conflict', refundMessages.alreadyRefunded);
      return null;
    }
    if (row.pricePaid <= 0 || !row.paymentId) {
      if (loud) throw new AppError('conflict', refundMessages.nothingPaid);
      return null;
    }
    const organiser = await this.deps.organisers.get(organiserId);
    const now = new Date();
    const key = `admin-refund-${entry.id}-${row.id}`;
    const urls = organiser ? webhookTargets([event], organiser)[0]! : [];
    const payload = JSON.stringify({
      ...webhookEnvelope('booking.refunded', `${row.bookingId}_${row.id}`, now),
      event_type: 'booking.refunded',
      booking_id: row.bookingId,
      event_name: event.name,
      event_slug: event.slug,
      quantity: row.quantity,
      date: row.date,
      price_paid: row.pricePaid,
      amount_refunded: row.pricePaid,
      currency: event.currency,
      payment_id: row.paymentId,
      timestamp: now.toISOString(),
    });
    const webhooks: WebhookToSend[] = urls.map((url) => ({
      eventId: entry.id,
      bookingId: row.bookingId,
      url,
      sealedPayload: this.deps.keyring.sealSecret(payload, webhookPayloadContext(row.bookingId)),
      dueAt: now.getTime(),
      nowMs: now.getTime(),
    }));
    const done = await this.deps.store.refundAttendee(entry, {
      eventId: entry.id,
      attendeeId: row.id,
      key,
      logMessage: `${refundedByProvider ? 'Marked refunded (the payment provider reports the payment refunded):' : 'Refunded'} ${formatMoney(row.pricePaid, event.currency)} for ${row.quantity} ticket${row.quantity === 1 ? '' : 's'} (attendee #${row.id})`,
      webhooks,
      refundedByProvider,
      nowIso: now.toISOString(),
      nowMs: now.getTime(),
    });
    if (!done) {
      if (loud) throw new AppError('conflict', refundMessages.alreadyRefunded);
      return null;
    }
    this.deps.reservations.releasedEvent(entry.id);
    return key;
  }

  /** Starts refunding every paid attendee of the event; returns the job to poll. */
  async startRefundAll(organiserId: number, slug: string): Promise<{ id: string }> {
    const { entry, event } = await this.deps.events.get(organiserId, slug);
    // One job per event at a time: asking again while it runs (a double click, a resumed job)
    // answers with the running job rather than racing it over the same attendees.
    const running = this.runningFor(entry.id);
    if (running) return { id: running.id };
    // Registered before the next await, so a second request at the same moment finds it.
    const job = this.register(randomUUID(), organiserId, entry, event);
    try {
      await this.deps.jobs.started({ id: job.id, eventId: entry.id, organiserId });
    } catch (e) {
      this.jobs.delete(job.id);
      throw e;
    }
    await this.run(job, entry, event);
    return { id: job.id };
  }

  /** Takes up every job an earlier process left unfinished (called once at start-up). */
  async resumeUnfinished(): Promise<number> {
    const rows = await this.deps.jobs.unfinished();
    for (const row of rows) {
      const found = await this.deps.directory.resolveId(row.eventId);
      if (!found || found.status === 'deleted') {
        await this.deps.jobs.finished(row.id); // the event is gone, and its attendees with it
        continue;
      }
      const { entry, event } = await this.deps.events.get(row.organiserId, found.slug);
      if (this.runningFor(entry.id)) continue; // already under way in this process
      this.deps.logger.info({ job: row.id, event: event.slug }, 'refunds.job_resumed');
      await this.run(this.register(row.id, row.organiserId, entry, event), entry, event);
    }
    return rows.length;
  }

  private runningFor(eventId: number): Job | undefined {
    for (const j of this.jobs.values()) if (j.entry.id === eventId && j.status === 'running') return j;
    return undefined;
  }

  private register(id: string, organiserId: number, entry: DirectoryEntry, event: EventRecord): Job {
    this.prune();
    const job: Job = { id, event: event.slug, status: 'running', total: 0, refunded: 0, failed: 0, organiserId, entry, keys: [], finishedAt: null };
    this.jobs.set(job.id, job);
    return job;
  }

  /** Lists the attendees to refund now, then refunds them one by one in the background. */
  private async run(job: Job, entry: DirectoryEntry, event: EventRecord): Promise<void> {
    const { id, organiserId } = job;
    let ids: number[];
    try {
      ids = await this.deps.store.refundableIds(entry);
    } catch (e) {
      job.status = 'failed';
      job.error = 'The attendees to refund could not be read; run the refund again.';
      job.finishedAt = Date.now();
      throw e;
    }
    job.total = ids.length;
    void (async () => {
      for (const attendeeId of ids) {
        try {
          const key = await this.refundAttendee(organiserId, entry, event, attendeeId, false);
          if (key) {
            job.refunded++;
            job.keys.push(key);
          }
        } catch (e) {
          job.failed++;
          this.deps.logger.warn({ err: e instanceof Error ? e.message : String(e), event: event.slug }, 'refunds.attendee_failed');
        }
      }
      job.status = job.failed > 0 ? 'failed' : 'done';
      if (job.failed > 0) job.error = `${job.failed} refund(s) could not be queued; run the refund again to retry them.`;
      else await this.deps.jobs.finished(id).catch((e) => this.deps.logger.warn({ err: e instanceof Error ? e.message : String(e), job: id }, 'refunds.job_not_marked_finished'));
      job.finishedAt = Date.now();
    })();
  }

  async job(organiserId: number, id: string): Promise<RefundJobView> {
    const job = this.jobs.get(id);
    if (!job || job.organiserId !== organiserId) throw new AppError('not_found', refundMessages.noJob);
    const { organiserId: _o, entry, keys, finishedAt: _f, ...view } = job;
    return { ...view, confirmed: await this.deps.store.confirmed(entry, keys) };
  }

  private prune(): void {
    const cutoff = Date.now() - JOB_TTL_MS;
    for (const [id, j] of this.jobs) if (j.finishedAt !== null && j.finishedAt < cutoff) this.jobs.delete(id);
  }
}
