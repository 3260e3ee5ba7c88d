import { createHash } from 'node:crypto';
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

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed is never ambiguous. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function readableCode(label: string, value: string): string {
  const digest = createHash('sha256').update(label).update('\0').update(value).digest();
  let out = '';
  for (let i = 0; i < 8; i++) out += CROCKFORD[digest[i]! & 31];
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/**
 * "K7QF-2M9D": printed under a ticket's QR code so door staff can compare it with what
 * their scanner shows, or read it out. Derived from the token; it reveals nothing of it.
 */
export const ticketShortCode = (token: string): string => readableCode('ticket', token);

/** "BK-K7QF-2M9D": the booking reference shown on the confirmation, the ticket and the email. */
export const bookingReference = (bookingId: string): string => `BK-${readableCode('booking', bookingId)}`;
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
