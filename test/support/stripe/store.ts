/**
 * Per-account state. Every Stripe object and idempotency key belongs to exactly one account,
 * so one organiser's key can never see (or replay) another organiser's objects.
 */
import { newId } from './ids';
import type {
  AccountProfile,
  ChargeRecord,
  PaymentIntentRecord,
  RefundRecord,
  SessionRecord,
  WebhookEndpointRecord,
} from './objects';

export interface StoredResponse {
  /** `POST /v1/refunds`: Stripe refuses a key reused on another endpoint. */
  endpoint: string;
  fingerprint: string;
  status: number;
  body: unknown;
  /** Headers replayed with it (a saved 5xx's `Stripe-Should-Retry`). */
  headers: Record<string, string>;
  /** Unix seconds of the first request. */
  at: number;
}

export class AccountState {
  readonly profile: AccountProfile;
  readonly apiVersion: string;
  readonly sessions = new Map<string, SessionRecord>();
  readonly paymentIntents = new Map<string, PaymentIntentRecord>();
  readonly charges = new Map<string, ChargeRecord>();
  readonly refunds = new Map<string, RefundRecord>();
  readonly webhookEndpoints = new Map<string, WebhookEndpointRecord>();
  readonly idempotency = new Map<string, StoredResponse>();
  /** Keys whose first request is executing now: a concurrent one with the same key gets 409. */
  readonly idempotencyExecuting = new Set<string>();

  constructor(profile: AccountProfile, apiVersion: string) {
    this.profile = profile;
    this.apiVersion = apiVersion;
  }

  /** Whether any object with this id lives in this account. */
  owns(id: string): boolean {
    return [this.sessions, this.paymentIntents, this.charges, this.refunds, this.webhookEndpoints].some((m) => m.has(id));
  }
}

export interface AccountOptions {
  secretKey: string;
  accountId?: string;
  email?: string;
  displayName?: string;
  country?: string;
  defaultCurrency?: string;
  /** `api_version` of events sent to this account's endpoints (default: the installed SDK's). */
  apiVersion?: string;
}

export class AccountRegistry {
  private readonly byKey = new Map<string, AccountState>();
  private readonly byId = new Map<string, AccountState>();

  constructor(
    private readonly defaultApiVersion: string,
    private readonly nowSeconds: () => number,
  ) {}

  /**
   * A key already registered is refused; a second key for an existing account id joins that
   * account (like a restricted key next to a secret key). Live keys are refused outright so
   * a real key can never end up in a test fixture.
   */
  add(opts: AccountOptions): AccountState {
    if (!/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(opts.secretKey)) {
      throw new Error(`Stripe stand-in: only test keys (sk_test_… / rk_test_…) can be registered, got ${mask(opts.secretKey)}`);
    }
    if (this.byKey.has(opts.secretKey)) throw new Error(`Stripe stand-in: key ${mask(opts.secretKey)} is already registered`);
    const existing = opts.accountId === undefined ? undefined : this.byId.get(opts.accountId);
    const account =
      existing ??
      new AccountState(
        {
          id: opts.accountId ?? newId('acct_', 16),
          email: opts.email ?? 'owner@example.test',
          displayName: opts.displayName ?? 'Stand-in test account',
          country: opts.country ?? 'IE',
          defaultCurrency: opts.defaultCurrency ?? 'eur',
          created: this.nowSeconds(),
        },
        opts.apiVersion ?? this.defaultApiVersion,
      );
    this.byKey.set(opts.secretKey, account);
    this.byId.set(account.profile.id, account);
    return account;
  }

  forKey(key: string): AccountState | undefined {
    return this.byKey.get(key);
  }

  forId(id: string): AccountState | undefined {
    return this.byId.get(id);
  }

  all(): AccountState[] {
    return [...this.byId.values()];
  }

  /** The account that owns an object id (ids are random, so at most one does). */
  owning(objectId: string): AccountState | undefined {
    return this.all().find((a) => a.owns(objectId));
  }
}

/** Stripe's masking in "Invalid API Key provided": the prefix and the last four characters. */
export function mask(key: string): string {
  if (key.length <= 12) return `${key.slice(0, Math.min(8, key.length))}***`;
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}
