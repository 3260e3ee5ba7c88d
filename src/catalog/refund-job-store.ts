import type { Client } from '@libsql/client';
import { nowIso } from './catalog-db';

export interface RefundAllJobRow {
  id: string;
  eventId: number;
  organiserId: number;
}

/**
 * "Refund the whole event" jobs as asked, so one interrupted (crash, shutdown) is taken up
 * again at the next start. The refunds themselves live in the shards' refund outboxes.
 */
export class RefundJobStore {
  constructor(private readonly db: Client) {}

  async started(job: RefundAllJobRow): Promise<void> {
    await this.db.execute({
      sql: 'INSERT INTO refund_all_jobs (id, event_id, organiser_id, started_at) VALUES (?, ?, ?, ?)',
      args: [job.id, job.eventId, job.organiserId, nowIso()],
    });
  }

  /** Every attendee it set out to refund was refunded (or needed no refund). */
  async finished(id: string): Promise<void> {
    await this.db.execute({ sql: 'UPDATE refund_all_jobs SET finished_at = ? WHERE id = ?', args: [nowIso(), id] });
  }

  async unfinished(): Promise<RefundAllJobRow[]> {
    const rs = await this.db.execute('SELECT id, event_id, organiser_id FROM refund_all_jobs WHERE finished_at IS NULL ORDER BY started_at');
    return rs.rows.map((r) => ({ id: String(r.id), eventId: Number(r.event_id), organiserId: Number(r.organiser_id) }));
  }
}
