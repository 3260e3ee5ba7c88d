import { SAGA_WEBHOOK_GRACE_MS } from '../bookings/booking-service';
import type { Reservations } from '../bookings/reservation';
import { webhookTargets } from '../bookings/webhook-targets';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { Organiser } from '../catalog/organiser-store';
import { ticketTokenContext } from '../crypto/contexts';
import type { EventRecord } from '../domain/events/event';
import { AppError } from '../errors';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Infra } from '../infra/infra';
import { formatMoney } from '../lib/money';
import type { HoldStore } from '../shards/tables/hold-store';
import { EventNotLiveError } from '../shards/tables/live-event-guard';
import type { RefundStore } from '../shards/tables/refund-store';
import type { PaidPart, PartOutcome } from '../shards/tables/payment-statements';
import { type CheckoutMetadata, readCheckoutMetadata } from './checkout-metadata';
import { parseHoldRef } from './hold-ref';
import { credentialForObject } from './provider-gateways';
import { CHECKOUT_ID, type CheckoutSession, type GatewayFactory, PaymentRefusedError } from './payment-gateway';

export type Finalised =
  /** tickets: empty when the caller asked not to open the tokens (the webhook, which only answers 2xx). */
  | { kind: 'sold'; bookingId: string; tickets: Array<{ token: string; eventId: number; quantity: number }>; thankYouUrl: string | null }
  | { kind: 'refunded'; bookingId: string }
  | { kind: 'pending'; amount: number; currency: string };

export type FinaliseDeps = Pick<Infra, 'directory' | 'organisers' | 'keyring' | 'config' | 'metrics'> & {
  snapshots: EventSnapshots;
  holds: HoldStore;
  gateways: GatewayFactory;
  reservations: Reservations;
  refunds: RefundStore;
};

export const finaliseMessages = {
  notOurs: 'This payment is not for a booking of this site.',
  unknown: 'There is no booking waiting for this payment.',
  mismatch: 'The amount of this payment does not match its booking.',
};

interface Part {
  entry: DirectoryEntry;
  event: EventRecord;
  item: CheckoutMetadata['items'][number];
}

/**
 * Turns a paid Checkout Session into tickets, whichever of the signed webhook and the
 * success redirect arrives first: one shard transaction per shard of the booking (see
 * buildFinaliseJob). Repeats and concurrent deliveries get the same tickets back.
 */
export class FinalisePayment {
  constructor(private readonly deps: FinaliseDeps) {}

  /**
   * The booking and its parts, checked to be this organiser's: otherwise a 4xx, and nothing
   * written. `vanished`: items whose event was deleted since the hold (the booking is refunded).
   */
  private async partsOf(organiser: Organiser, session: CheckoutSession): Promise<{ meta: CheckoutMetadata; parts: Part[]; vanished: CheckoutMetadata['items'] }> {
    const meta = readCheckoutMetadata(session.metadata, this.deps.config.publicUrl);
    if (!meta || meta.organiserId !== organiser.id) throw new AppError('not_found', finaliseMessages.notOurs);
    const found = await Promise.all(
      meta.items.map(async (item) => {
        const entry = await this.deps.directory.resolveId(item.eventId);
        if (!entry) return { item, part: null };
        if (entry.organiserId !== organiser.id) throw new AppError('not_found', finaliseMessages.unknown);
        // Where the event lives now: another process may have moved it (this one's directory cache is stale).
        const located = await this.deps.snapshots.current(entry);
        return { item, part: located ? { entry: located.entry, event: located.event, item } : null };
      }),
    );
    const parts = found.flatMap((f) => (f.part ? [f.part] : []));
    // Nothing of the booking is left anywhere: there is no shard to decide a refund on.
    if (parts.length === 0) throw new AppError('not_found', finaliseMessages.unknown);
    return { meta, parts, vanished: found.filter((f) => !f.part).map((f) => f.item) };
  }

