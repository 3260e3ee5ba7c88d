import type { RequestHandler } from 'express';

/** Ad and campaign tags that only fragment caches and analytics of a page (the seed strips the same). */
const TRACKING = /^(utm_.*|fbclid|gclid|gad_source)$/i;

/**
 * A GET carrying tracking parameters gets a 301 to the same URL without them; every other
 * parameter is kept in its order. Shared links then point at one canonical address.
 */
export const stripTrackingParams: RequestHandler = (req, res, next) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return next();
  const q = req.originalUrl.indexOf('?');
  if (q < 0) return next();
  const params = new URLSearchParams(req.originalUrl.slice(q + 1));
  const keys = [...params.keys()];
  if (!keys.some((k) => TRACKING.test(k))) return next();
  for (const k of new Set(keys)) if (TRACKING.test(k)) params.delete(k);
  const rest = params.toString();
  res.redirect(301, `${req.originalUrl.slice(0, q)}${rest ? `?${rest}` : ''}`);
};
