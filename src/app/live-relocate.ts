import type { EventDirectory } from '../catalog/event-directory';
import type { WhereNow } from '../events/event-snapshots';
import type { Relocate } from '../shards/tables/live-event-guard';

/**
 * Where an event lives now, read fresh from the directory when a shard said its copy there
 * was moved away: this process's caches of the event (directory by slug, snapshot) are
 * dropped so every later look goes to the new shard too.
 */
export function liveRelocator(directory: Pick<EventDirectory, 'freshId' | 'invalidate'>, forgetSnapshot: (eventId: number) => void): Relocate {
  const where = whereNow(directory, forgetSnapshot);
  return (ref) => where(ref.id);
}

/** The same fresh look-up by event id, for reads (EventSnapshots.current). */
export function whereNow(directory: Pick<EventDirectory, 'freshId' | 'invalidate'>, forgetSnapshot: (eventId: number) => void): WhereNow {
  return async (eventId) => {
    const entry = await directory.freshId(eventId);
    directory.invalidate(entry?.slug, eventId);
    forgetSnapshot(eventId);
    return entry && entry.status !== 'deleted' ? entry : undefined;
  };
}
