import { ProvisionError } from './provisioner';

export interface ProviderCall {
  /** Provider name for messages ("Bunny", "Turso"). */
  provider: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** What the call was for, in the message ("create database concert-1"). */
  doing: string;
}

const TIMEOUT_MS = 15_000;

/**
 * The provider's own explanation, if its error body has one (never echoed whole). Shapes seen:
 * Turso `{error}`, Bunny Database `{error, details?}`, the general bunny.net API `{ErrorKey, Message}`.
 */
function providerMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const m = body.message ?? body.Message ?? body.error ?? body.detail;
    if (typeof m === 'string') {
      const details = typeof body.details === 'string' && body.details !== m ? `: ${body.details}` : '';
      return `${m}${details}`.slice(0, 200);
    }
  } catch {
    // not JSON
  }
  return text.slice(0, 200).replace(/\s+/g, ' ').trim();
}

/**
 * Wording that means "the plan is full". Turso documents no status for it (its create lists
 * only 400 and 409) and has been seen answering "maximum database count of 5 reached", so the
 * message decides on 400/403, not the status.
 */
const QUOTA_WORDING = /quota|limit|maximum .*count|count of \d+ reached/i;

/** Whether an answer means the account's database allowance is used up. */
export function isQuotaAnswer(status: number, message: string): boolean {
  if (status === 402 || status === 429) return true;
  return (status === 400 || status === 403) && QUOTA_WORDING.test(message);
}

/**
 * One JSON call to a provisioning API, with every failure turned into a ProvisionError whose
 * reason a caller (and a test) can check: bad credentials, name taken, quota reached,
 * unreachable API, or anything else the provider said.
 */
export async function providerJson<T>(call: ProviderCall, classify?: (status: number, message: string) => ProvisionError | undefined): Promise<T> {
  let res: Response;
  try {
    res = await fetch(call.url, {
      method: call.method,
      headers: { accept: 'application/json', ...(call.body === undefined ? {} : { 'content-type': 'application/json' }), ...call.headers },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw new ProvisionError('unreachable', `${call.provider} API at ${new URL(call.url).origin} could not be reached to ${call.doing}`, { cause });
  }
  const text = await res.text();
  if (res.ok) return (text ? JSON.parse(text) : {}) as T;
  const message = providerMessage(text);
  const custom = classify?.(res.status, message);
  if (custom) throw custom;
  if (res.status === 401) {
    throw new ProvisionError('bad_auth', `${call.provider} refused the credentials (HTTP 401) while trying to ${call.doing}: check the API key/token`);
  }
  // 422 as well as 409: turso-cli reads both as "name not available".
  if (res.status === 409 || res.status === 422) {
    throw new ProvisionError('name_taken', `${call.provider} already has a database with that name (could not ${call.doing}); pick another shard name`);
  }
  if (isQuotaAnswer(res.status, message)) {
    throw new ProvisionError('quota_reached', `${call.provider} quota reached: could not ${call.doing} (${message || `HTTP ${res.status}`}); delete unused databases or raise the plan's limit`);
  }
  if (res.status === 403) {
    // Valid credentials without the right: a token scoped to another organisation or read-only.
    throw new ProvisionError(
      'bad_auth',
      `${call.provider} denied permission (HTTP 403) to ${call.doing}${message ? `: ${message}` : ''}; check that the API key/token may manage databases of this account`,
    );
  }
  throw new ProvisionError('provider_error', `${call.provider} answered HTTP ${res.status} to ${call.doing}${message ? `: ${message}` : ''}`);
}
