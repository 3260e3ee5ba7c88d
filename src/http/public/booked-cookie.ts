import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { RootKeyring } from '../../crypto';
import { bookedCookieContext } from '../../crypto/contexts';

const NAME = 'booked';
const PATH = '/ticket/reserved';
const MAX_AGE_SECONDS = 30 * 60;

/** What only the browser that booked may see on its confirmation: never in the URL, never on a ticket. */
export interface BookedDetails {
  bookingId: string;
  name: string;
  email: string | null;
  /** Whether a confirmation email was queued. */
  emailed: boolean;
}

/**
 * A sealed (ROOT_KEY), HttpOnly cookie scoped to the confirmation page for 30 minutes. The
 * ticket links are shareable, so the page shows the buyer's name and address only to the
 * browser that booked; anyone else with the link sees the booking without them.
 */
export function setBookedCookie(req: Request, res: Response, keyring: RootKeyring, d: BookedDetails): void {
  const sealed = keyring.sealSecret(JSON.stringify({ ...d, exp: Date.now() + MAX_AGE_SECONDS * 1000 }), bookedCookieContext);
  res.append('Set-Cookie', stringifySetCookie(NAME, sealed, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: PATH, maxAge: MAX_AGE_SECONDS }));
}

/** The details, if this browser booked exactly this booking in the last 30 minutes. */
export function readBookedCookie(req: Request, keyring: RootKeyring, bookingId: string): BookedDetails | null {
  const raw = req.headers.cookie ? parseCookie(req.headers.cookie)[NAME] : undefined;
  if (!raw) return null;
  try {
    const d = JSON.parse(keyring.openSecret(raw, bookedCookieContext)) as BookedDetails & { exp: number };
    if (d.bookingId !== bookingId || !(d.exp > Date.now())) return null;
    return { bookingId: d.bookingId, name: String(d.name), email: d.email === null ? null : String(d.email), emailed: Boolean(d.emailed) };
  } catch {
    return null;
  }
}
