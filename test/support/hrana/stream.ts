import { randomBytes } from 'node:crypto';
import type Database from 'libsql';
import type { Namespace } from './database';
import { StmtError, StreamError, streamExpired } from './errors';
import { sleep } from './faults';
import { WriterBusyError } from './mutex';
import type { StmtClass } from './sql-text';

export interface StreamOptions {
  /** A stream nobody used for this long is closed and rolled back (sqld: 10 s). */
  idleMs: number;
  /** How long a statement waits for the writer before failing with SQLITE_BUSY. */
  writerWaitMs: number;
}

/**
 * A Hrana stream: one SQLite connection with its own transaction state and stored SQL texts,
 * kept across HTTP requests by the baton. Requests on one stream run one at a time, because
 * the registry hands a stream to a single request (the baton is spent when it is taken).
 */
export class Stream {
  readonly sqls = new Map<number, string>();
  closed = false;
  private releaseWriter: (() => void) | undefined;

  constructor(
    readonly ns: Namespace,
    readonly conn: Database.Database,
    private readonly opts: StreamOptions,
  ) {}

  get autocommit(): boolean {
    return !this.conn.inTransaction;
  }

  /**
   * Runs one statement under the writer rule: a write first takes the database's writer, and
   * the stream keeps it until its connection is back in autocommit (the transaction ended).
   */
  async runStatement<T>(cls: StmtClass, body: () => T): Promise<T> {
    if (this.closed) throw new StreamError('The stream has been closed', 'STREAM_CLOSED');
    if (cls === 'write' && this.releaseWriter === undefined) {
      try {
        this.releaseWriter = await this.ns.writer.acquire(this.opts.writerWaitMs);
      } catch (e) {
        if (e instanceof WriterBusyError) throw new StmtError(`SQLite error: ${e.message}`, 'SQLITE_BUSY');
        throw e;
      }
      if (this.closed) {
        this.dropWriter();
        throw new StreamError('The stream has been closed', 'STREAM_CLOSED');
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

/** Batons to streams. A baton is random and single-use: each answer carries a fresh one. */
export class StreamRegistry {
  private readonly parked = new Map<string, { stream: Stream; timer: NodeJS.Timeout }>();
  private readonly live = new Set<Stream>();

  constructor(private readonly opts: StreamOptions) {}

  open(ns: Namespace): Stream {
    const stream = new Stream(ns, ns.acquire(), this.opts);
    this.live.add(stream);
    return stream;
  }

  /** Takes the stream a baton names, spending the baton. */
  take(baton: string, ns: Namespace): Stream {
    const entry = this.parked.get(baton);
    // A baton of another database is treated like a forged one: the stream does not exist here.
    if (entry === undefined || entry.stream.ns !== ns) throw streamExpired();
    this.parked.delete(baton);
    clearTimeout(entry.timer);
    return entry.stream;
  }

  /** After a request: a closed stream gets no baton, a live one a new baton and an idle timer. */
  park(stream: Stream): string | null {
    if (stream.closed) {
      this.live.delete(stream);
      return null;
    }
    const baton = randomBytes(18).toString('base64url');
    const timer = setTimeout(() => {
      this.parked.delete(baton);
      this.close(stream);
    }, this.opts.idleMs);
    timer.unref();
    this.parked.set(baton, { stream, timer });
    return baton;
  }

  close(stream: Stream): void {
    stream.close();
    this.live.delete(stream);
  }

  closeNamespace(ns: Namespace): void {
    for (const [baton, entry] of this.parked) {
      if (entry.stream.ns !== ns) continue;
      clearTimeout(entry.timer);
      this.parked.delete(baton);
    }
    for (const stream of this.live) if (stream.ns === ns) this.close(stream);
  }

  closeAll(): void {
    for (const entry of this.parked.values()) clearTimeout(entry.timer);
    this.parked.clear();
    for (const stream of this.live) stream.close();
    this.live.clear();
  }

  get openCount(): number {
    return this.live.size;
  }
}
