import { derivePasswordSecrets, type RootKeyring } from '../crypto';
import { AppError } from '../errors';
import type { Logger } from '../lib/logger';
import { proveOrCreateUser } from './credentials';
import type { SetupToken } from './setup-token';
import { emailIndex, emailSchema, passwordSchema, sealEmail } from './inputs';
import type { Principal } from './principal';
import type { UserStore } from './user-store';

/**
 * Platform admins run the fleet. They hold no organiser data key unless an owner invites
 * them like anyone else, so being an admin never means reading attendee PII.
 */
export class AdminService {
  // Once true it stays true (users are never all deleted), so /setup costs no query after.
  private setupDone = false;

  constructor(
    private readonly deps: {
      users: UserStore;
      keyring: RootKeyring;
      logger: Logger;
      /** Cached sessions and tokens of a promoted user must see the new role now. */
      onPromoted?: (userId: number) => void;
      /** Cached sessions and tokens of a removed user must die now. */
      onRemoved?: (userId: number) => void;
      /** Opens /setup once accounts exist; without it /setup is only open on a fresh install. */
      setupToken?: SetupToken;
    },
  ) {}

  /** ops admin:create: a new platform admin, or an existing user (proven by password) promoted. */
  async createPlatformAdmin(email: string, password: string): Promise<{ id: number }> {
    const e = emailSchema.parse(email);
    const p = passwordSchema.parse(password);
    const user = await proveOrCreateUser(this.deps.users, this.deps.keyring, e, p, { platformAdmin: true });
    user.kek.fill(0);
    if (!user.platformAdmin) {
      await this.deps.users.setPlatformAdmin(user.userId);
      this.deps.onPromoted?.(user.userId);
    }
    this.setupDone = true;
    this.deps.logger.info({ userId: user.userId }, 'accounts.platform_admin.created');
    return { id: user.userId };
  }

  /** A fresh install has no user at all: the login page sends visitors to /setup. */
  async isFreshInstall(): Promise<boolean> {
    if (this.setupDone) return false;
    return !(await this.deps.users.anyUser());
  }

  /**
   * Who may use /setup now: anyone on a fresh install (no account at all), otherwise only the
   * holder of the one-time setup token; nobody once a platform admin exists.
   */
  async setupAccess(token: unknown): Promise<'open' | 'needs_token' | 'done'> {
    if (await this.isSetupComplete()) return 'done';
    if (await this.isFreshInstall()) return 'open';
    const setup = this.deps.setupToken;
    if (!setup) return 'needs_token';
    // Make sure the operator has a token to find in DATA_DIR.
    setup.ensure();
    return setup.matches(token) ? 'open' : 'needs_token';
  }

  /** ops init: the setup link's token while no platform admin exists. */
  async pendingSetupToken(): Promise<string | undefined> {
    if (await this.isSetupComplete()) return undefined;
    return this.deps.setupToken?.ensure();
  }

  async isSetupComplete(): Promise<boolean> {
    if (!this.setupDone) this.setupDone = await this.deps.users.anyPlatformAdmin();
    return this.setupDone;
  }

  /**
   * /setup: the first platform admin, only while there is none (organisers made first with
   * `ops demo` or `organiser:create` do not close it). The
   * check and the insert are one SQL statement, so of two setups racing exactly one wins
   * (the seed let both through); the loser gets not_found, as /setup no longer exists.
   */
  async setupFirstAdmin(email: string, password: string): Promise<{ id: number }> {
    const e = emailSchema.parse(email);
    const p = passwordSchema.parse(password);
    if (await this.isSetupComplete()) throw new AppError('not_found', 'Setup is already done.');
    const { record, kek } = await derivePasswordSecrets(p);
    kek.fill(0);
    const id = await this.deps.users.insert(
      { emailIndex: emailIndex(this.deps.keyring, e), sealedEmail: sealEmail(this.deps.keyring, e, 'user-email'), passwordRecord: record, platformAdmin: true },
      { onlyIfNoPlatformAdmin: true },
    );
    this.setupDone = true;
    if (id === undefined) throw new AppError('not_found', 'Setup is already done.');
    this.deps.setupToken?.consume();
    this.deps.logger.info({ userId: id }, 'accounts.setup.completed');
    return { id };
  }

  /**
   * Reclaims a squatted email address (finding 11): an owner who accepted their own invite for
   * someone else's address holds an account under it. The platform admin removes that account
   * (its memberships, sessions and API tokens go with it, by foreign key) so the real person
   * can be invited afresh. Refused for the only owner of an organiser, whose data it would
   * orphan, and for platform admins.
   */
  async reclaimEmail(principal: Principal, email: string): Promise<{ email: string; memberships: number }> {
    if (!principal.platformAdmin) throw new AppError('forbidden', 'Only a platform admin can do this.');
    const e = emailSchema.parse(email);
    const user = await this.deps.users.getByEmailIndex(emailIndex(this.deps.keyring, e));
    if (!user) throw new AppError('not_found', 'No account uses that address.');
    if (user.platformAdmin) throw new AppError('conflict', 'That address belongs to a platform admin.');
    if ((await this.deps.users.soleOwnerships(user.id)).length > 0) {
      throw new AppError('conflict', 'That account is the only owner of an organiser; add another owner first.');
    }
    const memberships = (await this.deps.users.membershipsOf(user.id)).length;
    await this.deps.users.delete(user.id);
    this.deps.onRemoved?.(user.id);
    this.deps.logger.warn({ userId: user.id, by: principal.userId, memberships }, 'accounts.email.reclaimed');
    return { email: e, memberships };
  }
}
