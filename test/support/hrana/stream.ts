import { randomBytes } from 'node:crypto';
import type Database from 'libsql';
import type { Namespace } from './database';
import { streamExpired } from './errors';
import { sleep } from './faults';
import { ProtocolError } from './protocol';
import type { StmtClass } from './sql-text';

export interface StreamOptions {
  /** A stream nobody used for this long is closed and rolled back (sqld: 10 s). */
  idleMs: number;
}

// sqld's ProtocolError::BatonStreamClosed: HTTP 400 text/plain, SERVER_ERROR in the client.
const streamClosed = (): ProtocolError => new ProtocolError('Stream for this baton was closed');

/** How long an expired stream's batons keep answering STREAM_EXPIRED before they are unknown (sqld: 300 s). */
const EXPIRED_KEPT_MS = 300_000;

/**
 * A Hrana stream: one SQLite connection with its own transaction state and stored SQL texts,
 * kept across HTTP requests by the baton. Requests on one stream run one at a time, because
 * the registry hands a stream to a single request (the baton is spent when it is taken).
 */
export class Stream {
  /** Random and unguessable: batons name their stream by it, as sqld's carry a stream id. */
  readonly id = randomBytes(12).toString('base64url');
  readonly sqls = new Map<number, string>();
  closed = false;
  private releaseWriter: (() => void) | undefined;
  /** The transaction was rolled back for a waiting writer; the next request learns it. */
  private forcedRollback = false;

  constructor(
    readonly ns: Namespace,
    readonly conn: Database.Database,
  ) {}

  get autocommit(): boolean {
    return !this.conn.inTransaction;
  }

  /**
   * Runs one statement under the writer rule: a write first takes the database's writer, and
   * the stream keeps it until its connection is back in autocommit (the transaction ended).
   */
  async runStatement<T>(cls: StmtClass, body: () => T): Promise<T> {
    if (this.closed) throw streamClosed();
    if (cls === 'write' && this.releaseWriter === undefined) {
      this.releaseWriter = await this.ns.writer.acquire(() => this.loseWriter());
      if (this.closed) {
        this.dropWriter();
        throw streamClosed();
      }
    }
    const wasAutocommit = this.autocommit;
    this.ns.stats.statements++;
    let ok = false;
    try {
      const result = body();
      ok = true;
      return result;
    } finally {
      await this.afterStatement(cls, wasAutocommit, ok);
    }
  }

  private async afterStatement(cls: StmtClass, wasAutocommit: boolean, ok: boolean): Promise<void> {
    if (this.releaseWriter === undefined || !this.autocommit) return;
    const committed = ok && ((cls === 'write' && wasAutocommit) || (cls === 'commit' && !wasAutocommit));
    if (committed) {
      this.ns.stats.commits++;
      await sleep(this.ns.faults.faults.commitMs ?? 0);
    }
    this.dropWriter();
  }

  /**
   * The writer was taken for a waiting stream after this one held it too long: roll back, as
   * sqld's force_rollback does. A holder already back in autocommit (its commit's slow fsync)
   * lost nothing.
   */
  private loseWriter(): void {
    this.releaseWriter = undefined;
    if (!this.conn.inTransaction) return;
    try {
      this.conn.exec('ROLLBACK');
    } catch {
      // Nothing left to roll back.
    }
    this.forcedRollback = true;
  }

  /**
   * Whether the transaction was rolled back for another writer since the last request. Reading
   * it clears it: like sqld, only the next request fails (TRANSACTION_TIMEOUT), later ones run.
   */
  takeForcedRollback(): boolean {
    const was = this.forcedRollback;
    this.forcedRollback = false;
    return was;
  }

  private dropWriter(): void {
    const release = this.releaseWriter;
    this.releaseWriter = undefined;
    release?.();
  }

  /** Closing rolls back an open transaction (as sqld does when it drops a connection). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ns.release(this.conn);
    this.dropWriter();
  }
}

/**
 * Batons to streams, with sqld's answers for a baton that names no usable stream
 * (hrana/http/stream.rs `acquire`): a baton of a stream still in use or already answered with
 * a newer baton is "already used", one of a stream that expired while idle gets STREAM_EXPIRED,
 * anything else (closed stream, another database's, forged) is "an invalid baton".
 */
export class StreamRegistry {
  /** By stream id: streams waiting for their next request, and the one baton that takes each. */
  private readonly parked = new Map<string, { stream: Stream; baton: string; timer: NodeJS.Timeout }>();
  private readonly live = new Set<Stream>();
  private readonly expired = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: StreamOptions) {}

  open(ns: Namespace): Stream {
    const stream = new Stream(ns, ns.acquire());
    this.live.add(stream);
    return stream;
  }

  /** Takes the stream a baton names, spending the baton. */
  take(baton: string, ns: Namespace): Stream {
    const id = baton.split('.')[0] ?? '';
    const entry = this.parked.get(id);
    if (entry !== undefined && entry.stream.ns === ns) {
      if (entry.baton !== baton) throw batonReused();
      this.parked.delete(id);
      clearTimeout(entry.timer);
      return entry.stream;
    }
    if ([...this.live].some((s) => s.id === id && s.ns === ns && !s.closed)) throw batonReused();
    if (this.expired.has(id)) throw streamExpired();
    throw new ProtocolError('Received an invalid baton');
  }

  /** After a request: a closed stream gets no baton, a live one a new baton and an idle timer. */
  park(stream: Stream): string | null {
    if (stream.closed) {
      this.live.delete(stream);
      return null;
    }
    const baton = `${stream.id}.${randomBytes(12).toString('base64url')}`;
    const timer = setTimeout(() => {
      this.parked.delete(stream.id);
      this.close(stream);
      const forget = setTimeout(() => this.expired.delete(stream.id), EXPIRED_KEPT_MS);
      forget.unref();
      this.expired.set(stream.id, forget);
    }, this.opts.idleMs);
    timer.unref();
    this.parked.set(stream.id, { stream, baton, timer });
    return baton;
  }

  close(stream: Stream): void {
    stream.close();
    this.live.delete(stream);
  }

  closeNamespace(ns: Namespace): void {
    for (const [id, entry] of this.parked) {
      if (entry.stream.ns !== ns) continue;
      clearTimeout(entry.timer);
      this.parked.delete(id);
    }
    for (const stream of this.live) if (stream.ns === ns) this.close(stream);
  }

  closeAll(): void {
    for (const entry of this.parked.values()) clearTimeout(entry.timer);
    this.parked.clear();
    for (const timer of this.expired.values()) clearTimeout(timer);
    this.expired.clear();
    for (const stream of this.live) stream.close();
    this.live.clear();
  }

  get openCount(): number {
    return this.live.size;
  }
}

const batonReused = (): ProtocolError => new ProtocolError('Received a baton that has already been used');
