import type { Client, InStatement, Row } from '@libsql/client';
import { nowIso } from '../catalog/catalog-db';
import type { OrganiserRole } from './principal';

export interface UserRecord {
  id: number;
  emailIndex: string;
  sealedEmail: string;
  /** scrypt verifier record; null would mean an account that cannot log in. */
  passwordRecord: string | null;
  platformAdmin: boolean;
  createdAt: string;
}

export interface MembershipRecord {
  userId: number;
  organiserId: number;
  role: OrganiserRole;
  /** The organiser data key under this user's password KEK (context userKeyContext). */
  wrappedDataKey: string;
  createdAt: string;
}

export interface MemberRow {
  userId: number;
  sealedEmail: string;
  role: OrganiserRole;
  createdAt: string;
}

const toUser = (r: Row): UserRecord => ({
  id: Number(r.id),
  emailIndex: String(r.email_index),
  sealedEmail: String(r.sealed_email),
  passwordRecord: r.password_record === null ? null : String(r.password_record),
  platformAdmin: Number(r.platform_admin) === 1,
  createdAt: String(r.created_at),
});

const toMembership = (r: Row): MembershipRecord => ({
  userId: Number(r.user_id),
  organiserId: Number(r.organiser_id),
  role: String(r.role) as OrganiserRole,
  wrappedDataKey: String(r.wrapped_data_key),
  createdAt: String(r.created_at),
});

/** SQL for users and memberships on the catalog. No crypto here: callers pass sealed values. */
export class UserStore {
  constructor(private readonly db: Client) {}

  async anyUser(): Promise<boolean> {
    const rs = await this.db.execute('SELECT 1 FROM users LIMIT 1');
    return rs.rows.length > 0;
  }

  async anyPlatformAdmin(): Promise<boolean> {
    const rs = await this.db.execute('SELECT 1 FROM users WHERE platform_admin = 1 LIMIT 1');
    return rs.rows.length > 0;
  }

