import Database from 'libsql';
import { FaultPlan } from './faults';
import { Mutex } from './mutex';

export interface DatabaseStats {
  /** HTTP requests that reached this database (token accepted), faulted ones included. */
  requests: number;
  /** POST …/pipeline requests among them. */
  pipelines: number;
  /** SQL statements run (batch steps skipped by their condition are not). */
  statements: number;
  /** Write transactions committed: autocommit writes plus COMMITs of transactions that wrote. */
  commits: number;
}

// Idle connections kept per database: enough for a few concurrent clients without paying an
// open (and its pragmas) on every `execute`, which opens and closes a stream each time.
const POOL_SIZE = 8;

/** One namespace: a libSQL file, its bearer token, its writer lock, faults and counters. */
export class Namespace {
  readonly writer: Mutex;
  faults = new FaultPlan();
  stats: DatabaseStats = { requests: 0, pipelines: 0, statements: 0, commits: 0 };
  private readonly idle: Database.Database[] = [];
  private readonly open = new Set<Database.Database>();

  constructor(
    readonly name: string,
    readonly path: string,
    public token: string,
    /** A transaction holding the writer this long loses it to a waiting writer (sqld: 5 s). */
    transactionTimeoutMs: number,
  ) {
    this.writer = new Mutex(transactionTimeoutMs);
    const db = this.connect();
    // WAL is a property of the file: set once, so readers never wait for the writer.
    db.exec('PRAGMA journal_mode = WAL');
    this.release(db);
  }

  private connect(): Database.Database {
    const db = new Database(this.path);
    db.defaultSafeIntegers(true);
    // The writer lock makes contention inside this server impossible; the short busy timeout
    // only covers someone else (a test) holding the file, without freezing the event loop long.
    db.exec('PRAGMA busy_timeout = 100');
    db.exec('PRAGMA synchronous = NORMAL');
    this.open.add(db);
    return db;
  }

  acquire(): Database.Database {
    return this.idle.pop() ?? this.connect();
  }

  /** Returns a connection; one left inside a transaction is rolled back first. */
  release(db: Database.Database): void {
    if (!db.open) {
      this.open.delete(db);
      return;
    }
    if (db.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // A failed rollback leaves the connection suspect: drop it below.
      }
    }
    if (!db.inTransaction && this.idle.length < POOL_SIZE) {
      this.idle.push(db);
      return;
    }
    this.open.delete(db);
    db.close();
  }

  closeAll(): void {
    for (const db of this.open) {
      try {
        db.close();
      } catch {
        // Closing during teardown: nothing useful to do with the error.
      }
    }
    this.open.clear();
    this.idle.length = 0;
  }
}
