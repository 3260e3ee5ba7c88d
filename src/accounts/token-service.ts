import type { Client, Row } from '@libsql/client';
import NodeCache from 'node-cache';
import { nowIso } from '../catalog/catalog-db';
import type { OrganiserStore } from '../catalog/organiser-store';
import { deriveSecretKey, dummyVerify, lookupHash, randomToken, type RootKeyring, unwrapDataKey, verifyPassword, wrapDataKey } from '../crypto';
import { AppError } from '../errors';
import type { Logger } from '../lib/logger';
import { emailIndex } from './inputs';
import { tokenKeyContext, userKeyContext } from './key-contexts';
import type { OrganiserRole, Principal } from './principal';
import type { UserStore } from './user-store';

/** Recognisable prefix: secret scanners and people can tell a leaked token apart. */
export const TOKEN_PREFIX = 'bo_';
const CACHE_TTL_SECONDS = 10;
const LAST_USED_RESOLUTION_MS = 60_000;

export interface TokenSummary {
  id: number;
  label: string;
  organiserId: number | null;
  mine: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreateTokenInput {
  email: string;
  password: string;
  organiserSlug?: string | undefined;
  label?: string | undefined;
}

/**
 * API tokens: stored as sha256 only, shown once. A token bound to an organiser carries its
 * own wrapped copy of the data key (under a key derived from the token), so it can read
 * PII with no password; a platform-only token carries none.
 */
export class TokenService {
  private readonly cache = new NodeCache({ stdTTL: CACHE_TTL_SECONDS, checkperiod: 60, useClones: false });

  constructor(
    private readonly deps: { db: Client; users: UserStore; organisers: OrganiserStore; keyring: RootKeyring; logger: Logger },
  ) {}

  /** The ops CLI path: proves the user with their password, then unwraps their data key. */
  async createToken(input: CreateTokenInput): Promise<{ token: string; id: number; organiserId: number | null }> {
    const user = await this.deps.users.getByEmailIndex(emailIndex(this.deps.keyring, input.email.trim().toLowerCase()));
    const check = user?.passwordRecord ? await verifyPassword(input.password, user.passwordRecord) : await dummyVerify(input.password);
    if (!user || !check.ok || !check.kek) throw new AppError('unauthorized', 'The email or password is wrong.');
    const kek = check.kek;
    try {
      const memberships = await this.deps.users.membershipsOf(user.id);
      let organiserId: number | null;
      if (input.organiserSlug) {
        const org = await this.deps.organisers.getBySlug(input.organiserSlug);
        const m = org && memberships.find((x) => x.organiserId === org.id);
        if (!m) throw new AppError('forbidden', 'This user is not a member of that organiser.');
        organiserId = m.organiserId;
      } else if (memberships.length === 1) {
        organiserId = memberships[0]!.organiserId;
      } else if (memberships.length === 0 && user.platformAdmin) {
        organiserId = null;
      } else if (memberships.length === 0) {
        throw new AppError('forbidden', 'This user has no organiser to make a token for.');
      } else {
        throw new AppError('invalid_request', 'This user belongs to several organisers: choose one with --organiser SLUG.');
      }
      const m = memberships.find((x) => x.organiserId === organiserId);
      const dataKey = m ? unwrapDataKey(kek, m.wrappedDataKey, userKeyContext(user.id, m.organiserId)) : null;
      return await this.insert(user.id, organiserId, dataKey, input.label ?? '');
    } finally {
      kek.fill(0);
    }
  }

  /** The admin page path: the session already holds the organiser's data key. */
  async createForPrincipal(principal: Principal, label: string): Promise<{ token: string; id: number }> {
    if (principal.organiser && !principal.dataKey) throw new AppError('forbidden', 'This session cannot create tokens.');
    if (!principal.organiser && !principal.platformAdmin) throw new AppError('forbidden', 'Choose an organiser first.');
    return this.insert(principal.userId, principal.organiser?.id ?? null, principal.dataKey, label);
  }

