import { AppError } from '../errors';
import type { Infra } from '../infra/infra';
import type { EventImageStore, StoredImage } from '../shards/tables/event-image-store';
import type { EventService } from './event-service';
import type { EventSnapshots } from './event-snapshots';
import { processEventImage } from './image-processing';

const messages = {
  moving: 'This event is being moved to another shard; try again in a minute.',
};

export interface EventImagesDeps {
  infra: Pick<Infra, 'directory'>;
  events: EventService;
  images: EventImageStore;
  snapshots: EventSnapshots;
}

/** One image per event: upload (checked, resized, content-hashed), removal, and serving by URL. */
export class EventImages {
  constructor(private readonly deps: EventImagesDeps) {}

  async put(organiserId: number, slug: string, bytes: Buffer): Promise<{ url: string; width: number; height: number }> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const image = await processEventImage(bytes);
    if (!(await this.deps.images.put(entry, image, new Date().toISOString()))) throw new AppError('conflict', messages.moving);
    this.deps.snapshots.invalidate(entry.id);
    return { url: `/images/${entry.id}/${image.file}`, width: image.width, height: image.height };
  }

  async remove(organiserId: number, slug: string): Promise<void> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    await this.deps.images.remove(entry, new Date().toISOString());
    this.deps.snapshots.invalidate(entry.id);
  }

  /** For GET /images/:eventId/:file: undefined for an unknown event, file or a replaced image. */
  async serve(eventId: number, file: string): Promise<StoredImage | undefined> {
    const entry = await this.deps.infra.directory.resolveId(eventId);
    if (!entry || entry.status === 'deleted') return undefined;
    // Another process may have moved the event: the image is read where it lives now.
    return this.deps.snapshots.findWhereItLives(entry, (at) => this.deps.images.get(at, file));
  }
}
