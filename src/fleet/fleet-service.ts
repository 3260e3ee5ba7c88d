import type { Admission } from '../admission/admission';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Infra } from '../infra/infra';
import { type MoveOptions, type MoveResult, moveEvent } from './event-mover';

export type FleetDeps = Pick<Infra, 'catalog' | 'directory' | 'registry' | 'router' | 'pool' | 'logger'> & {
  snapshots?: Pick<EventSnapshots, 'invalidate'>;
  admission?: Pick<Admission, 'released'>;
};

/** The fleet actions of the console, the platform API and the ops CLI, one code path for all three. */
export class FleetService {
  constructor(private readonly deps: FleetDeps) {}

  move(slug: string, toShard: string, opts: MoveOptions = {}): Promise<MoveResult> {
    return moveEvent(
      {
        ...this.deps,
        onMoved: (entry) => {
          this.deps.snapshots?.invalidate(entry.id);
          this.deps.admission?.released(entry.id);
        },
      },
      slug,
      toShard,
      opts,
    );
  }
}
