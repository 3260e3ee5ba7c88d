import type { EventDirectory } from '../catalog/event-directory';
import type { Relocate } from '../shards/tables/live-event-guard';

/**
 * Where an event lives now, read fresh from the directory when a shard said its copy there
 * was moved away: this process's caches of the event (directory by slug, snapshot) are
 * dropped so every later look goes to the new shard too.
 */
export function liveRelocator(directory: Pick<EventDirectory, 'freshId' | 'invalidate'>, forgetSnapshot: (eventId: number) => void): Relocate {
  return async (ref) => {
    const entry = await directory.freshId(ref.id);
    directory.invalidate(entry?.slug, ref.id);
    forgetSnapshot(ref.id);
    return entry && entry.status !== 'deleted' ? entry : undefined;
  };
}
