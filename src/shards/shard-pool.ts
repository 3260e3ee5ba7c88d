import type { Client } from '@libsql/client';
import { openDatabase } from '../db/libsql-client';
import type { Db } from '../db/db';
import { withRoundTripCount } from '../db/round-trip-count';
import { withSimulatedRemote } from '../db/simulated-remote';
import { type CredentialFailure, credentialFailure, withErrorTranslation } from '../db/sql-errors';
import { openWorkerWriter } from '../db/worker-writer';
import { withReadDeadline } from '../db/read-deadline';
import { StallBreaker } from '../db/stall-breaker';
import type { ShardRecord } from '../catalog/shard-registry';

export interface ShardPoolOptions {
  openToken: (sealed: string, shardName: string) => string;
  simRttMs: number;
  simCommitMs: number;
  /** Every call to a shard (one round trip): `writer` for the single writer's batches, `client` for reads and direct writes. */
  onRoundTrip?: (shard: string, via: 'writer' | 'client') => void;
  /** SHARD_DEADLINE_MS: longest a shard call may take before its caller hears 503 and the shard's breaker trips. */
  deadlineMs?: number;
  /**
   * A shard refused its token (401/403): buyers hear busy, retrying never helps, so the
   * operator is told. Called at most once per shard per AUTH_REPORT_EVERY_MS.
   */
  onCredentialFailure?: (shard: string, reason: CredentialFailure) => void;
}

const AUTH_REPORT_EVERY_MS = 10_000;

export const DEFAULT_SHARD_DEADLINE_MS = 2000;

/**
 * One libSQL client per shard, opened once and reused for the life of the process
 * (clients hold connections and prepared state; opening per request would waste both).
 */
export class ShardPool {
  private readonly raw = new Map<string, Client>();
  private readonly clients = new Map<string, Promise<Db>>();
  private readonly writers = new Map<string, Db>();
  private readonly breakers = new Map<string, StallBreaker>();
  private readonly quick = new Map<string, Db>();
  private readonly authReported = new Map<string, number>();

  constructor(private readonly opts: ShardPoolOptions) {}

  /** The shard's circuit breaker (one per shard per process), shared by its reads, its writer and /healthz. */
  breaker(name: string): StallBreaker {
    let b = this.breakers.get(name);
    if (!b) {
      b = new StallBreaker(name, this.opts.deadlineMs ?? DEFAULT_SHARD_DEADLINE_MS);
      this.breakers.set(name, b);
    }
    return b;
  }

  /** The client for a shard, wrapped in the remote-latency model when the benchmark asks for it. */
  get(shard: ShardRecord): Promise<Db> {
    let client = this.clients.get(shard.name);
    if (!client) {
      client = this.open(shard).then((db) => this.counted(db, shard.name, 'client'));
      this.clients.set(shard.name, client);
      client.catch(() => this.clients.delete(shard.name));
    }
    return client;
  }

  /**
   * The shard's client for the buyer's hot path (a booking's event look-up): its reads answer
   * within the shard's deadline or fail fast (503) while the breaker is tripped, so a stalled
   * primary costs a buyer at most one deadline. Bulk reads (exports, moves, admin lists) use
   * `get`: a long read of a healthy shard must neither fail nor trip the breaker.
   */
  async hotPath(shard: ShardRecord): Promise<Db> {
    const db = await this.get(shard);
    let quick = this.quick.get(shard.name);
    if (!quick) {
      quick = withReadDeadline(db, this.breaker(shard.name));
      this.quick.set(shard.name, quick);
    }
    return quick;
  }

  /**
   * The connection a shard's single writer commits through. A local file gets its own
   * thread (its commits wait for fsync synchronously); remote databases use the shared
   * client, whose calls are already asynchronous. The latency model wraps either.
   */
  async writerDb(shard: ShardRecord): Promise<Db> {
    // A remote shard's writer shares the client (its calls count as `client` round trips).
    if (!shard.url.startsWith('file:')) return this.get(shard);
    let writer = this.writers.get(shard.name);
    if (!writer) {
      await this.get(shard); // the file exists and is migrated before its writer thread opens it
      // Two first callers at once both waited above: the one that resumes second uses the
      // first one's thread. A second thread would be a second writer on the file, and a
      // thread nobody closes, which kept a test process alive after its last test.
      const opened = this.writers.get(shard.name);
      if (opened) return opened;
      const { simRttMs, simCommitMs } = this.opts;
      const simulated = simRttMs > 0 || simCommitMs > 0;
      // Benchmark model only: see open() on why the backing file does not fsync.
      const thread = openWorkerWriter(shard.url, simulated ? ['PRAGMA synchronous = OFF'] : []);
      writer = this.counted(withErrorTranslation(simulated ? withSimulatedRemote(thread, { rttMs: simRttMs, commitMs: simCommitMs }) : thread), shard.name, 'writer');
      this.writers.set(shard.name, writer);
    }
    return writer;
  }

  /** The unwrapped client, for migrations and admin work that must not pay modelled latency. */
  async unwrapped(shard: ShardRecord): Promise<Client> {
    await this.get(shard);
    return this.raw.get(shard.name)!;
  }

  private async open(shard: ShardRecord): Promise<Db> {
    const token = shard.sealedToken ? this.opts.openToken(shard.sealedToken, shard.name) : undefined;
    const client = await openDatabase(shard.url, token);
    this.raw.set(shard.name, client);
    const { simRttMs, simCommitMs } = this.opts;
    const observe = (e: unknown) => this.noteCredentialFailure(shard.name, e);
    // Every adapter's errors reach services already as busy / conflict / internal.
    if (simRttMs === 0 && simCommitMs === 0) return withErrorTranslation(client, observe);
    if (shard.url.startsWith('file:')) {
      // Benchmark model only: the modelled primary's commit costs COMMIT_MS (serialised per
      // shard). The local file is just its backing store; its own fsync would block this
      // process's one thread for every shard at once, which no remote primary does.
      await client.execute('PRAGMA synchronous = OFF');
    }
    return withErrorTranslation(withSimulatedRemote(client, { rttMs: simRttMs, commitMs: simCommitMs }), observe);
  }

  private noteCredentialFailure(shard: string, e: unknown): void {
    const reason = this.opts.onCredentialFailure && credentialFailure(e);
    if (!reason) return;
    const now = Date.now();
    if (now - (this.authReported.get(shard) ?? -Infinity) < AUTH_REPORT_EVERY_MS) return;
    this.authReported.set(shard, now);
    this.opts.onCredentialFailure!(shard, reason);
  }

  private counted(db: Db, shard: string, via: 'writer' | 'client'): Db {
    const { onRoundTrip } = this.opts;
    return onRoundTrip ? withRoundTripCount(db, () => onRoundTrip(shard, via)) : db;
  }

  closeAll(): void {
    for (const writer of this.writers.values()) writer.close();
    this.writers.clear();
    for (const client of this.raw.values()) client.close();
    this.raw.clear();
    this.clients.clear();
    this.quick.clear();
  }
}
