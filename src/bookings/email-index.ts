import type { RootKeyring } from '../crypto';

/**
 * The blind index of an attendee's contact email, keyed per organiser (its own HKDF subkey):
 * the same buyer at two organisers gets unrelated values, so a database copy cannot link
 * tenants' buyers (finding 5). Every writer and reader of attendees.email_index uses this.
 */
export const attendeeEmailIndex = (keyring: RootKeyring, organiserId: number, email: string): string =>
  keyring.blindIndex(`email:organiser:${organiserId}`, email.trim().toLowerCase());
