import type { RootKeyring } from '../crypto';
import { webhookPayloadContext } from '../crypto/contexts';

/**
 * The body a webhook-outbox row sends: its sealed payload opened, with the row's payment facts
 * (a paid booking's price_paid, currency, payment_id: plain JSON, no personal data) laid over
 * it. A paid booking's payload was sealed at hold time and copied into the outbox by the
 * finalising transaction as is, so finalising reads nothing before its one write batch.
 * Throws when the payload cannot be opened.
 */
export function webhookBodyOf(keyring: RootKeyring, row: { payload: string; paymentFacts: string | null; bookingId: string }): string {
  const body = keyring.openSecret(row.payload, webhookPayloadContext(row.bookingId));
  if (!row.paymentFacts) return body;
  return JSON.stringify({ ...(JSON.parse(body) as object), ...(JSON.parse(row.paymentFacts) as object) });
}
