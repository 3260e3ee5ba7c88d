import type { Client, InStatement } from '@libsql/client';

/** What an organiser-wide entry is about (event and attendee entries live on the shards). */
export type OrganiserLogKind = 'settings' | 'user' | 'invite' | 'group' | 'holiday' | 'event';

export interface OrganiserLogEntry {
  organiserId: number;
  actorUserId: number | null;
  at: string;
  kind: OrganiserLogKind;
  /** Never names a person in plaintext. */
  message: string;
}

export interface OrganiserLogLine {
  createdAt: string;
  kind: string;
  message: string;
  actorUserId: number | null;
}

/**
 * The one writer of organiser_log rows: the statement goes into the same catalog batch as
 * the change it records, so the log never disagrees with the data.
 */
export function organiserLogStatement(e: OrganiserLogEntry): InStatement {
  return {
    sql: 'INSERT INTO organiser_log (organiser_id, actor_user_id, created_at, kind, message) VALUES (?, ?, ?, ?, ?)',
    args: [e.organiserId, e.actorUserId, e.at, e.kind, e.message],
  };
}

/** Reads of the organiser-wide log, newest first. */
export class OrganiserLogStore {
  constructor(private readonly db: Client) {}

  async newest(organiserId: number, limit: number): Promise<OrganiserLogLine[]> {
    const rs = await this.db.execute({
      sql: 'SELECT created_at, kind, message, actor_user_id FROM organiser_log WHERE organiser_id = ? ORDER BY id DESC LIMIT ?',
      args: [organiserId, limit],
    });
    return rs.rows.map((r) => ({
      createdAt: String(r.created_at),
      kind: String(r.kind),
      message: String(r.message),
      actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
    }));
  }

  /** An entry on its own, for changes written elsewhere (groups, holidays, users). */
  async append(e: OrganiserLogEntry): Promise<void> {
    await this.db.execute(organiserLogStatement(e));
  }
}
