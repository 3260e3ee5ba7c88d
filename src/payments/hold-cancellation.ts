import type { Reservations } from '../bookings/reservation';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { EventSnapshots } from '../events/event-snapshots';
import { AppError } from '../errors';
import type { Infra } from '../infra/infra';
import type { HoldStore } from '../shards/tables/hold-store';
import { messages } from './checkout-service';
import { parseHoldRef } from './hold-ref';
import { CHECKOUT_ID, type GatewayFactory } from './payment-gateway';
import { credentialForObject } from './provider-gateways';

export type HoldCancellationDeps = Pick<Infra, 'keyring' | 'directory' | 'organisers' | 'router'> & {
  reservations: Pick<Reservations, 'releasedEvent'>;
  /** Where each event lives now (another process may have moved it since this one cached the directory). */
  snapshots: Pick<EventSnapshots, 'where'>;
  holds: Pick<HoldStore, 'find' | 'ofSession' | 'release'>;
  gateways: GatewayFactory;
};

/** The buyer's way out of a paid booking (the checkout's cancel link): holds released, the session closed. */
export class HoldCancellation {
  constructor(private readonly deps: HoldCancellationDeps) {}

  /** The buyer gave up (Stripe's cancel link): the places go back at once and the session is closed. */
  async cancel(refText: string): Promise<{ eventSlug: string | null }> {
    const ref = parseHoldRef(refText);
    if (!ref) throw new AppError('not_found', messages.noHold);
    const cached = (await Promise.all(ref.eventIds.map((id) => this.deps.directory.resolveId(id)))).filter((e): e is DirectoryEntry => e !== undefined);
    const entries = await Promise.all(cached.map((e) => this.deps.snapshots.where(e)));
    let sessionId: string | null = null;
    for (const entry of entries) sessionId ??= (await this.deps.holds.find(entry, ref.bookingId))?.sessionId ?? null;
    return this.releaseAll(entries, ref.bookingId, sessionId);
  }

  /**
   * `GET /payment/cancel?session_id=…` alone: the holds are found by the session id they
   * store (every shard, by index), so the organiser and the booking come from our own rows,
   * never from the client. The session id is as unguessable as a hold id; an unknown one
   * releases nothing.
   */
  async cancelSession(sessionId: string): Promise<{ eventSlug: string | null }> {
    if (!CHECKOUT_ID.test(sessionId)) throw new AppError('not_found', messages.noHold);
    const shards = (await this.deps.router.refresh()).filter((s) => s.status !== 'retired');
    const found = (await Promise.all(shards.map(async (s) => (await this.deps.holds.ofSession(s.name, sessionId)).map((h) => ({ ...h, shard: s.name }))))).flat();
    const bookingId = found[0]?.bookingId;
    if (!bookingId) throw new AppError('not_found', messages.noHold);
    const entries: DirectoryEntry[] = [];
    for (const h of found) {
      if (h.bookingId !== bookingId) continue;
      const cached = await this.deps.directory.resolveId(h.eventId);
      const entry = cached && (await this.deps.snapshots.where(cached));
      // A copy left on a shard the event moved away from is not the hold.
      if (entry && entry.shard === h.shard && !entries.some((e) => e.id === entry.id)) entries.push(entry);
    }
    if (entries.length === 0) throw new AppError('not_found', messages.noHold);
    return this.releaseAll(entries, bookingId, sessionId);
  }

  private async releaseAll(entries: DirectoryEntry[], bookingId: string, sessionId: string | null): Promise<{ eventSlug: string | null }> {
    for (const entry of entries) {
      if (await this.deps.holds.release(entry, bookingId)) this.deps.reservations.releasedEvent(entry.id);
    }
    const organiserId = entries[0]?.organiserId;
    if (sessionId && organiserId !== undefined) {
      const organiser = await this.deps.organisers.get(organiserId);
      const key = organiser ? credentialForObject(this.deps.keyring, organiser, sessionId) : null;
      // Best effort: a session that stays open past its hold is expired by the sweeper, and a late payment is refunded.
      if (key) await this.deps.gateways(key).expireSession(sessionId).catch(() => undefined);
    }
    return { eventSlug: entries[0]?.slug ?? null };
  }
}
