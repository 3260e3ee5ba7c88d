import type { ShardProvider } from '../../domain/inputs';

/** Where a new shard's database lives and how to reach it. */
export interface ProvisionedDatabase {
  url: string;
  authToken: string | null;
  /** The provider's id of the database, for deleting it again (absent for adopted databases). */
  remoteId?: string;
}

export interface ProvisionOptions {
  /** Bunny primary region or Turso location; each provisioner has its default. */
  region?: string;
  /** Called as soon as the provider has created the database (recorded for clean-up). */
  onCreated?: (remoteId: string) => void | Promise<void>;
}

/**
 * Creates (or adopts) the database behind a new shard. `created` says whether the database
 * is ours to delete: provisionShard then migrates and checks it before registering, and
 * deletes it again when that fails, so nothing is left half-registered.
 */
export interface Provisioner {
  readonly provider: ShardProvider;
  readonly created: boolean;
  provision(name: string, opts: ProvisionOptions): Promise<ProvisionedDatabase>;
  /** Deletes a database this provisioner made. */
  destroy(db: ProvisionedDatabase): Promise<void>;
  /** The provider's id of the database named so, if it has one (clean-up after a crash that lost the id). */
  findDatabase?(name: string): Promise<string | undefined>;
}

export type ProvisionFailure = 'quota_reached' | 'name_taken' | 'bad_auth' | 'unreachable' | 'not_configured' | 'unknown_region' | 'provider_error';

/**
 * A provisioning failure the operator can act on. The message names the provider and what to
 * do; it never carries a credential.
 */
export class ProvisionError extends Error {
  constructor(
    readonly reason: ProvisionFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProvisionError';
  }
}

/**
 * The provider created the database, a later step failed, and deleting it failed too: the
 * database is still there. provisionShard keeps it recorded for `ops shard:cleanup`.
 */
export class LeftOverDatabaseError extends ProvisionError {
  constructor(
    readonly remoteId: string,
    failure: unknown,
    deleteFailure: unknown,
  ) {
    const first = failure instanceof ProvisionError ? failure : undefined;
    super(first?.reason ?? 'provider_error', `${first?.message ?? 'the provider failed after creating the database'}; deleting it again failed too (${deleteFailure instanceof ProvisionError ? deleteFailure.message : 'no answer'})`, { cause: failure });
    this.name = 'LeftOverDatabaseError';
  }
}
