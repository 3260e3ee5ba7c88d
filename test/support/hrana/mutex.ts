/**
 * The per-database writer lock. libsql runs statements synchronously on the event loop, so
 * two streams must never both try to write: SQLite's busy handler would spin inside the one
 * thread that the lock holder needs to finish. Writers therefore queue here, asynchronously
 * and in arrival order, and only the holder touches SQLite's write lock.
 */
export class WriterBusyError extends Error {
  override name = 'WriterBusyError';
}

interface Waiter {
  grant: (release: () => void) => void;
  timer: NodeJS.Timeout | undefined;
}

export class Mutex {
  private held = false;
  private readonly waiters: Waiter[] = [];

  get locked(): boolean {
    return this.held;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function; rejects with WriterBusyError after `timeoutMs`. */
  acquire(timeoutMs: number): Promise<() => void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { grant: resolve, timer: undefined };
      waiter.timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new WriterBusyError(`database is locked: waited ${timeoutMs} ms for the writer`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiters.shift();
      if (next === undefined) {
        this.held = false;
        return;
      }
      clearTimeout(next.timer);
      next.grant(this.releaser());
    };
  }
}
