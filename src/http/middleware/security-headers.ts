import type { RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * Where any form may post (or be redirected after posting): us, Stripe Checkout, and Square's
 * hosted checkout (a payment link's short URL on square.link redirects to checkout.square.site;
 * the sandbox has its own hosts). The seed left Square's out, so its booking form could not
 * reach the payment page in a browser that enforces form-action on redirects.
 */
const FORM_ACTION = ["'self'", 'https://checkout.stripe.com', 'https://square.link', 'https://checkout.square.site', 'https://sandbox.square.link', 'https://checkout.squareupsandbox.com'];

/**
 * helmet with a real CSP: only our own scripts, styles and images (QR codes are inline SVG),
 * forms may post to us and to the providers' checkouts, and no page may be framed unless it opts in.
 */
export const helmetHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'font-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': FORM_ACTION,
      'frame-ancestors': ["'none'"],
    },
  },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  crossOriginEmbedderPolicy: false,
});

/**
 * The headers helmet sets for this configuration, read once at start-up: they are the same
 * for every request (no nonces), and asking helmet's dozen middlewares again on each of
 * thousands of bookings a second is work with a known answer.
 */
function headersOf(middleware: typeof helmetHeaders): { set: Array<[string, string]>; removed: string[] } {
  const headers = new Map<string, string>();
  const removed = new Set<string>();
  const res = {
    setHeader: (name: string, value: string) => {
      headers.set(name, value);
      removed.delete(name);
    },
    removeHeader: (name: string) => {
      headers.delete(name);
      removed.add(name);
    },
  } as unknown as ServerResponse;
  let done = false;
  middleware({} as IncomingMessage, res, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be read once');
  return { set: [...headers], removed: [...removed] };
}

const SECURITY_HEADERS = headersOf(helmetHeaders);

export const securityHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of SECURITY_HEADERS.set) res.setHeader(name, value);
  for (const name of SECURITY_HEADERS.removed) res.removeHeader(name);
  next();
};

/**
 * Booking pages may be embedded by the organiser's own sites: replace frame-ancestors with
 * their embed hosts (or any site when none are configured, as the seed does) and drop XFO.
 */
export function allowFraming(res: Response, embedHosts: string[]): void {
  const ancestors = embedHosts.length > 0 ? `'self' ${embedHosts.map((h) => `https://${h}`).join(' ')}` : '*';
  const csp = String(res.getHeader('Content-Security-Policy') ?? '');
  res.setHeader('Content-Security-Policy', csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${ancestors}`));
  res.removeHeader('X-Frame-Options');
}

/**
 * Browsers apply form-action to the redirects that follow a form POST too, so a booking form
 * whose success redirect leaves for an event's https thank-you page must list that origin.
 * Exactly those origins are added, on that response only.
 */
export function allowFormTargets(res: Response, origins: string[]): void {
  const extra = [...new Set(origins)].filter((o) => !FORM_ACTION.includes(o));
  if (extra.length === 0) return;
  const csp = String(res.getHeader('Content-Security-Policy') ?? '');
  res.setHeader('Content-Security-Policy', csp.replace(/form-action [^;]*/, `form-action ${[...FORM_ACTION, ...extra].join(' ')}`));
}
