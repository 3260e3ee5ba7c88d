/**
 * A background pass that runs, waits, and runs again: never two passes at once, never keeping
 * the process alive, and `stop()` waits for the pass under way (shutdown finishes its work).
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly opts: {
      everyMs: number;
      /** Before the first pass; 0 runs it at once (a start-up pass). Default: everyMs. */
      firstMs?: number;
      /** A failed pass is reported and the next one still comes. */
      onError: (err: unknown) => void;
    },
  ) {}

  start(): void {
    const first = this.opts.firstMs ?? this.opts.everyMs;
    if (first === 0) this.tick();
    else this.schedule(first);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.pass()
      .catch(this.opts.onError)
      .finally(() => this.schedule(this.opts.everyMs));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }
}
