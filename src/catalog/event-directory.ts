import type { Client, Row } from '@libsql/client';
import NodeCache from 'node-cache';
import { nowIso } from './catalog-db';

export type DirectoryStatus = 'active' | 'moving' | 'deleted';

export interface DirectoryEntry {
  id: number;
  slug: string;
  organiserId: number;
  shard: string;
  status: DirectoryStatus;
  generation: number;
}

const toEntry = (r: Row): DirectoryEntry => ({
  id: Number(r.id),
  slug: String(r.slug),
  organiserId: Number(r.organiser_id),
  shard: String(r.shard),
  status: String(r.status) as DirectoryStatus,
  generation: Number(r.generation),
});

const CACHE_TTL_SECONDS = 30;

/**
 * slug → shard, read through a per-process cache so a warm booking does no catalog I/O.
 * Entries change only when an event is created, deleted or moved; those paths invalidate
 * here, and a stale entry elsewhere is caught by the shard (state 'moved') and re-resolved.
 */
export class EventDirectory {
  private readonly bySlug = new NodeCache({ stdTTL: CACHE_TTL_SECONDS, useClones: false });
  private readonly byId = new NodeCache({ stdTTL: CACHE_TTL_SECONDS, useClones: false });

  constructor(private readonly db: Client) {}

  async resolve(slug: string): Promise<DirectoryEntry | undefined> {
    const hit = this.bySlug.get<DirectoryEntry>(slug);
    if (hit) return hit;
    const rs = await this.db.execute({
      sql: `SELECT * FROM event_directory WHERE slug = ? AND status != 'deleted'`,
      args: [slug],
    });
    return this.remember(rs.rows[0]);
  }

  /** The catalog's current entry, past the cache (moves decide on it). */
  async fresh(slug: string): Promise<DirectoryEntry | undefined> {
    this.bySlug.del(slug);
    return this.resolve(slug);
  }

  async freshId(id: number): Promise<DirectoryEntry | undefined> {
    this.byId.del(id);
    return this.resolveId(id);
  }

  async listOnShard(shard: string): Promise<DirectoryEntry[]> {
    const rs = await this.db.execute({ sql: `SELECT * FROM event_directory WHERE shard = ? AND status != 'deleted' ORDER BY id`, args: [shard] });
    return rs.rows.map(toEntry);
  }

  /** Marks an event as being moved (bookings still go to its shard, which answers busy while frozen). */
  async markMoving(id: number, generation: number): Promise<boolean> {
    const rs = await this.db.execute({
      sql: `UPDATE event_directory SET status = 'moving' WHERE id = ? AND generation = ? AND status != 'deleted'`,
      args: [id, generation],
    });
    this.invalidate(this.byId.get<DirectoryEntry>(id)?.slug, id);
    return rs.rowsAffected === 1;
  }

  async resolveId(id: number): Promise<DirectoryEntry | undefined> {
    const hit = this.byId.get<DirectoryEntry>(id);
    if (hit) return hit;
    const rs = await this.db.execute({ sql: `SELECT * FROM event_directory WHERE id = ? AND status != 'deleted'`, args: [id] });
    return this.remember(rs.rows[0]);
  }

  private remember(row: Row | undefined): DirectoryEntry | undefined {
    if (!row) return undefined;
    const entry = toEntry(row);
    this.bySlug.set(entry.slug, entry);
    this.byId.set(entry.id, entry);
    return entry;
  }

  async listForOrganiser(organiserId: number): Promise<DirectoryEntry[]> {
    const rs = await this.db.execute({
      sql: `SELECT * FROM event_directory WHERE organiser_id = ? AND status != 'deleted' ORDER BY id`,
      args: [organiserId],
    });
    return rs.rows.map(toEntry);
  }

  /** Every event buyers may see: active ones and those being moved (they stay on sale, busy only while frozen). */
  async listListed(): Promise<DirectoryEntry[]> {
    const rs = await this.db.execute(`SELECT * FROM event_directory WHERE status IN ('active', 'moving') ORDER BY id`);
    return rs.rows.map(toEntry);
  }

  /** Every event that exists, moving ones included (the console must show those most of all). */
  async listAll(): Promise<DirectoryEntry[]> {
    const rs = await this.db.execute(`SELECT * FROM event_directory WHERE status != 'deleted' ORDER BY id`);
    return rs.rows.map(toEntry);
  }

  async listActive(): Promise<DirectoryEntry[]> {
    const rs = await this.db.execute(`SELECT * FROM event_directory WHERE status = 'active' ORDER BY id`);
    return rs.rows.map(toEntry);
  }

  /** Claims a slug for a new event; returns undefined when the slug (or a group's) is taken. */
  async register(slug: string, organiserId: number, shard: string): Promise<DirectoryEntry | undefined> {
    const rs = await this.db.execute({
      sql: `INSERT INTO event_directory (slug, organiser_id, shard, created_at)
            SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM groups WHERE slug = ?)
            ON CONFLICT (slug) DO NOTHING RETURNING *`,
      args: [slug, organiserId, shard, nowIso(), slug],
    });
    return this.remember(rs.rows[0]);
  }

  async rename(id: number, oldSlug: string, newSlug: string): Promise<boolean> {
    const rs = await this.db.execute({
      sql: `UPDATE event_directory SET slug = ?, generation = generation + 1
             WHERE id = ? AND NOT EXISTS (SELECT 1 FROM groups WHERE slug = ?)
               AND NOT EXISTS (SELECT 1 FROM event_directory WHERE slug = ? AND id != ?)`,
      args: [newSlug, id, newSlug, newSlug, id],
    });
    this.invalidate(oldSlug, id);
    return rs.rowsAffected === 1;
  }

  /** Points an event at another shard; the generation bump tells caches they are stale. */
  async repoint(id: number, shard: string, expectedGeneration: number): Promise<boolean> {
    const rs = await this.db.execute({
      sql: `UPDATE event_directory SET shard = ?, generation = generation + 1, status = 'active'
             WHERE id = ? AND generation = ?`,
      args: [shard, id, expectedGeneration],
    });
    const entry = this.byId.get<DirectoryEntry>(id);
    this.invalidate(entry?.slug, id);
    return rs.rowsAffected === 1;
  }

  async markDeleted(id: number, slug: string): Promise<void> {
    await this.db.execute({
      sql: `UPDATE event_directory SET status = 'deleted', slug = slug || '~deleted~' || id, generation = generation + 1 WHERE id = ?`,
      args: [id],
    });
    this.invalidate(slug, id);
  }

  /** Drops cached entries; called after any directory write and when a shard says 'moved'. */
  invalidate(slug: string | undefined, id?: number): void {
    if (slug) this.bySlug.del(slug);
    if (id !== undefined) this.byId.del(id);
  }

  close(): void {
    this.bySlug.close();
    this.byId.close();
  }
}
