import { verifyPassword } from '../crypto';
import { AppError } from '../errors';
import type { Logger } from '../lib/logger';
import { storeNewPassword, unlockMemberships } from './data-keys';
import type { LoginThrottle } from './login-throttle';
import type { Principal } from './principal';
import type { NewSession, SessionService } from './session-service';
import type { TokenService } from './token-service';
import type { UserStore } from './user-store';

/**
 * Password change. The data keys are re-wrapped under the new password's KEK, so the old
 * password opens nothing afterwards. Sessions (decision recorded in the issue): every other
 * session of the user is deleted (a thief's cookie dies with the old password) and the
 * current one is re-keyed, i.e. replaced by a new session with a new cookie secret and
 * its keys re-wrapped, so the person changing the password stays logged in. API tokens
 * are independent of the password and keep working, unless the user ticks "also revoke my
 * API tokens" (finding 16).
 */
export class PasswordService {
  constructor(private readonly deps: { users: UserStore; sessions: SessionService; tokens: TokenService; throttle: LoginThrottle; logger: Logger }) {}

  async changePassword(principal: Principal, current: string, next: string, userAgent: string, opts: { revokeTokens?: boolean } = {}): Promise<NewSession> {
    if (principal.via !== 'session' || !principal.session) throw new AppError('forbidden', 'Change your password from a browser session.');
    const user = await this.deps.users.get(principal.userId);
    if (!user?.passwordRecord) throw new AppError('unauthorized', 'Please log in again.');
    // A stolen cookie must not become an unlimited password oracle: count like logins.
    const { throttle } = this.deps;
    const reservation = await throttle.reserve(throttle.keysFor(user.emailIndex, undefined));
    if (reservation.blocked) {
      throw new AppError('too_many_attempts', 'Too many failed attempts. Please wait 15 minutes and try again.', { retryAfterSeconds: reservation.retryAfterSeconds });
    }
    const check = await verifyPassword(current, user.passwordRecord);
    if (!check.ok || !check.kek) {
      await throttle.fail(reservation);
      throw new AppError('unauthorized', 'Your current password is wrong.');
    }
    await throttle.succeed(reservation);
    try {
      const unlocked = unlockMemberships(await this.deps.users.membershipsOf(user.id), check.kek, this.deps.logger);
      await storeNewPassword(this.deps.users, user.id, next, unlocked);
      // Tokens do not depend on the password; whoever suspects a leak can end them here too.
      const revokedTokens = opts.revokeTokens ? await this.deps.tokens.revokeAllOfUser(user.id) : 0;
      this.deps.logger.info({ userId: user.id, revokedTokens }, 'accounts.password.changed');
      return await this.deps.sessions.reissueAfterPasswordChange(principal, unlocked, userAgent);
    } finally {
      check.kek.fill(0);
    }
  }
}
