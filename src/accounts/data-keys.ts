import { derivePasswordSecrets, unwrapDataKey, wrapDataKey } from '../crypto';
import type { Logger } from '../lib/logger';
import { userKeyContext } from './key-contexts';
import type { OrganiserRole } from './principal';
import type { MembershipRecord, UserStore } from './user-store';

/** A membership whose data key was opened with the user's password KEK (in memory only). */
export interface UnlockedMembership {
  organiserId: number;
  role: OrganiserRole;
  dataKey: Buffer;
}

/**
 * Opens every membership's data key with the KEK. A copy that does not open (a damaged
 * row) is skipped and logged by organiser id, so one bad row cannot block the whole login.
 */
export function unlockMemberships(memberships: MembershipRecord[], kek: Buffer, logger: Logger): UnlockedMembership[] {
  const unlocked: UnlockedMembership[] = [];
  for (const m of memberships) {
    try {
      unlocked.push({ organiserId: m.organiserId, role: m.role, dataKey: unwrapDataKey(kek, m.wrappedDataKey, userKeyContext(m.userId, m.organiserId)) });
    } catch {
      logger.error({ userId: m.userId, organiserId: m.organiserId }, 'accounts.data_key.unwrap_failed');
    }
  }
  return unlocked;
}

/**
 * Stores a new password: one scrypt run gives the verifier record and the new KEK, and
 * every data key the user holds is re-wrapped under that KEK in the same transaction, so
 * the old password opens nothing afterwards.
 */
export async function storeNewPassword(users: UserStore, userId: number, password: string, unlocked: UnlockedMembership[]): Promise<void> {
  const { record, kek } = await derivePasswordSecrets(password);
  try {
    const rewrapped = unlocked.map((m) => ({
      organiserId: m.organiserId,
      wrappedDataKey: wrapDataKey(kek, m.dataKey, userKeyContext(userId, m.organiserId)),
    }));
    await users.replacePassword(userId, record, rewrapped);
  } finally {
    kek.fill(0);
  }
}
