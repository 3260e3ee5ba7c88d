import NodeCache from 'node-cache';
import {
  deriveSecretKey,
  dummyVerify,
  lookupHash,
  needsRehash,
  randomToken,
  type RootKeyring,
  unwrapDataKey,
  verifyPassword,
  wrapDataKey,
} from '../crypto';
import { AppError } from '../errors';
import type { Logger } from '../lib/logger';
import { storeNewPassword, type UnlockedMembership, unlockMemberships } from './data-keys';
import { emailIndex } from './inputs';
import { sessionKeyContext } from './key-contexts';
import type { LoginThrottle } from './login-throttle';
import type { Principal } from './principal';
import type { ResolvedSessionRow, SessionStore } from './session-store';
import type { UserStore } from './user-store';

export const SESSION_TTL_MS = 24 * 60 * 60_000;
/** Revocation in another process may lag by this much; in this process it is immediate. */
const CACHE_TTL_SECONDS = 10;
const MAX_USER_AGENT = 256;

export interface NewSession {
  /** The cookie value: shown to the browser once, stored nowhere on the server. */
  secret: string;
  principal: Principal;
}

export interface SessionSummary {
  idPrefix: string;
  current: boolean;
  userAgent: string;
  createdAt: string;
  expiresAt: number;
}

export interface LoginInput {
  email: string;
  password: string;
  ip: string | undefined;
  userAgent: string;
  /** The browser's device cookie (see LoginThrottle), if it has one. */
  device?: string | undefined;
}

export interface SessionDeps {
  users: UserStore;
  store: SessionStore;
  throttle: LoginThrottle;
  keyring: RootKeyring;
  logger: Logger;
  now?: () => number;
}

/** Cookie sessions: login with lockout, per-request resolution (cached briefly), revocation. */
export class SessionService {
  private readonly cache = new NodeCache({ stdTTL: CACHE_TTL_SECONDS, checkperiod: 60, useClones: false });
  private readonly now: () => number;

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Email + password → a session holding every data key the user may open. Unknown users
   * cost the same scrypt run as known ones (dummyVerify), and the attempt is counted
   * before the check so parallel guesses cannot outrun the lockout.
   */
  async login(input: LoginInput): Promise<NewSession & { deviceCookie: string }> {
    const { users, throttle } = this.deps;
    const index = emailIndex(this.deps.keyring, input.email.trim().toLowerCase());
    const reservation = await throttle.reserve(throttle.keysFor(index, input.ip, input.device));
    if (reservation.blocked) {
      throw new AppError('too_many_attempts', 'Too many failed attempts. Please wait 15 minutes and try again.', {
        retryAfterSeconds: reservation.retryAfterSeconds,
      });
    }
    const user = await users.getByEmailIndex(index);
    const check = user?.passwordRecord ? await verifyPassword(input.password, user.passwordRecord) : await dummyVerify(input.password);
    if (!user?.passwordRecord || !check.ok || !check.kek) {
      await throttle.fail(reservation);
      throw new AppError('unauthorized', 'The email or password is wrong.');
    }
    await throttle.succeed(reservation);
    const kek = check.kek;
    try {
      const unlocked = unlockMemberships(await users.membershipsOf(user.id), kek, this.deps.logger);
      if (unlocked.length === 0 && !user.platformAdmin) {
        throw new AppError('forbidden', 'This account has no organiser to manage. Ask an owner for a new invite.');
      }
      // Records from older KDF settings are upgraded while the password is at hand.
      if (needsRehash(user.passwordRecord)) await storeNewPassword(users, user.id, input.password, unlocked);
      await this.deps.store.deleteExpired(this.now());
      const session = await this.open({ id: user.id, platformAdmin: user.platformAdmin }, unlocked, input.userAgent);
      return { ...session, deviceCookie: throttle.newDeviceCookie(index) };
    } finally {
      kek.fill(0);
    }
  }

  /** Creates a session for a user whose data keys are already open (login, setup, re-key). */
  async open(
    user: { id: number; platformAdmin: boolean },
    unlocked: UnlockedMembership[],
    userAgent: string,
    preferredOrganiserId?: number,
  ): Promise<NewSession> {
    const secret = randomToken(32);
    const id = lookupHash(secret);
    const sessionKey = deriveSecretKey(secret, 'session');
    const wrappedKeys = Object.fromEntries(
      unlocked.map((m) => [String(m.organiserId), wrapDataKey(sessionKey, m.dataKey, sessionKeyContext(id, m.organiserId))]),
    );
    sessionKey.fill(0);
    const active = unlocked.find((m) => m.organiserId === preferredOrganiserId) ?? unlocked[0];
    const csrfToken = randomToken(32);
    await this.deps.store.insert({
      id,
      userId: user.id,
      csrfToken,
      organiserId: active?.organiserId ?? null,
      wrappedKeys,
      userAgent: userAgent.slice(0, MAX_USER_AGENT),
      expiresAt: this.now() + SESSION_TTL_MS,
    });
    const principal: Principal = {
      userId: user.id,
      platformAdmin: user.platformAdmin,
      via: 'session',
      organiser: active ? { id: active.organiserId, role: active.role } : null,
      dataKey: active ? Buffer.from(active.dataKey) : null,
      session: { id, csrfToken },
    };
    return { secret, principal };
  }

