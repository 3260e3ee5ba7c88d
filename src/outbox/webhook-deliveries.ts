import { AppError } from '../errors';
import type { Infra } from '../infra/infra';
import { EventNotLiveError } from '../shards/tables/live-event-guard';
import { type PendingDelivery, undeliveredForOrganiser, webhookEventState, webhookRetry } from '../shards/tables/webhook-outbox';

export interface DeliveryView extends PendingDelivery {
  /** `<shard>.<row id>`: rows are numbered per shard. */
  ref: string;
}

const PER_SHARD_LIMIT = 200;
const REF = /^([a-z0-9][a-z0-9-]{0,62})\.(\d{1,15})$/;

/** An organiser's webhook deliveries that have not gone through yet, across the shards of its events. */
export class WebhookDeliveries {
  constructor(private readonly deps: Pick<Infra, 'directory' | 'router'>) {}

  private async shardsOf(organiserId: number): Promise<string[]> {
    return [...new Set((await this.deps.directory.listForOrganiser(organiserId)).map((e) => e.shard))].sort();
  }

  async list(organiserId: number): Promise<DeliveryView[]> {
    const perShard = await Promise.all(
      (await this.shardsOf(organiserId)).map(async (shard) =>
        (await undeliveredForOrganiser(await this.deps.router.db(shard), organiserId, PER_SHARD_LIMIT)).map((d) => ({ ...d, ref: `${shard}.${d.id}` })),
      ),
    );
    return perShard.flat().sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Sends one again at once; another organiser's delivery (or a made-up ref) is not found. */
  async retry(organiserId: number, ref: string): Promise<void> {
    const m = REF.exec(ref);
    const notFound = new AppError('not_found', 'There is no such delivery to retry.');
    if (!m) throw notFound;
    const [, shard, id] = m;
    if (!(await this.shardsOf(organiserId)).includes(shard!)) throw notFound;
    const writer = await this.deps.router.writer(shard!);
    // Never while the event is frozen or moved for a shard move: the row is parked there and
    // the event's new copy delivers it (its ref changes with the shard: the list shows it).
    const [rs, state] = await writer.submit({ steps: [[webhookRetry(Number(id), organiserId, Date.now()), webhookEventState(Number(id))]] });
    const s = state?.rows[0]?.state;
    if ((!rs || rs.rows.length === 0) && (s === 'frozen' || s === 'moved')) throw new EventNotLiveError(s);
    if (!rs || rs.rows.length === 0) throw notFound;
  }
}
