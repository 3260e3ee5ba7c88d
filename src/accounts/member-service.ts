import type { RootKeyring } from '../crypto';
import { AppError } from '../errors';
import type { Logger } from '../lib/logger';
import { openEmail } from './inputs';
import type { OrganiserRole, Principal } from './principal';
import type { UserStore } from './user-store';

export interface MemberSummary {
  userId: number;
  email: string;
  role: OrganiserRole;
  joinedAt: string;
  you: boolean;
}

/** The people of one organiser, as its owners manage them. */
export class MemberService {
  constructor(
    private readonly deps: {
      users: UserStore;
      keyring: RootKeyring;
      logger: Logger;
      /** Cached principals of a removed member must die now, not in 10 s. */
      onRemoved: (userId: number) => void;
    },
  ) {}

  private ownerOrganiser(principal: Principal): number {
    if (principal.organiser?.role !== 'owner') throw new AppError('forbidden', 'Only an owner can manage users.');
    return principal.organiser.id;
  }

  async list(principal: Principal): Promise<MemberSummary[]> {
    const organiserId = this.ownerOrganiser(principal);
    const rows = await this.deps.users.membersOf(organiserId);
    return rows.map((r) => ({
      userId: r.userId,
      email: openEmail(this.deps.keyring, r.sealedEmail, 'user-email'),
      role: r.role,
      joinedAt: r.createdAt,
      you: r.userId === principal.userId,
    }));
  }

  /**
   * Removes a member, their tokens for this organiser and their sessions. An owner cannot
   * remove themself, so every organiser keeps at least one owner who can reach its data.
   */
  async remove(principal: Principal, userId: number): Promise<void> {
    const organiserId = this.ownerOrganiser(principal);
    if (userId === principal.userId) throw new AppError('forbidden', 'You cannot remove yourself.');
    // Not a member here looks exactly like no such user: nothing about other tenants leaks.
    if (!(await this.deps.users.removeMembership(userId, organiserId))) throw new AppError('not_found', 'There is no such member.');
    this.deps.onRemoved(userId);
    this.deps.logger.info({ organiserId, userId }, 'accounts.member.removed');
  }

  /**
   * Makes a member an owner or a manager. An owner cannot change their own role, so the
   * organiser always keeps the owner who acts (and with them, someone who can reach its data).
   */
  async changeRole(principal: Principal, userId: number, role: OrganiserRole): Promise<void> {
    const organiserId = this.ownerOrganiser(principal);
    if (userId === principal.userId) throw new AppError('forbidden', 'You cannot change your own role. Ask another owner.');
    if (!(await this.deps.users.setRole(userId, organiserId, role))) throw new AppError('not_found', 'There is no such member.');
    // Their cached sessions and tokens carry the old role: drop them so the new one applies now.
    this.deps.onRemoved(userId);
    this.deps.logger.info({ organiserId, userId, role }, 'accounts.member.role_changed');
  }
}
