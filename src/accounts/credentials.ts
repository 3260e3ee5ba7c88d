import { derivePasswordSecrets, type RootKeyring, verifyPassword } from '../crypto';
import { AppError } from '../errors';
import { emailIndex, sealEmail } from './inputs';
import type { UserStore } from './user-store';

export interface ProvenUser {
  userId: number;
  platformAdmin: boolean;
  /** The user's password KEK; the caller wraps data keys with it, then zeroes it. */
  kek: Buffer;
  created: boolean;
}

/**
 * The account for `email`, proven by `password`: an existing user must give their own
 * password (we cannot wrap a data key for them otherwise: the KEK comes from it), a new
 * one is created with it. Used where an operator or owner names a person by email.
 */
export async function proveOrCreateUser(
  users: UserStore,
  keyring: RootKeyring,
  email: string,
  password: string,
  opts: { platformAdmin?: boolean } = {},
): Promise<ProvenUser> {
  const index = emailIndex(keyring, email);
  const existing = await users.getByEmailIndex(index);
  if (!existing) {
    const { record, kek } = await derivePasswordSecrets(password);
    const userId = await users.insert({
      emailIndex: index,
      sealedEmail: sealEmail(keyring, email, 'user-email'),
      passwordRecord: record,
      platformAdmin: opts.platformAdmin ?? false,
    });
    if (userId !== undefined) return { userId, platformAdmin: opts.platformAdmin ?? false, kek, created: true };
    kek.fill(0);
    // Someone created the same account a moment ago: fall through and prove against it.
  }
  const user = existing ?? (await users.getByEmailIndex(index));
  const check = user?.passwordRecord ? await verifyPassword(password, user.passwordRecord) : { ok: false, kek: null };
  if (!user || !check.ok || !check.kek) {
    throw new AppError('unauthorized', 'An account with that email already exists and the password given is not its password.');
  }
  return { userId: user.id, platformAdmin: user.platformAdmin, kek: check.kek, created: false };
}
