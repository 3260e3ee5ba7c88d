import type { Client, Row } from '@libsql/client';
import { nowIso } from './catalog-db';

export interface EventGroup {
  id: number;
  organiserId: number;
  slug: string;
  name: string;
  terms: string;
}

const toGroup = (r: Row): EventGroup => ({
  id: Number(r.id),
  organiserId: Number(r.organiser_id),
  slug: String(r.slug),
  name: String(r.name),
  terms: String(r.terms),
});

/** Event groups: a group's page books any of its events. Slugs share one namespace with events. */
export class GroupStore {
  constructor(private readonly db: Client) {}

  async bySlug(slug: string): Promise<EventGroup | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM groups WHERE slug = ?', args: [slug] });
    return rs.rows[0] ? toGroup(rs.rows[0]) : undefined;
  }

  async byId(id: number): Promise<EventGroup | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM groups WHERE id = ?', args: [id] });
    return rs.rows[0] ? toGroup(rs.rows[0]) : undefined;
  }

  async list(organiserId: number): Promise<EventGroup[]> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM groups WHERE organiser_id = ? ORDER BY name', args: [organiserId] });
    return rs.rows.map(toGroup);
  }

  /** Undefined when the slug is taken by an event or another group. */
  async create(organiserId: number, g: { slug: string; name: string; terms: string }): Promise<EventGroup | undefined> {
    const rs = await this.db.execute({
      sql: `INSERT INTO groups (organiser_id, slug, name, terms, created_at)
            SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM event_directory WHERE slug = ?)
            ON CONFLICT (slug) DO NOTHING RETURNING *`,
      args: [organiserId, g.slug, g.name, g.terms, nowIso(), g.slug],
    });
    return rs.rows[0] ? toGroup(rs.rows[0]) : undefined;
  }

  /** New name, slug and terms; false when the slug is taken by an event or another group. */
  async update(organiserId: number, id: number, g: { slug: string; name: string; terms: string }): Promise<boolean> {
    const rs = await this.db.execute({
      sql: `UPDATE groups SET slug = ?, name = ?, terms = ?
             WHERE id = ? AND organiser_id = ?
               AND NOT EXISTS (SELECT 1 FROM event_directory WHERE slug = ?)
               AND NOT EXISTS (SELECT 1 FROM groups WHERE slug = ? AND id != ?)`,
      args: [g.slug, g.name, g.terms, id, organiserId, g.slug, g.slug, id],
    });
    return rs.rowsAffected === 1;
  }

  async remove(organiserId: number, id: number): Promise<boolean> {
    const rs = await this.db.execute({ sql: 'DELETE FROM groups WHERE id = ? AND organiser_id = ?', args: [id, organiserId] });
    return rs.rowsAffected === 1;
  }
}
