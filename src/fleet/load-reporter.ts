import { hostname } from 'node:os';
import { ShardLoadStore } from '../catalog/shard-load-store';
import type { Infra } from '../infra/infra';

/**
 * Writes this process's live write load per shard to the catalog every few seconds, so
 * least-load placement outside this process (ops shard:drain, the other cluster workers)
 * sees it. One small batch per interval; a failed write is logged and tried next time.
 */
export class LoadReporter {
  private timer: NodeJS.Timeout | undefined;
  private readonly store: ShardLoadStore;
  private readonly process = `${hostname()}:${process.pid}`;

  constructor(
    private readonly deps: Pick<Infra, 'catalog' | 'router' | 'logger'>,
    private readonly everyMs = 5_000,
  ) {
    this.store = new ShardLoadStore(deps.catalog);
  }

  async reportNow(): Promise<void> {
    const loads = this.deps.router.depths().map(({ shard }) => ({ shard, load: this.deps.router.loadOf(shard) }));
    await this.store.report(this.process, loads);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.reportNow().catch((err: unknown) => this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'fleet.load_report_failed'));
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Placement's load figure: this process's live load, or the fleet's reported one when higher. */
export async function fleetLoad(deps: Pick<Infra, 'catalog' | 'router'>): Promise<(shard: string) => number> {
  const reported = await new ShardLoadStore(deps.catalog).recent();
  return (shard) => Math.max(deps.router.loadOf(shard), reported.get(shard) ?? 0);
}
