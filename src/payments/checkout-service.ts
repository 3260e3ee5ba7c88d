import type { TokenBuckets } from '../admission/token-bucket';
import { outcomeError } from '../bookings/booking-errors';
import type { Reservations, ReservedItem } from '../bookings/reservation';
import { runSaga } from '../bookings/saga';
import { ticketEmailSpec } from '../bookings/ticket-email-spec';
import { newTicketToken } from '../bookings/ticket-token';
import { registrationPayload } from '../bookings/webhook-payload';
import { webhookTargets } from '../bookings/webhook-targets';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { Organiser } from '../catalog/organiser-store';
import { checkoutEmailContext, emailBodyContext, ticketTokenContext, webhookPayloadContext } from '../crypto/contexts';
import type { AttendeeInput } from '../domain/bookings/booking-input';
import type { EventRecord } from '../domain/events/event';
import { AppError } from '../errors';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Infra } from '../infra/infra';
import { formatMoney } from '../lib/money';
import type { HoldRow } from '../shards/tables/hold-statements';
import type { HeldStep, HoldStore } from '../shards/tables/hold-store';
import { checkoutMetadata } from './checkout-metadata';
import { type CheckoutPreparer, PREPARE_LEASE_MS, type PrepareJob } from './checkout-preparer';
import { formatHoldRef, type HoldRef, parseHoldRef } from './hold-ref';
import { type CheckoutRequest, type GatewayFactory, PaymentRefusedError, PaymentRetryableError } from './payment-gateway';
import { paymentCredentialOf } from './provider-gateways';

export type PaidStart =
  | { kind: 'checkout'; holdId: string; checkoutUrl: string; holdExpiresAt: string }
  | { kind: 'preparing'; holdId: string; holdExpiresAt: string; statusUrl: string };

export type HoldStatus = (
  | { state: 'ready'; checkoutUrl: string; expiresAt: string; sessionId: string | null }
  | { state: 'preparing'; expiresAt: string; total: number; currency: string }
  | { state: 'paid' }
  | { state: 'expired' }
) & { organiserId: number };

export type CheckoutDeps = Pick<Infra, 'keyring' | 'config' | 'metrics' | 'directory' | 'organisers' | 'logger' | 'router'> & {
  reservations: Reservations;
  snapshots: EventSnapshots;
  holds: HoldStore;
  gateways: GatewayFactory;
  preparer: CheckoutPreparer;
  buckets: TokenBuckets;
};

export const messages = {
  expired: 'Your hold on these tickets has lapsed. Please book again.',
  alreadyPaid: 'This booking is already paid: your tickets are on their way.',
  providerRefused: 'We could not start the payment for this booking. Please try again later or contact the organiser.',
  noHold: 'There is no booking waiting for payment at this address.',
};

/** What a checkout needs of one event of the booking (a ReservedItem, or one rebuilt from its hold). */
interface CheckoutPart {
  entry: DirectoryEntry;
  event: Pick<EventRecord, 'id' | 'name' | 'slug'>;
  date: string | null;
}

/** Stripe refuses a Checkout Session that expires sooner than 30 minutes after creation. */
const SESSION_LIFETIME_S = 31 * 60;

/**
 * Paid bookings: reserve (resolve, check, admit, seal), hold every event on its shard
 * through group commit (a saga: all holds or none), then open one Checkout Session, at the
 * rate the organiser's Stripe account allows. Past the rate the buyer keeps the hold and
 * gets 202 with a status URL while the preparer creates the session.
 */
export class CheckoutService {
  private readonly resuming = new Set<string>();

  constructor(private readonly deps: CheckoutDeps) {}