  /** Cookie secret → principal, or null for unknown, expired or damaged sessions. */
  async resolveSession(secret: string): Promise<Principal | null> {
    if (typeof secret !== 'string' || secret.length < 32 || secret.length > 128) return null;
    const id = lookupHash(secret);
    const hit = this.cache.get<Principal>(id);
    if (hit) return hit;
    const row = await this.deps.store.resolve(id);
    if (!row) return null;
    if (row.expiresAt <= this.now()) {
      await this.deps.store.delete(id);
      return null;
    }
    const principal = this.toPrincipal(row, secret);
    if (principal) this.cache.set(id, principal);
    return principal;
  }

  private toPrincipal(row: ResolvedSessionRow, secret: string): Principal | null {
    const base = { userId: row.userId, platformAdmin: row.platformAdmin, via: 'session' as const, session: { id: row.id, csrfToken: row.csrfToken } };
    // No membership for the chosen organiser any more: logged in, but acting for nobody.
    if (row.organiserId === null || row.role === null) return { ...base, organiser: null, dataKey: null };
    const wrapped = row.wrappedKeys[String(row.organiserId)];
    if (!wrapped) return { ...base, organiser: null, dataKey: null };
    const sessionKey = deriveSecretKey(secret, 'session');
    try {
      const dataKey = unwrapDataKey(sessionKey, wrapped, sessionKeyContext(row.id, row.organiserId));
      return { ...base, organiser: { id: row.organiserId, role: row.role }, dataKey };
    } catch {
      // The row was tampered with or copied: refuse the session rather than half-trust it.
      this.deps.logger.warn({ userId: row.userId }, 'accounts.session.key_unwrap_failed');
      return null;
    } finally {
      sessionKey.fill(0);
    }
  }

  async logout(principal: Principal): Promise<void> {
    if (!principal.session) return;
    this.cache.del(principal.session.id);
    await this.deps.store.delete(principal.session.id);
  }

  async list(principal: Principal): Promise<SessionSummary[]> {
    const rows = await this.deps.store.listForUser(principal.userId, this.now());
    return rows.map((r) => ({
      idPrefix: r.id.slice(0, 8),
      current: r.id === principal.session?.id,
      userAgent: r.userAgent,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
    }));
  }

  /** "Log out everywhere else": every other session of this user, in every process's DB view. */
  async revokeOthers(principal: Principal): Promise<number> {
    if (!principal.session) throw new AppError('forbidden', 'Only a browser session can do this.');
    const ids = await this.deps.store.deleteOthers(principal.userId, principal.session.id);
    this.cache.del(ids);
    return ids.length;
  }

  /** Organiser ids this session holds keys for and the user is still a member of. */
  async switchTargets(principal: Principal): Promise<number[]> {
    if (!principal.session) return [];
    const row = await this.deps.store.get(principal.session.id);
    if (!row) return [];
    const memberships = await this.deps.users.membershipsOf(principal.userId);
    return memberships.map((m) => m.organiserId).filter((id) => row.wrappedKeys[String(id)] !== undefined);
  }

  async switchOrganiser(principal: Principal, organiserId: number): Promise<void> {
    const targets = await this.switchTargets(principal);
    // Same answer for "not yours" and "does not exist": nothing about other tenants leaks.
    if (!principal.session || !targets.includes(organiserId)) throw new AppError('forbidden', 'You cannot act for that organiser.');
    await this.deps.store.setOrganiser(principal.session.id, organiserId);
    this.cache.del(principal.session.id);
  }

  /**
   * After a password change: every other session of the user is deleted and the current
   * one is replaced by a fresh session (new cookie secret, keys re-wrapped under it),
   * acting for the same organiser. The old cookie stops working at once.
   */
  async reissueAfterPasswordChange(principal: Principal, unlocked: UnlockedMembership[], userAgent: string): Promise<NewSession> {
    const currentId = principal.session?.id ?? '';
    const others = await this.deps.store.deleteOthers(principal.userId, currentId);
    this.cache.del([...others, currentId]);
    await this.deps.store.delete(currentId);
    return this.open({ id: principal.userId, platformAdmin: principal.platformAdmin }, unlocked, userAgent, principal.organiser?.id);
  }

  /** Drops cached sessions of a user whose rows were deleted elsewhere (member removed). */
  invalidateUser(userId: number): void {
    for (const key of this.cache.keys()) {
      if (this.cache.get<Principal>(key)?.userId === userId) this.cache.del(key);
    }
  }

  close(): void {
    this.cache.close();
  }
}