  async finalise(organiser: Organiser, session: CheckoutSession, opts: { openTokens?: boolean } = {}, retried = false): Promise<Finalised> {
    const { meta, parts, vanished } = await this.partsOf(organiser, session);
    if (!session.paid) return { kind: 'pending', amount: session.amountTotal, currency: session.currency };
    const expected = meta.items.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0);
    if (expected !== session.amountTotal) throw new AppError('invalid_request', finaliseMessages.mismatch);

    const now = new Date();
    const targets = webhookTargets(parts.map((p) => p.event), organiser);
    const byShard = new Map<string, Array<{ part: Part; index: number }>>();
    parts.forEach((part, index) => {
      const list = byShard.get(part.entry.shard) ?? [];
      list.push({ part, index });
      byShard.set(part.entry.shard, list);
    });
    // A vanished event's part is refunded on its own row, so the parts still here are refunded by amount too.
    const multiShard = byShard.size > 1 || vanished.length > 0;
    const outcomes: PartOutcome[] = new Array(parts.length);
    await Promise.all(
      [...byShard.entries()].map(async ([shard, list]) => {
        // One job of the shard's writer and nothing before it: the webhook payloads sealed at hold
        // time are copied into the outbox by SQL (test/integration/paid-finalise-round-trips).
        const paidParts: PaidPart[] = list.map(({ part, index }) => ({
          eventId: part.event.id,
          eventType: part.event.type,
          quantity: part.item.quantity,
          unitPrice: part.item.unitPrice,
          date: part.item.date,
          logMessage: `Paid booking of ${part.item.quantity} ticket${part.item.quantity === 1 ? '' : 's'}${part.item.date ? ` for ${part.item.date}` : ''} (${formatMoney(part.item.unitPrice * part.item.quantity, part.event.currency)})`,
          webhookUrls: targets[index]!,
        }));
        const results = await this.deps.holds.finalise(shard, {
          sessionId: session.id,
          bookingId: meta.bookingId,
          paymentId: session.paymentId,
          paymentFacts: JSON.stringify({ price_paid: session.amountTotal, currency: session.currency, payment_id: session.paymentId }),
          parts: paidParts,
          refundKey: `refund-${session.id}-${shard}`,
          refundAmount: multiShard ? paidParts.reduce((s, p) => s + p.unitPrice * p.quantity, 0) : null,
          emailDueAt: multiShard ? now.getTime() + SAGA_WEBHOOK_GRACE_MS : now.getTime(),
          nowMs: now.getTime(),
          nowIso: now.toISOString(),
        });
        list.forEach(({ index }, n) => {
          outcomes[index] = results[n]!;
        });
      }),
    );
    // A part's event is frozen for a move (nothing of that shard's parts was written): the
    // webhook or the return page tries again later. Moved away (this process's directory was
    // stale): re-resolve and finalise on the new shard, where the hold was copied to.
    const notLive = outcomes.filter((o): o is Extract<PartOutcome, { kind: 'not_live' }> => o.kind === 'not_live');
    if (notLive.length > 0) {
      if (!retried && notLive.some((o) => o.state === 'moved')) {
        outcomes.forEach((o, i) => {
          if (o.kind === 'not_live') this.deps.reservations.forget(parts[i]!.entry);
        });
        return this.finalise(organiser, session, opts, true);
      }
      throw new EventNotLiveError(notLive[0]!.state);
    }
    if (outcomes.every((o) => o.kind === 'unknown')) throw new AppError('not_found', finaliseMessages.unknown);
    if (vanished.length > 0 && session.paymentId) {
      const first = parts[0]!;
      await this.deps.refunds.queue(
        first.entry,
        {
          eventId: first.event.id,
          bookingId: meta.bookingId,
          paymentId: session.paymentId,
          amount: vanished.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0),
          reason: 'an event of the booking was deleted',
          key: `refund-${session.id}-vanished`,
          nowMs: now.getTime(),
        },
        'Automatic refund: another event of the same booking no longer exists',
        now.toISOString(),
      );
    }
    if (vanished.length > 0 || outcomes.some((o) => o.kind !== 'sold')) {
      // All or nothing across shards: a part that sold on its shard is refunded too (its own
      // amount; the parts that could not be honoured were refunded in their transactions).
      await Promise.all(
        outcomes.map(async (o, i) => {
          if (o.kind !== 'sold') return;
          const part = parts[i]!;
          await this.deps.refunds.refundAttendee(part.entry, {
            eventId: part.event.id,
            attendeeId: o.attendeeId,
            key: `refund-${session.id}-${part.event.id}`,
            logMessage: 'Automatic refund: another event of the same booking could not be honoured',
            webhooks: [],
            includeFree: true,
            nowIso: new Date().toISOString(),
            nowMs: Date.now(),
          });
        }),
      );
      for (const p of parts) this.deps.reservations.releasedEvent(p.event.id);
      return { kind: 'refunded', bookingId: meta.bookingId };
    }
    const sold = outcomes as Array<Extract<PartOutcome, { kind: 'sold' }>>;
    // Counted once, by the delivery that made the sale (repeats return the same tickets).
    sold.forEach((o, i) => {
      if (o.fresh) this.deps.metrics.ticketsSold.inc({ event: parts[i]!.event.slug }, o.quantity);
    });
    const tickets =
      opts.openTokens === false
        ? []
        : sold.map((o, i) => {
            const eventId = parts[i]!.event.id;
            return { token: this.deps.keyring.openSecret(o.sealedToken, ticketTokenContext(eventId)), eventId, quantity: o.quantity };
          });
    const thankYouUrl = parts.length === 1 ? parts[0]!.event.thankYouUrl : null;
    return { kind: 'sold', bookingId: meta.bookingId, tickets, thankYouUrl };
  }

  /** Stripe expired the session: the holds of that session give their places back. */
  async expired(organiser: Organiser, session: CheckoutSession): Promise<number> {
    const { meta, parts } = await this.partsOf(organiser, session);
    let released = 0;
    for (const p of parts) {
      if (await this.deps.holds.release(p.entry, meta.bookingId, { sessionId: session.id })) {
        released++;
        this.deps.reservations.releasedEvent(p.event.id);
      }
    }
    return released;
  }

  /** The success redirect: the session is fetched from Stripe with the key of the hold's organiser, never trusted from the URL. */
  async fromReturn(sessionId: string, holdRef: string): Promise<Finalised> {
    const ref = parseHoldRef(holdRef);
    if (!ref || !CHECKOUT_ID.test(sessionId)) throw new AppError('not_found', finaliseMessages.unknown);
    const entry = await this.deps.directory.resolveId(ref.eventIds[0]!);
    const organiser = entry ? await this.deps.organisers.get(entry.organiserId) : undefined;
    const key = organiser ? credentialForObject(this.deps.keyring, organiser, sessionId) : null;
    if (!organiser || !key) throw new AppError('not_found', finaliseMessages.unknown);
    let session: CheckoutSession;
    try {
      const gateway = this.deps.gateways(key);
      this.deps.metrics.paymentCalls.inc({ provider: gateway.provider, call: 'checkout.retrieve' });
      session = await gateway.retrieveSession(sessionId);
    } catch (e) {
      if (e instanceof PaymentRefusedError) throw new AppError('not_found', finaliseMessages.unknown);
      throw new AppError('busy', 'We could not reach the payment provider to confirm your payment. This page retries in a moment.', { retryAfterSeconds: 3 });
    }
    const meta = readCheckoutMetadata(session.metadata, this.deps.config.publicUrl);
    if (!meta || meta.bookingId !== ref.bookingId) throw new AppError('not_found', finaliseMessages.unknown);
    return this.finalise(organiser, session);
  }
}
