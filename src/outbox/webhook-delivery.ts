import type { Attempt } from './leased-outbox';

export const DELIVERY_TIMEOUT_MS = 10_000;

export type DeliveryResult = Attempt;

/**
 * One POST of a webhook. 2xx is delivered; 410 Gone means the receiver asked us to stop;
 * anything else is retried later. Error texts carry status codes only, never the payload.
 */
export async function deliverWebhook(url: string, payload: string, headers: Record<string, string>): Promise<DeliveryResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Boxoffice-Webhooks/1', ...headers },
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.ok) return { ok: true };
    return { ok: false, error: `HTTP ${res.status}`, permanent: res.status === 410 };
  } catch (e) {
    const name = (e as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed';
    return { ok: false, error: name, permanent: false };
  }
}