  private async insert(userId: number, organiserId: number | null, dataKey: Buffer | null, label: string) {
    const token = TOKEN_PREFIX + randomToken(32);
    const hash = lookupHash(token);
    let wrapped: string | null = null;
    if (organiserId !== null && dataKey) {
      const key = deriveSecretKey(token, 'api-token');
      wrapped = wrapDataKey(key, dataKey, tokenKeyContext(hash, organiserId));
      key.fill(0);
    }
    const rs = await this.deps.db.execute({
      sql: `INSERT INTO api_tokens (token_hash, user_id, organiser_id, label, wrapped_key, created_at)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      args: [hash, userId, organiserId, label.trim().slice(0, 100), wrapped, nowIso()],
    });
    return { token, id: Number(rs.rows[0]!.id), organiserId };
  }

  /** Bearer token → principal; null for unknown, revoked or no-longer-entitled tokens. */
  async resolveBearer(token: string): Promise<Principal | null> {
    if (typeof token !== 'string' || token.length < 32 || token.length > 128) return null;
    const hash = lookupHash(token);
    const hit = this.cache.get<Principal>(hash);
    if (hit) return hit;
    const rs = await this.deps.db.execute({
      sql: `SELECT t.id, t.user_id, t.organiser_id, t.wrapped_key, t.last_used_at, u.platform_admin, m.role
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            LEFT JOIN memberships m ON m.user_id = t.user_id AND m.organiser_id = t.organiser_id
            WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
      args: [hash],
    });
    const row = rs.rows[0];
    if (!row) return null;
    const principal = this.toPrincipal(row, token, hash);
    if (!principal) return null;
    this.cache.set(hash, principal);
    this.touch(Number(row.id), row.last_used_at);
    return principal;
  }

  private toPrincipal(row: Row, token: string, hash: string): Principal | null {
    const platformAdmin = Number(row.platform_admin) === 1;
    const base = { userId: Number(row.user_id), platformAdmin, via: 'token' as const };
    if (row.organiser_id === null) return platformAdmin ? { ...base, organiser: null, dataKey: null } : null;
    // Bound to an organiser the user has since left: the token is dead.
    if (row.role === null || row.wrapped_key === null) return null;
    const organiserId = Number(row.organiser_id);
    const key = deriveSecretKey(token, 'api-token');
    try {
      const dataKey = unwrapDataKey(key, String(row.wrapped_key), tokenKeyContext(hash, organiserId));
      return { ...base, organiser: { id: organiserId, role: String(row.role) as OrganiserRole }, dataKey };
    } catch {
      this.deps.logger.warn({ tokenId: Number(row.id) }, 'accounts.token.key_unwrap_failed');
      return null;
    } finally {
      key.fill(0);
    }
  }

  /** last_used_at is advisory: written at most once a minute, and never awaited. */
  private touch(id: number, lastUsed: unknown): void {
    const now = Date.now();
    if (typeof lastUsed === 'string' && now - Date.parse(lastUsed) < LAST_USED_RESOLUTION_MS) return;
    this.deps.db
      .execute({ sql: 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?', args: [new Date(now).toISOString(), id] })
      .catch((err: unknown) => this.deps.logger.warn({ err, tokenId: id }, 'accounts.token.touch_failed'));
  }

  /** Owners see every token of their organiser, others only their own. */
  private scope(principal: Principal): { where: string; args: Array<number> } {
    if (!principal.organiser) return { where: 'organiser_id IS NULL AND user_id = ?', args: [principal.userId] };
    if (principal.organiser.role === 'owner') return { where: 'organiser_id = ?', args: [principal.organiser.id] };
    return { where: 'organiser_id = ? AND user_id = ?', args: [principal.organiser.id, principal.userId] };
  }

  async list(principal: Principal): Promise<TokenSummary[]> {
    const { where, args } = this.scope(principal);
    const rs = await this.deps.db.execute({
      sql: `SELECT id, user_id, organiser_id, label, created_at, last_used_at FROM api_tokens
            WHERE revoked_at IS NULL AND ${where} ORDER BY created_at DESC, id DESC`,
      args,
    });
    return rs.rows.map((r) => ({
      id: Number(r.id),
      label: String(r.label),
      organiserId: r.organiser_id === null ? null : Number(r.organiser_id),
      mine: Number(r.user_id) === principal.userId,
      createdAt: String(r.created_at),
      lastUsedAt: r.last_used_at === null ? null : String(r.last_used_at),
    }));
  }

  /** 404 for a token outside the caller's scope, exactly as for one that does not exist. */
  async revoke(principal: Principal, id: number): Promise<void> {
    const { where, args } = this.scope(principal);
    const rs = await this.deps.db.execute({
      sql: `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND ${where} RETURNING token_hash`,
      args: [nowIso(), id, ...args],
    });
    const row = rs.rows[0];
    if (!row) throw new AppError('not_found', 'There is no such token.');
    this.cache.del(String(row.token_hash));
  }

  /** Drops cached principals of a user (membership removed), so this process reacts at once. */
  /** Revokes every API token of a user (password change with "also revoke", admin reset). */
  async revokeAllOfUser(userId: number): Promise<number> {
    const rs = await this.deps.db.execute({
      sql: 'UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
      args: [new Date().toISOString(), userId],
    });
    this.invalidateUser(userId);
    return rs.rowsAffected;
  }

  invalidateUser(userId: number): void {
    for (const key of this.cache.keys()) {
      if (this.cache.get<Principal>(key)?.userId === userId) this.cache.del(key);
    }
  }

  close(): void {
    this.cache.close();
  }
}
