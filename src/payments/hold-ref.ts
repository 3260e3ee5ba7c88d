/**
 * The public id of a paid booking's holds: its events (base36 ids, to reach their shards
 * with one directory look-up each) and the booking id, e.g. `k3.k4~0b9f…`. The booking id is
 * random (or derived from the buyer's Idempotency-Key and body), so the id is a capability
 * of the buyer who got it, like a ticket token.
 */
export interface HoldRef {
  bookingId: string;
  eventIds: number[];
}

const REF = /^([0-9a-z]{1,12}(?:\.[0-9a-z]{1,12}){0,19})~([A-Za-z0-9_-]{8,128})$/;

export const formatHoldRef = (r: HoldRef): string => `${r.eventIds.map((id) => id.toString(36)).join('.')}~${r.bookingId}`;

export function parseHoldRef(text: unknown): HoldRef | null {
  if (typeof text !== 'string') return null;
  const m = REF.exec(text);
  if (!m) return null;
  const eventIds = m[1]!.split('.').map((s) => Number.parseInt(s, 36));
  if (!eventIds.every((id) => Number.isSafeInteger(id) && id > 0)) return null;
  return { bookingId: m[2]!, eventIds };
}
