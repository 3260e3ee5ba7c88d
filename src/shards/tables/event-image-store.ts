import type { ShardRouter } from '../shard-router';
import { logStatement } from './activity-log';
import { LIVE_EVENT_SQL, LiveWriter, type Relocate } from './live-event-guard';
import type { EventRef } from './event-tables';

export interface StoredImage {
  file: string;
  mime: string;
  width: number;
  height: number;
  bytes: Buffer;
}

/**
 * Event images on the event's own shard (so they work on the embedded default with nothing
 * else installed, and a move copies them with the event's other rows). `events.image` names
 * the current file and is written in the same transaction as the image row.
 */
export class EventImageStore {
  private readonly live: LiveWriter;

  constructor(
    private readonly router: Pick<ShardRouter, 'writer' | 'db'>,
    relocate?: Relocate,
  ) {
    this.live = new LiveWriter(router, relocate);
  }

  /** Replaces the event's image; false when the event is not live here (moving, moved). */
  async put(ref: EventRef, image: StoredImage, now: string): Promise<boolean> {
    const writer = await this.router.writer(ref.shard);
    const results = await writer.submit({
      steps: [
        [
          { sql: "UPDATE events SET image = ?, updated_at = ? WHERE id = ? AND state = 'live' RETURNING id", args: [image.file, now, ref.id] },
          {
            sql: `INSERT INTO event_images (event_id, hash, mime, width, height, bytes, created_at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1
                  ON CONFLICT (event_id) DO UPDATE SET hash = excluded.hash, mime = excluded.mime, width = excluded.width, height = excluded.height, bytes = excluded.bytes, created_at = excluded.created_at`,
            args: [ref.id, image.file, image.mime, image.width, image.height, image.bytes, now],
          },
          logStatement({ eventId: ref.id, at: now, kind: 'updated', message: 'Event image changed', onlyIfChanged: true }),
        ],
      ],
    });
    return results[0]?.rows.length === 1;
  }

  /** Busy while the event is frozen for a move; a moved copy is re-resolved (LiveWriter). */
  async remove(ref: EventRef, now: string): Promise<void> {
    await this.live.submit(
      ref,
      (r) => ({
        steps: [
          [
            { sql: `DELETE FROM event_images WHERE event_id = ? AND ${LIVE_EVENT_SQL}`, args: [r.id, r.id] },
            { sql: "UPDATE events SET image = NULL, updated_at = ? WHERE id = ? AND image IS NOT NULL AND state = 'live'", args: [now, r.id] },
            logStatement({ eventId: r.id, at: now, kind: 'updated', message: 'Event image removed', onlyIfChanged: true }),
          ],
        ],
      }),
      () => undefined,
    );
  }

  /** The image if `file` is the event's current one (old URLs stop working once replaced). */
  async get(ref: EventRef, file: string): Promise<StoredImage | undefined> {
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({ sql: 'SELECT hash, mime, width, height, bytes FROM event_images WHERE event_id = ? AND hash = ?', args: [ref.id, file] });
    const r = rs.rows[0];
    if (!r) return undefined;
    const raw = r.bytes as ArrayBuffer | Uint8Array;
    return { file: String(r.hash), mime: String(r.mime), width: Number(r.width), height: Number(r.height), bytes: Buffer.from(raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw) };
  }
}
