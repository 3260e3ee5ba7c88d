import { type Response, Router } from 'express';
import { EMBED_FRAME_JS, EMBED_JS, MULTI_FIELDS_JS, PAY_POPUP_JS, PAYMENT_POLL_JS, RETRY_JS } from '../public/scripts';

const YEAR_SECONDS = 31_536_000;
const HOUR_SECONDS = 3_600;

function sendScript(res: Response, body: string, maxAgeSeconds: number): void {
  res.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}${maxAgeSeconds === YEAR_SECONDS ? ', immutable' : ''}`);
  res.type('application/javascript').send(body);
}

/** Scripts of the public pages. embed.js is loaded by other sites, so its name and URL never change: short cache. */
export function publicAssetRoutes(): Router {
  const router = Router();
  router.get('/assets/retry.js', (_req, res) => sendScript(res, RETRY_JS, YEAR_SECONDS));
  router.get('/assets/multi-fields.js', (_req, res) => sendScript(res, MULTI_FIELDS_JS, HOUR_SECONDS));
  router.get('/assets/payment-poll.js', (_req, res) => sendScript(res, PAYMENT_POLL_JS, YEAR_SECONDS));
  router.get('/assets/pay-popup.js', (_req, res) => sendScript(res, PAY_POPUP_JS, HOUR_SECONDS));
  router.get('/assets/embed-frame.js', (_req, res) => sendScript(res, EMBED_FRAME_JS, HOUR_SECONDS));
  router.get('/embed.js', (_req, res) => {
    // helmet's default CORP (same-origin) would stop organisers' pages from loading it.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    sendScript(res, EMBED_JS, HOUR_SECONDS);
  });
  return router;
}
