import { z } from 'zod';
import type { RootKeyring } from '../crypto';
import { lineText } from '../domain/inputs';

/**
 * Shared zod pieces for account inputs (HTTP forms, JSON and the ops CLI all parse with
 * these, so a rule is written once). Messages are shown to users: no values echoed back.
 */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter a valid email address.').max(254, 'That email address is too long.'));

// scrypt copes with any length; the cap stops a megabyte "password" from being a cheap DoS.
export const passwordSchema = z
  .string()
  .min(8, 'Use at least 8 characters.')
  .max(1024, 'Use at most 1024 characters.');

/** Organiser slugs: the rule lives in domain/inputs (the public site checks URLs with it too). */
export { organiserSlugSchema as slugSchema } from '../domain/inputs';

export const organiserNameSchema = lineText().min(1, 'Enter a name.').max(120, 'Use at most 120 characters.');

export const roleSchema = z.enum(['owner', 'manager']);

/** A new password typed twice, as the join and password-change forms ask for it. */
export const newPasswordPair = z
  .object({ password: passwordSchema, password_confirm: z.string() })
  .refine((v) => v.password === v.password_confirm, { message: 'The two passwords differ.', path: ['password_confirm'] });

// Blind-index purpose shared by users and invites, so an invite finds an existing account.
const EMAIL_INDEX_PURPOSE = 'user-email';

/** Emails are PII: rows hold a blind index for look-ups and a ROOT_KEY-sealed copy for display. */
export const emailIndex = (keyring: RootKeyring, normalisedEmail: string): string =>
  keyring.blindIndex(EMAIL_INDEX_PURPOSE, normalisedEmail);

export type EmailSealContext = 'user-email' | 'invite-email';

export const sealEmail = (keyring: RootKeyring, normalisedEmail: string, context: EmailSealContext): string =>
  keyring.sealSecret(normalisedEmail, context);

export const openEmail = (keyring: RootKeyring, sealed: string, context: EmailSealContext): string =>
  keyring.openSecret(sealed, context);
