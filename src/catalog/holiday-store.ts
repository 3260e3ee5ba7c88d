import type { Client } from '@libsql/client';
import NodeCache from 'node-cache';
import type { Holiday } from '../domain/events/event';

export interface HolidayRow extends Holiday {
  id: number;
}

/** An organiser's holidays (blackout dates for daily events), cached: every daily booking checks them. */
export class HolidayStore {
  private readonly cache = new NodeCache({ stdTTL: 30, useClones: false });

  constructor(private readonly db: Client) {}

  async list(organiserId: number): Promise<HolidayRow[]> {
    const hit = this.cache.get<HolidayRow[]>(organiserId);
    if (hit) return hit;
    const rs = await this.db.execute({
      sql: 'SELECT id, name, start_date, end_date FROM holidays WHERE organiser_id = ? ORDER BY start_date',
      args: [organiserId],
    });
    const rows = rs.rows.map((r) => ({ id: Number(r.id), name: String(r.name), startDate: String(r.start_date), endDate: String(r.end_date) }));
    this.cache.set(organiserId, rows);
    return rows;
  }

  async add(organiserId: number, h: Holiday): Promise<number> {
    const rs = await this.db.execute({
      sql: 'INSERT INTO holidays (organiser_id, name, start_date, end_date) VALUES (?, ?, ?, ?) RETURNING id',
      args: [organiserId, h.name, h.startDate, h.endDate],
    });
    this.cache.del(organiserId);
    return Number(rs.rows[0]!.id);
  }

  async remove(organiserId: number, id: number): Promise<boolean> {
    const rs = await this.db.execute({ sql: 'DELETE FROM holidays WHERE id = ? AND organiser_id = ?', args: [id, organiserId] });
    this.cache.del(organiserId);
    return rs.rowsAffected === 1;
  }

  close(): void {
    this.cache.close();
  }
}
