import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isPrivateLiteral, PrivateTargetError, publicOnlyLookup } from '../lib/webhook-address-policy';
import type { Attempt } from './leased-outbox';

export const DELIVERY_TIMEOUT_MS = 10_000;

export type DeliveryResult = Attempt;

export interface DeliveryOptions {
  /** WEBHOOK_ALLOW_PRIVATE: loopback/private/link-local targets allowed (development, tests). */
  allowPrivate: boolean;
  timeoutMs?: number;
}

const PRIVATE: DeliveryResult = { ok: false, error: 'refused: private address', permanent: false };

/**
 * One POST of a webhook. 2xx is delivered; 410 Gone means the receiver asked us to stop;
 * anything else is retried later. Error texts carry status codes only, never the payload.
 *
 * Unless private targets are allowed, the address is checked where it is used: a literal IP
 * before connecting, a name inside the socket's own DNS lookup (publicOnlyLookup), so a name
 * that resolved to a public address when saved and to 127.0.0.1 now (DNS rebinding) is
 * refused. Redirects are never followed.
 */
export function deliverWebhook(url: string, payload: string, headers: Record<string, string>, opts: DeliveryOptions): Promise<DeliveryResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, error: 'bad URL', permanent: true });
  }
  if (!opts.allowPrivate && isPrivateLiteral(target.hostname)) return Promise.resolve(PRIVATE);
  const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
  if (!send) return Promise.resolve({ ok: false, error: 'bad URL', permanent: true });
  const body = Buffer.from(payload, 'utf8');
  return new Promise<DeliveryResult>((resolve) => {
    let settled = false;
    const finish = (r: DeliveryResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'user-agent': 'Boxoffice-Webhooks/1', ...headers },
        ...(opts.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? DELIVERY_TIMEOUT_MS),
        // One socket per delivery: a pooled socket could outlive the check it was made under.
        agent: false,
      },
      (res: IncomingMessage) => {
        res.resume();
        const status = res.statusCode ?? 0;
        finish(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}`, permanent: status === 410 });
      },
    );
    req.on('error', (e: Error) => {
      if (e instanceof PrivateTargetError || (e as { cause?: unknown }).cause instanceof PrivateTargetError) return finish(PRIVATE);
      finish({ ok: false, error: e.name === 'AbortError' || e.name === 'TimeoutError' ? 'timed out' : 'connection failed', permanent: false });
    });
    req.end(body);
  });
}