  async book(items: ReservedItem[], attendee: AttendeeInput, bookingId: string): Promise<PaidStart> {
    const { reservations, keyring, config } = this.deps;
    const now = new Date();
    const organiser = await reservations.check(attendee, items, now, 'paid');
    const key = paymentCredentialOf(keyring, organiser);
    if (!key) throw new AppError('internal', 'a paid booking reached checkout without a Stripe key');
    await reservations.admit(items);
    let sealed: { pii: string; emailIndex: string | null };
    try {
      sealed = reservations.seal(organiser, attendee);
    } catch (e) {
      reservations.abandon(items);
      throw e;
    }
    const expiresAt = now.getTime() + organiser.holdMinutes * 60_000;
    const tokens = items.map((i) => newTicketToken(i.event.id));
    const targets = webhookTargets(items.map((i) => i.event), organiser);
    const payload = targets.some((t) => t.length > 0)
      ? keyring.sealSecret(
          JSON.stringify(registrationPayload(bookingId, attendee, items.map((i, n) => ({ event: i.event, quantity: i.quantity, date: i.date, token: tokens[n]! })), config.publicUrl, organiser.currency, organiser.businessEmail)),
          webhookPayloadContext(bookingId),
        )
      : null;

    // The confirmation, sealed now (the buyer's details exist in plaintext only during this
    // request), priced as held: finalisation moves it into the email outbox with the sale.
    const emailBody =
      config.mail && attendee.email
        ? keyring.sealSecret(
            JSON.stringify(
              ticketEmailSpec(bookingId, attendee.email, attendee.name, organiser, items.map((i, n) => ({ event: i.event, token: tokens[n]!, quantity: i.quantity, date: i.date, pricePaid: i.event.price * i.quantity }))),
            ),
            emailBodyContext(bookingId),
          )
        : null;
    // For a checkout rebuilt by another process or after a restart (resume): the PII envelope
    // opens only with the organiser's key, so Stripe's prefill gets its own ROOT_KEY seal.
    const checkoutEmail = attendee.email ? keyring.sealSecret(attendee.email, checkoutEmailContext(bookingId)) : null;
    const settled = new Set<number>();
    const steps = items.map((item, n) => ({
      invoke: async (): Promise<HeldStep> => {
        try {
          const step = await this.deps.holds.hold(item.entry, {
            eventId: item.event.id,
            eventType: item.event.type,
            bookingId,
            quantity: item.quantity,
            date: item.date,
            expiresAt,
            pii: sealed.pii,
            emailIndex: sealed.emailIndex,
            tokenIndex: keyring.blindIndex('ticket', tokens[n]!),
            sealedToken: keyring.sealSecret(tokens[n]!, ticketTokenContext(item.event.id)),
            webhookPayload: targets[n]!.length > 0 ? payload : null,
            emailBody: n === 0 ? emailBody : null,
            sealedCheckoutEmail: checkoutEmail,
            prepareOwner: this.deps.preparer.owner,
            prepareLeaseUntil: now.getTime() + PREPARE_LEASE_MS,
            nowIso: now.toISOString(),
          });
          reservations.settle(item, step.remaining);
          settled.add(n);
          return step;
        } catch (e) {
          reservations.settle(item, null);
          settled.add(n);
          throw e;
        }
      },
      compensate: async () => {
        if (await this.deps.holds.release(item.entry, bookingId)) reservations.released(item);
      },
    }));
    let saga: Awaited<ReturnType<typeof runSaga<HeldStep>>>;
    try {
      saga = await runSaga(steps, (s) => s.outcome.kind === 'refused');
    } finally {
      reservations.abandon(items.filter((_, n) => !settled.has(n)));
    }
    if (!saga.ok) {
      const item = items[saga.refusedAt]!;
      const outcome = saga.results[saga.refusedAt]!.outcome;
      if (outcome.kind !== 'refused') throw new AppError('internal', 'a refused hold reported no refusal');
      if (outcome.reason === 'moved' || outcome.reason === 'inactive' || outcome.reason === 'missing') reservations.forget(item.entry);
      if (outcome.reason === 'sold_out') this.deps.metrics.soldOut.inc({ event: item.event.slug });
      throw outcomeError(outcome.reason, item.event, item.date);
    }

    const holds = saga.results.map((s) => (s.outcome.kind === 'refused' ? undefined : s.outcome.hold)) as HoldRow[];
    const ref = formatHoldRef({ bookingId, eventIds: items.map((i) => i.event.id) });
    const holdExpiresAt = new Date(holds[0]!.expiresAt).toISOString();
    // A repeat of a booking already held (double submit, Idempotency-Key): answer what it got.
    if (holds.some((h) => h.status === 'converted')) throw new AppError('conflict', messages.alreadyPaid);
    if (holds.some((h) => h.status === 'released')) throw new AppError('conflict', messages.expired);
    const existing = holds.find((h) => h.checkoutUrl);
    if (existing?.checkoutUrl) return { kind: 'checkout', holdId: ref, checkoutUrl: existing.checkoutUrl, holdExpiresAt };

    const job = this.prepareJob(organiser, key, items, holds, attendee.email ?? null, { bookingId, eventIds: items.map((i) => i.event.id) }, undefined, attendee.phone ?? null);
    let url: string | null;
    try {
      url = await this.deps.preparer.startNow(job);
    } catch (e) {
      await job.failed('refused').catch(() => undefined);
      this.deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'checkout.create_failed');
      throw new AppError('conflict', messages.providerRefused);
    }
    if (url) return { kind: 'checkout', holdId: ref, checkoutUrl: url, holdExpiresAt };
    return { kind: 'preparing', holdId: ref, holdExpiresAt, statusUrl: this.statusUrl(ref) };
  }

  statusUrl(ref: string): string {
    return `${this.deps.config.publicUrl}/payment/status/${ref}`;
  }

  private prepareJob(organiser: Organiser, key: string, items: CheckoutPart[], holds: HoldRow[], customerEmail: string | null, ref: HoldRef, firstExpiresAtS?: number, customerPhone: string | null = null): PrepareJob {
    const { config } = this.deps;
    const holdId = formatHoldRef(ref);
    const gateway = this.deps.gateways(key);
    const lines = items
      .map((item, n) => ({ item, hold: holds[n]! }))
      .filter(({ hold }) => hold.unitPrice > 0)
      .map(({ item, hold }) => ({
        name: `Ticket: ${item.event.name}`,
        description: `${hold.quantity} ${hold.quantity === 1 ? 'Ticket' : 'Tickets'}${item.date ? ` for ${item.date}` : ''} at ${formatMoney(hold.unitPrice, hold.currency)}`,
        unitAmount: hold.unitPrice,
        quantity: hold.quantity,
      }));
    const metadata = checkoutMetadata(
      {
        bookingId: ref.bookingId,
        organiserId: organiser.id,
        hold: holdId,
        items: items.map((item, n) => ({ eventId: item.event.id, quantity: holds[n]!.quantity, unitPrice: holds[n]!.unitPrice, date: item.date })),
      },
      config.publicUrl,
      items.map((i) => i.event.slug),
    );
    const base = `${config.publicUrl}/payment`;
    let expiresAtS = firstExpiresAtS ?? Math.floor(Date.now() / 1000) + SESSION_LIFETIME_S + 4 * 60;
    /**
     * Bumped after a 5xx (PaymentRetryableError.keySpent). Stripe saves a 500 under its key once
     * execution began and replays it to every retry with that key, so the same key would keep
     * this buyer waiting until expires_at moved on. Every other failure keeps the key: after a
     * timeout the same key returns the session if it was made, a 409 means it is being made.
     *
     * Why a fresh key is safe here: the 5xx request may have made a session anyway (failed
     * after creating it), but its URL is only in the answer we never got, and Stripe sends it
     * nowhere else, so nobody can pay it; it expires at its expires_at (~35 minutes). Finding it
     * to expire it is not cheap (Stripe cannot list sessions by metadata), and not needed:
     * - a buyer is only ever given the URL of the session attached to the hold, and
     *   attachSession attaches only while the hold has none (or that one): any other session
     *   we are answered for the hold (another process's, a resume) is expired in `done`;
     * - finalisation (holds.finalise) claims a hold only for the session it recorded: a paid
     *   session the hold does not name sells nothing (only before any session is attached
     *   would one be taken, and an orphan cannot be paid, its URL having reached nobody).
     * The chain is deterministic (`…-g1`, `…-g2`), so two processes preparing the same booking
     * with the same expires_at send the same keys and Stripe deduplicates them.
     */
    let keyGeneration = 0;
    const request = (): CheckoutRequest => {
      const nowS = Math.floor(Date.now() / 1000);
      // The same parameters under the same idempotency key, until they would be refused as too short-lived.
      if (expiresAtS < nowS + SESSION_LIFETIME_S) {
        expiresAtS = nowS + SESSION_LIFETIME_S + 4 * 60;
        keyGeneration = 0; // a new expires_at starts a new chain of keys
      }
      return {
        currency: holds[0]!.currency,
        lines,
        metadata,
        successUrl: `${base}/success?session_id={CHECKOUT_SESSION_ID}&hold=${holdId}`,
        cancelUrl: `${base}/cancel?hold=${holdId}`,
        customerEmail,
        customerPhone,
        expiresAt: expiresAtS,
        idempotencyKey: `checkout-${ref.bookingId}-${expiresAtS}${keyGeneration === 0 ? '' : `-g${keyGeneration}`}`,
      };
    };
    return {
      // One preparation per booking, however it was reached (booking, status poll, recovery).
      ref: ref.bookingId,
      account: `organiser:${organiser.id}`,
      holdExpiresAt: holds[0]!.expiresAt,
      request,
      create: async (req) => {
        this.deps.metrics.paymentCalls.inc({ provider: gateway.provider, call: 'checkout.create' });
        try {
          return await gateway.createCheckout(req);
        } catch (e) {
          if (e instanceof PaymentRetryableError && e.keySpent) keyGeneration++;
          if (e instanceof PaymentRefusedError && e.idempotencyBug) {
            this.deps.logger.error({ booking: ref.bookingId, err: e.message }, 'checkout.idempotency_key_reused');
          }
          throw e;
        }
      },
      done: async (session) => {
        if (!session.url) throw new AppError('internal', 'Stripe returned a session without a URL');
        const attached = await Promise.all(items.map((item) => this.deps.holds.attachSession(item.entry, ref.bookingId, session.id, session.url!)));
        if (attached.every(Boolean)) return session.url;
        // A repeat of this booking (another process) attached its session first: close ours, so
        // nobody can pay a session no hold knows, and send the buyer to the one that counts.
        await gateway.expireSession(session.id).catch(() => undefined);
        const hold = await this.deps.holds.find(items[0]!.entry, ref.bookingId);
        if (!hold?.checkoutUrl) throw new AppError('conflict', messages.providerRefused);
        return hold.checkoutUrl;
      },
      failed: async () => {
        await Promise.all(
          items.map(async (item) => {
            if (await this.deps.holds.release(item.entry, ref.bookingId)) this.deps.reservations.releasedEvent(item.entry.id);
          }),
        );
      },
    };
  }

  /**
   * Queues the checkout of a booking whose holds are live but have no session, when this
   * process is not preparing it: its preparation was queued in memory by a process that is
   * gone (crash, restart). Rebuilt from the hold rows alone, so the buyer's status URL
   * yields a checkout URL. Only once the preparing process's lease lapsed (it renews it while
   * alive), claimed with a conditional update, so one process takes it; even so the
   * idempotency key is the same within a 10-minute window, and a hold keeps only the first
   * session attached (a second one is expired, see `done`). Returns whether it queued a job.
   */
  async resume(bookingId: string, now = Date.now()): Promise<boolean> {
    // One look at a booking at a time here (status polls and recovery passes overlap).
    if (this.deps.preparer.has(bookingId) || this.resuming.has(bookingId)) return false;
    this.resuming.add(bookingId);
    try {
      return await this.resumeNow(bookingId, now);
    } finally {
      this.resuming.delete(bookingId);
    }
  }

  private async resumeNow(bookingId: string, now: number): Promise<boolean> {
    const { preparer, router, holds, directory, organisers, keyring, snapshots } = this.deps;
    const shards = (await router.refresh()).filter((s) => s.status !== 'retired');
    const rows = (await Promise.all(shards.map(async (s) => (await holds.ofBooking(s.name, bookingId)).map((h) => ({ ...h, shard: s.name }))))).flat();
    const parts: Array<{ hold: (typeof rows)[number]; entry: DirectoryEntry }> = [];
    for (const hold of rows) {
      const entry = await directory.resolveId(hold.eventId);
      if (entry && entry.shard === hold.shard) parts.push({ hold, entry });
    }
    parts.sort((a, b) => a.entry.id - b.entry.id);
    // Sold, released or lapsed (the sweeper's): nothing to prepare.
    if (parts.length === 0 || parts.some((p) => p.hold.status !== 'held' || p.hold.expiresAt <= now)) return false;
    const attached = parts.find((p) => p.hold.sessionId && p.hold.checkoutUrl);
    if (attached) {
      // A crash between attaching the session to one part and the next: finish attaching.
      await Promise.all(parts.filter((p) => !p.hold.sessionId).map((p) => holds.attachSession(p.entry, bookingId, attached.hold.sessionId!, attached.hold.checkoutUrl!)));
      return false;
    }
    const organiser = await organisers.get(parts[0]!.entry.organiserId);
    if (!organiser || parts.some((p) => p.entry.organiserId !== organiser.id)) return false;
    const key = paymentCredentialOf(keyring, organiser);
    if (!key) return false;
    const events = await Promise.all(parts.map((p) => snapshots.get(p.entry)));
    // An event deleted meanwhile: the sweeper releases the holds when they lapse.
    if (events.some((e) => !e)) return false;
    // The lease on the booking's first part decides which process prepares it; the other parts follow.
    const until = now + PREPARE_LEASE_MS;
    if (!(await holds.claimPreparation(parts[0]!.entry, bookingId, preparer.owner, now, until))) return false;
    await Promise.all(parts.slice(1).map((p) => holds.claimPreparation(p.entry, bookingId, preparer.owner, now, until, true)));
    const windowS = 600;
    const firstExpiresAtS = Math.ceil((Math.floor(now / 1000) + SESSION_LIFETIME_S + 60) / windowS) * windowS;
    const job = this.prepareJob(
      organiser,
      key,
      parts.map((p, n) => ({ entry: p.entry, event: events[n]!, date: p.hold.date })),
      parts.map((p) => p.hold),
      this.checkoutEmailOf(bookingId, parts.map((p) => p.hold.sealedCheckoutEmail)),
      { bookingId, eventIds: parts.map((p) => p.entry.id) },
      firstExpiresAtS,
    );
    preparer.enqueue(job);
    return true;
  }

  /** The buyer's email sealed into the holds at hold time, for Stripe's prefill; null when none was given or it cannot be opened. */
  private checkoutEmailOf(bookingId: string, sealed: Array<string | null>): string | null {
    const first = sealed.find((s): s is string => s !== null);
    if (!first) return null;
    try {
      return this.deps.keyring.openSecret(first, checkoutEmailContext(bookingId));
    } catch {
      return null;
    }
  }

  /** What the buyer's "preparing payment" page shows. */
  async status(refText: string): Promise<HoldStatus> {
    const ref = parseHoldRef(refText);
    if (!ref) throw new AppError('not_found', messages.noHold);
    const entry = await this.deps.directory.resolveId(ref.eventIds[0]!);
    if (!entry) throw new AppError('not_found', messages.noHold);
    const hold = await this.deps.holds.find(entry, ref.bookingId);
    if (!hold) throw new AppError('not_found', messages.noHold);
    const organiserId = entry.organiserId;
    if (hold.status === 'converted') return { state: 'paid', organiserId };
    if (hold.status === 'released' || hold.expiresAt <= Date.now()) return { state: 'expired', organiserId };
    const expiresAt = new Date(hold.expiresAt).toISOString();
    if (hold.checkoutUrl) return { state: 'ready', checkoutUrl: hold.checkoutUrl, expiresAt, sessionId: hold.sessionId, organiserId };
    // Nobody here is preparing it (the process that queued it is gone): queue it again.
    if (!this.deps.preparer.has(ref.bookingId)) {
      this.resume(ref.bookingId).catch((err: unknown) => this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'checkout.resume_failed'));
    }
    // The whole booking's total: every event's part, as held (the hold of each on its shard).
    const others = await Promise.all(
      ref.eventIds.slice(1).map(async (id) => {
        const e = await this.deps.directory.resolveId(id);
        return e && e.organiserId === organiserId ? this.deps.holds.find(e, ref.bookingId) : undefined;
      }),
    );
    const total = [hold, ...others].reduce((sum, h) => sum + (h ? h.unitPrice * h.quantity : 0), 0);
    return { state: 'preparing', expiresAt, total, currency: hold.currency, organiserId };
  }
}
