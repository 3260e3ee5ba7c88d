import type { InValue } from '@libsql/client';
import type { EventRecord, EventSettings } from '../../domain/events/event';
import type { ShardRouter } from '../shard-router';
import { logStatement } from './activity-log';
import { EVENT_TABLES, type EventRef } from './event-tables';
import { settingsColumns, toEventRecord } from './event-rows';
import { LIVE_EVENT_SQL, LiveWriter, type Relocate } from './live-event-guard';

/** Reads and admin writes of events on their shards. Bookings go through BookingStore. */
export class EventStore {
  private readonly live: LiveWriter;

  constructor(
    private readonly router: Pick<ShardRouter, 'db' | 'hotDb' | 'writer'>,
    relocate?: Relocate,
  ) {
    this.live = new LiveWriter(router, relocate);
  }

  /** The event row a booking looks up first: bounded by the shard's deadline (a stalled shard answers 503 fast). */
  async byId(ref: EventRef): Promise<EventRecord | undefined> {
    const db = await this.router.hotDb(ref.shard);
    const rs = await db.execute({ sql: 'SELECT * FROM events WHERE id = ?', args: [ref.id] });
    return rs.rows[0] ? toEventRecord(rs.rows[0]) : undefined;
  }

  async byIds(shard: string, ids: number[]): Promise<EventRecord[]> {
    if (ids.length === 0) return [];
    const db = await this.router.hotDb(shard);
    const rs = await db.execute({ sql: `SELECT * FROM events WHERE id IN (${ids.map(() => '?').join(',')})`, args: ids });
    return rs.rows.map(toEventRecord);
  }

  /** Sold + held per date of a daily event, for the (sorted) dates asked about. */
  async dateCounters(ref: EventRef, dates: string[]): Promise<Map<string, number>> {
    if (dates.length === 0) return new Map();
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({
      sql: 'SELECT date, sold + held AS taken FROM event_dates WHERE event_id = ? AND date >= ? AND date <= ?',
      args: [ref.id, dates[0]!, dates[dates.length - 1]!],
    });
    return new Map(rs.rows.map((r) => [String(r.date), Number(r.taken)]));
  }

  /** Dates with bookings of daily events of one shard, between two dates (inclusive). */
  async bookedDates(shard: string, eventIds: number[], from: string, to: string): Promise<Array<{ eventId: number; date: string; sold: number }>> {
    if (eventIds.length === 0) return [];
    const db = await this.router.db(shard);
    const rs = await db.execute({
      sql: `SELECT event_id, date, sold + held AS taken FROM event_dates
             WHERE event_id IN (${eventIds.map(() => '?').join(',')}) AND date >= ? AND date <= ? AND sold + held > 0 ORDER BY date`,
      args: [...eventIds, from, to],
    });
    return rs.rows.map((r) => ({ eventId: Number(r.event_id), date: String(r.date), sold: Number(r.taken) }));
  }

  async insert(ref: EventRef, organiserId: number, currency: string, s: EventSettings, now: string): Promise<void> {
    const cols: Record<string, InValue> = { id: ref.id, organiser_id: organiserId, currency, ...settingsColumns(s), created_at: now, updated_at: now };
    const names = Object.keys(cols);
    const writer = await this.router.writer(ref.shard);
    await writer.submit({
      steps: [
        [
          { sql: `INSERT INTO events (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, args: Object.values(cols) },
          logStatement({ eventId: ref.id, at: now, kind: 'created', message: `Event created: ${s.name}` }),
        ],
      ],
    });
  }

  /**
   * Saves new settings; false when capacity would drop below what is sold or held (the check
   * is in the WHERE, so it holds against concurrent bookings). Busy while the event is frozen
   * for a move; a stale entry (moved) is re-resolved and the update runs on the new shard.
   */
  update(ref: EventRef, s: EventSettings, now: string, message = 'Event settings updated', actorId: number | null = null): Promise<boolean> {
    const cols: Record<string, InValue> = { ...settingsColumns(s), updated_at: now };
    const sets = Object.keys(cols).map((c) => `${c} = ?`);
    return this.live.submit(
      ref,
      (r) => ({
        steps: [
          [
            {
              sql: `UPDATE events SET ${sets.join(', ')} WHERE id = ? AND state = 'live' AND (type = 'daily' OR sold + held <= ?) RETURNING id`,
              args: [...Object.values(cols), r.id, s.capacity],
            },
            logStatement({ eventId: r.id, at: now, kind: 'updated', message, actorId, onlyIfChanged: true }),
          ],
        ],
      }),
      (results) => results[0]?.rows.length === 1,
    );
  }

  /** Deletes every row of the event on its shard: exactly the tables EVENT_TABLES lists. */
  /** Busy while frozen for a move (the copy would bring the rows back); a moved copy is re-resolved. */
  async remove(ref: EventRef): Promise<void> {
    await this.live.submit(
      ref,
      (r) => ({
        steps: [
          [
            // Children first while the event row still says live, the event row last.
            ...EVENT_TABLES.map((t) =>
              t.table === 'events'
                ? { sql: `DELETE FROM events WHERE id = ? AND state = 'live'`, args: [r.id] }
                : { sql: `DELETE FROM ${t.table} WHERE ${t.eventColumn} = ? AND ${LIVE_EVENT_SQL}`, args: [r.id, r.id] },
            ),
          ],
        ],
      }),
      () => undefined,
    );
  }
}
