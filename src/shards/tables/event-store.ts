import type { InStatement } from '@libsql/client';
import type { Db } from '../../db/db';
import type { EventRecord, EventSettings } from '../../domain/events/event';
import { settingsColumns, toEventRecord } from './event-rows';

/** Reads and admin writes of events on one shard. Bookings do not come through here (see booking-statements). */
export class EventStore {
  constructor(private readonly db: Db) {}

  async byId(id: number): Promise<EventRecord | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM events WHERE id = ?', args: [id] });
    return rs.rows[0] ? toEventRecord(rs.rows[0]) : undefined;
  }

  async byIds(ids: number[]): Promise<EventRecord[]> {
    if (ids.length === 0) return [];
    const rs = await this.db.execute({ sql: `SELECT * FROM events WHERE id IN (${ids.map(() => '?').join(',')})`, args: ids });
    return rs.rows.map(toEventRecord);
  }

  /** Sold + held per date of a daily event, for the dates asked about. */
  async dateCounters(eventId: number, dates: string[]): Promise<Map<string, number>> {
    if (dates.length === 0) return new Map();
    const rs = await this.db.execute({
      sql: `SELECT date, sold + held AS taken FROM event_dates WHERE event_id = ? AND date >= ? AND date <= ?`,
      args: [eventId, dates[0]!, dates[dates.length - 1]!],
    });
    return new Map(rs.rows.map((r) => [String(r.date), Number(r.taken)]));
  }

  insertStatement(id: number, organiserId: number, currency: string, s: EventSettings, now: string): InStatement {
    const cols = { id, organiser_id: organiserId, currency, ...settingsColumns(s), created_at: now, updated_at: now };
    const names = Object.keys(cols);
    return { sql: `INSERT INTO events (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, args: Object.values(cols) };
  }

  /** Capacity may not drop below what is already sold or held: the check is in the WHERE. */
  updateStatement(id: number, s: EventSettings, now: string): InStatement {
    const cols = { ...settingsColumns(s), updated_at: now };
    const sets = Object.keys(cols).map((c) => `${c} = ?`);
    return {
      sql: `UPDATE events SET ${sets.join(', ')} WHERE id = ? AND state = 'live' AND (type = 'daily' OR sold + held <= ?)
            RETURNING id`,
      args: [...Object.values(cols), id, s.capacity],
    };
  }

  deleteStatements(id: number): InStatement[] {
    return [
      { sql: 'DELETE FROM attendees WHERE event_id = ?', args: [id] },
      { sql: 'DELETE FROM holds WHERE event_id = ?', args: [id] },
      { sql: 'DELETE FROM event_dates WHERE event_id = ?', args: [id] },
      { sql: 'DELETE FROM events WHERE id = ?', args: [id] },
    ];
  }
}
