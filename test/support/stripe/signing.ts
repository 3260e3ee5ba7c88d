import { createHmac } from 'node:crypto';

/**
 * Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where
 * the HMAC is keyed by the endpoint's whole `whsec_…` string (not a decoding of it) and covers
 * `<t>.<raw body>`. Receivers must verify the exact bytes, which is why deliveries are sent
 * pretty-printed like Stripe's: a receiver that re-serialises parsed JSON fails verification.
 */
export function signatureHeader(rawBody: string, secret: string, timestamp: number): string {
  const t = Math.floor(timestamp);
  const v1 = createHmac('sha256', secret).update(`${t}.${rawBody}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}
