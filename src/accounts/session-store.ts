import type { Client, Row } from '@libsql/client';
import { nowIso } from '../catalog/catalog-db';
import type { OrganiserRole } from './principal';

export interface SessionRow {
  id: string;
  userId: number;
  csrfToken: string;
  organiserId: number | null;
  /** organiser id → data key sealed under the cookie-derived key. */
  wrappedKeys: Record<string, string>;
  userAgent: string;
  createdAt: string;
  expiresAt: number;
}

/** A session joined with what a request needs: is the user still an admin / member? */
export interface ResolvedSessionRow extends SessionRow {
  platformAdmin: boolean;
  role: OrganiserRole | null;
}

function parseKeys(text: unknown): Record<string, string> {
  try {
    const v: unknown = JSON.parse(String(text));
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch {
    // A damaged row opens nothing; the caller sees no keys.
  }
  return {};
}

const toSession = (r: Row): SessionRow => ({
  id: String(r.id),
  userId: Number(r.user_id),
  csrfToken: String(r.csrf_token),
  organiserId: r.organiser_id === null ? null : Number(r.organiser_id),
  wrappedKeys: parseKeys(r.wrapped_keys),
  userAgent: String(r.user_agent),
  createdAt: String(r.created_at),
  expiresAt: Number(r.expires_at),
});

/** SQL for the sessions table. Rows hold only hashes and wrapped keys, never a cookie secret. */
export class SessionStore {
  constructor(private readonly db: Client) {}

  async insert(s: Omit<SessionRow, 'createdAt'>): Promise<void> {
    await this.db.execute({
      sql: `INSERT INTO sessions (id, user_id, csrf_token, organiser_id, wrapped_keys, user_agent, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [s.id, s.userId, s.csrfToken, s.organiserId, JSON.stringify(s.wrappedKeys), s.userAgent, nowIso(), s.expiresAt],
    });
  }

  async resolve(id: string): Promise<ResolvedSessionRow | undefined> {
    const rs = await this.db.execute({
      sql: `SELECT s.*, u.platform_admin, m.role FROM sessions s
            JOIN users u ON u.id = s.user_id
            LEFT JOIN memberships m ON m.user_id = s.user_id AND m.organiser_id = s.organiser_id
            WHERE s.id = ?`,
      args: [id],
    });
    const r = rs.rows[0];
    if (!r) return undefined;
    return { ...toSession(r), platformAdmin: Number(r.platform_admin) === 1, role: r.role === null ? null : (String(r.role) as OrganiserRole) };
  }

  async get(id: string): Promise<SessionRow | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM sessions WHERE id = ?', args: [id] });
    return rs.rows[0] ? toSession(rs.rows[0]) : undefined;
  }

  async listForUser(userId: number, now: number): Promise<SessionRow[]> {
    const rs = await this.db.execute({
      sql: 'SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC',
      args: [userId, now],
    });
    return rs.rows.map(toSession);
  }

  async delete(id: string): Promise<void> {
    await this.db.execute({ sql: 'DELETE FROM sessions WHERE id = ?', args: [id] });
  }

  /** Deletes the user's other sessions; returns their ids so caches can drop them. */
  async deleteOthers(userId: number, keepId: string): Promise<string[]> {
    const rs = await this.db.execute({
      sql: 'DELETE FROM sessions WHERE user_id = ? AND id != ? RETURNING id',
      args: [userId, keepId],
    });
    return rs.rows.map((r) => String(r.id));
  }

  async setOrganiser(id: string, organiserId: number): Promise<void> {
    await this.db.execute({ sql: 'UPDATE sessions SET organiser_id = ? WHERE id = ?', args: [organiserId, id] });
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.execute({ sql: 'DELETE FROM sessions WHERE expires_at <= ?', args: [now] });
  }
}
