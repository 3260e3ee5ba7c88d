/**
 * The per-database writer lock. libsql runs statements synchronously on the event loop, so
 * two streams must never both try to write: SQLite's busy handler would spin inside the one
 * thread that the lock holder needs to finish. Writers therefore queue here, asynchronously
 * and in arrival order, and only the holder touches SQLite's write lock.
 *
 * As in sqld (connection_manager.rs), a holder keeps the lock for at most `timeoutMs` while
 * someone waits: then the lock is taken from it (its `onStolen` rolls its transaction back)
 * and given to the first waiter. Nobody waiting, nobody is stolen from, however long it holds.
 */
interface Waiter {
  grant: (release: () => void) => void;
  onStolen: () => void;
}

export class Mutex {
  private holder: { onStolen: () => void; since: number; generation: number } | undefined;
  private generation = 0;
  private readonly waiters: Waiter[] = [];
  private stealTimer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  get locked(): boolean {
    return this.holder !== undefined;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once the lock is this caller's. */
  acquire(onStolen: () => void): Promise<() => void> {
    if (this.holder === undefined) return Promise.resolve(this.grantTo(onStolen));
    return new Promise((resolve) => {
      this.waiters.push({ grant: resolve, onStolen });
      this.armSteal();
    });
  }

  private grantTo(onStolen: () => void): () => void {
    const generation = ++this.generation;
    this.holder = { onStolen, since: Date.now(), generation };
    this.armSteal();
    // A release after the lock was stolen is a no-op: the lock is someone else's by then.
    return () => {
      if (this.holder?.generation === generation) this.handOn();
    };
  }

  private handOn(): void {
    clearTimeout(this.stealTimer);
    this.stealTimer = undefined;
    this.holder = undefined;
    const next = this.waiters.shift();
    if (next !== undefined) next.grant(this.grantTo(next.onStolen));
  }

  /** While someone waits, the holder's time runs out `timeoutMs` after it took the lock. */
  private armSteal(): void {
    if (this.stealTimer !== undefined || this.holder === undefined || this.waiters.length === 0) return;
    const wait = Math.max(0, this.holder.since + this.timeoutMs - Date.now());
    this.stealTimer = setTimeout(() => {
      this.stealTimer = undefined;
      const victim = this.holder;
      if (victim === undefined || this.waiters.length === 0) return;
      victim.onStolen();
      this.handOn();
    }, wait);
    this.stealTimer.unref();
  }
}