  async get(id: number): Promise<UserRecord | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM users WHERE id = ?', args: [id] });
    return rs.rows[0] ? toUser(rs.rows[0]) : undefined;
  }

  async getByEmailIndex(emailIndex: string): Promise<UserRecord | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM users WHERE email_index = ?', args: [emailIndex] });
    return rs.rows[0] ? toUser(rs.rows[0]) : undefined;
  }

  /**
   * Inserts a user; undefined when the email is taken. With `onlyIfNoPlatformAdmin` the
   * insert is conditional inside ONE statement, so of two concurrent first-time setups
   * exactly one wins: SQLite runs the NOT EXISTS check and the insert under the same lock.
   */
  async insert(
    u: { emailIndex: string; sealedEmail: string; passwordRecord: string; platformAdmin: boolean },
    opts: { onlyIfNoPlatformAdmin?: boolean } = {},
  ): Promise<number | undefined> {
    const guard = opts.onlyIfNoPlatformAdmin ? 'WHERE NOT EXISTS (SELECT 1 FROM users WHERE platform_admin = 1)' : 'WHERE true';
    const rs = await this.db.execute({
      sql: `INSERT INTO users (email_index, sealed_email, password_record, platform_admin, created_at)
            SELECT ?, ?, ?, ?, ? ${guard}
            ON CONFLICT (email_index) DO NOTHING RETURNING id`,
      args: [u.emailIndex, u.sealedEmail, u.passwordRecord, u.platformAdmin ? 1 : 0, nowIso()],
    });
    return rs.rows[0] ? Number(rs.rows[0].id) : undefined;
  }

  /** The user and everything that acts for them, explicitly (a remote catalog may not enforce foreign keys). */
  async delete(id: number): Promise<void> {
    await this.db.batch(
      ['sessions', 'api_tokens', 'memberships'].map((table) => ({ sql: `DELETE FROM ${table} WHERE user_id = ?`, args: [id] })).concat([{ sql: 'DELETE FROM users WHERE id = ?', args: [id] }]),
      'write',
    );
  }

  async setPlatformAdmin(id: number): Promise<void> {
    await this.db.execute({ sql: 'UPDATE users SET platform_admin = 1 WHERE id = ?', args: [id] });
  }

  async membershipsOf(userId: number): Promise<MembershipRecord[]> {
    const rs = await this.db.execute({
      sql: 'SELECT * FROM memberships WHERE user_id = ? ORDER BY created_at, organiser_id',
      args: [userId],
    });
    return rs.rows.map(toMembership);
  }

  async membership(userId: number, organiserId: number): Promise<MembershipRecord | undefined> {
    const rs = await this.db.execute({
      sql: 'SELECT * FROM memberships WHERE user_id = ? AND organiser_id = ?',
      args: [userId, organiserId],
    });
    return rs.rows[0] ? toMembership(rs.rows[0]) : undefined;
  }

  /** False when the user is already a member (the existing role is kept). */
  async addMembership(m: { userId: number; organiserId: number; role: OrganiserRole; wrappedDataKey: string }): Promise<boolean> {
    const rs = await this.db.execute({
      sql: `INSERT INTO memberships (user_id, organiser_id, role, wrapped_data_key, created_at)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, organiser_id) DO NOTHING`,
      args: [m.userId, m.organiserId, m.role, m.wrappedDataKey, nowIso()],
    });
    return rs.rowsAffected === 1;
  }

  /**
   * Removes a member together with what still lets them act for the organiser: their API
   * tokens for it and all their sessions (a session holds their unwrapped keys). One batch.
   */
  /**
   * Ends one membership: its tokens and the sessions currently on that organiser go with it,
   * and only if the membership existed. A user who is not a member here loses nothing
   * (another tenant's owner must not be able to log anyone out), and a member of several
   * organisers stays logged in to the others.
   */
  /** Changes a member's role; false when the user is no member of that organiser. */
  async setRole(userId: number, organiserId: number, role: OrganiserRole): Promise<boolean> {
    const rs = await this.db.execute({ sql: 'UPDATE memberships SET role = ? WHERE user_id = ? AND organiser_id = ?', args: [role, userId, organiserId] });
    return rs.rowsAffected === 1;
  }

  async removeMembership(userId: number, organiserId: number): Promise<boolean> {
    const isMember = 'EXISTS (SELECT 1 FROM memberships WHERE user_id = ? AND organiser_id = ?)';
    const [, , removed] = await this.db.batch(
      [
        { sql: `DELETE FROM sessions WHERE user_id = ? AND organiser_id = ? AND ${isMember}`, args: [userId, organiserId, userId, organiserId] },
        {
          sql: `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND organiser_id = ? AND revoked_at IS NULL AND ${isMember}`,
          args: [nowIso(), userId, organiserId, userId, organiserId],
        },
        { sql: 'DELETE FROM memberships WHERE user_id = ? AND organiser_id = ?', args: [userId, organiserId] },
      ],
      'write',
    );
    return (removed?.rowsAffected ?? 0) === 1;
  }

  /** Organisers whose only owner is this user: removing the user would orphan their data. */
  async soleOwnerships(userId: number): Promise<number[]> {
    const rs = await this.db.execute({
      sql: `SELECT m.organiser_id FROM memberships m WHERE m.user_id = ? AND m.role = 'owner'
              AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.organiser_id = m.organiser_id AND o.role = 'owner' AND o.user_id != m.user_id)`,
      args: [userId],
    });
    return rs.rows.map((r) => Number(r.organiser_id));
  }

  async membersOf(organiserId: number): Promise<MemberRow[]> {
    const rs = await this.db.execute({
      sql: `SELECT m.user_id, u.sealed_email, m.role, m.created_at FROM memberships m
            JOIN users u ON u.id = m.user_id WHERE m.organiser_id = ? ORDER BY m.created_at, m.user_id`,
      args: [organiserId],
    });
    return rs.rows.map((r) => ({
      userId: Number(r.user_id),
      sealedEmail: String(r.sealed_email),
      role: String(r.role) as OrganiserRole,
      createdAt: String(r.created_at),
    }));
  }

  /** A new password record and every membership re-wrapped under the new KEK, atomically. */
  async replacePassword(userId: number, passwordRecord: string, rewrapped: Array<{ organiserId: number; wrappedDataKey: string }>): Promise<void> {
    const statements: InStatement[] = [
      { sql: 'UPDATE users SET password_record = ? WHERE id = ?', args: [passwordRecord, userId] },
      ...rewrapped.map((m) => ({
        sql: 'UPDATE memberships SET wrapped_data_key = ? WHERE user_id = ? AND organiser_id = ?',
        args: [m.wrappedDataKey, userId, m.organiserId],
      })),
    ];
    await this.db.batch(statements, 'write');
  }
}
