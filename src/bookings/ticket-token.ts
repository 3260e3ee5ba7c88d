import { randomToken } from '../crypto';

/**
 * Ticket tokens are `<event id in base36>.<128 random bits>`: opaque to buyers, yet they
 * carry the event id so `/t/:token` needs one catalog look-up (event → shard), never a scan
 * of every shard. Only an HMAC of the token is stored for look-up.
 */
export function newTicketToken(eventId: number): string {
  return `${eventId.toString(36)}.${randomToken(16)}`;
}

const TOKEN = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

export function eventIdOfToken(token: string): number | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const id = Number.parseInt(m[1]!, 36);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * What a door scanner read: a bare token, or a ticket's URL (`…/checkin/<token>` in the QR
 * code, or `…/t/<token>`). Only the first token of a `t1+t2` link counts: one QR, one ticket.
 */
export function tokenFromScan(text: string): string | null {
  const s = text.trim();
  const m = /\/(?:checkin|t)\/([^/?#\s]+)/.exec(s);
  const candidate = (m ? decodeURIComponent(m[1]!) : s).split(/[+ ]/)[0] ?? '';
  return eventIdOfToken(candidate) === null ? null : candidate;
}
