/** Backoff after the Nth failed attempt (1-based); the last step repeats until MAX_ATTEMPTS. */
export const RETRY_LADDER_MS = [10_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000];
export const MAX_ATTEMPTS = 12;
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claimed row is someone's for this long; a crashed worker's rows come back after it. */
export const LEASE_MS = 60_000;

export type DeliveryResult = { ok: true } | { ok: false; error: string; permanent: boolean };

export const backoffMs = (attempts: number): number => RETRY_LADDER_MS[Math.min(attempts, RETRY_LADDER_MS.length) - 1] ?? RETRY_LADDER_MS[0]!;

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
