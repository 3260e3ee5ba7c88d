import type { KeyObject } from 'node:crypto';
import type { Organiser } from '../catalog/organiser-store';
import { unwrapPrivateKey } from '../crypto';
import { AppError } from '../errors';
import type { Principal } from './principal';

/**
 * The organiser's RSA private key for decrypting attendee PII envelopes, opened with the
 * data key the caller's session or token carries. A platform admin without a membership
 * has no data key, so this is where "admins run the fleet but cannot read PII" holds.
 */
export function unlockOrganiserPrivateKey(principal: Principal, organiser: Organiser): KeyObject {
  const dataKey = mayReadWith(principal, organiser);
  try {
    return unwrapPrivateKey(organiser.wrappedPrivateKey, dataKey);
  } catch {
    // A data key that does not open its organiser's private key is a data problem, and
    // the answer for the caller is the same: no access. No key material in the message.
    throw new AppError('forbidden', 'This account cannot read attendee details for this organiser.');
  }
}

/**
 * The same key, unwrapped only when first used: parsing the RSA key costs ~0.8 ms, and a
 * search the session's memory answers (bookings/decrypted-contacts) decrypts nothing. Whether
 * the caller may read attendees at all is checked now, before anything else happens.
 */
export function organiserKeyOpener(principal: Principal, organiser: Organiser): () => KeyObject {
  mayReadWith(principal, organiser);
  let key: KeyObject | undefined;
  return () => {
    key ??= unlockOrganiserPrivateKey(principal, organiser);
    return key;
  };
}

/** The caller's data key if it may read this organiser's attendees; refused otherwise. */
function mayReadWith(principal: Principal, organiser: Organiser): Buffer {
  if (!principal.dataKey || principal.organiser?.id !== organiser.id) {
    throw new AppError('forbidden', 'This account cannot read attendee details for this organiser.');
  }
  return principal.dataKey;
}

/**
 * Names the caller's session for attendee rows decrypted in memory (bookings/decrypted-contacts):
 * one organiser, one user, one cookie session (or that user's API tokens). Use only after
 * unlockOrganiserPrivateKey succeeded for the same principal (or organiserKeyOpener: then the
 * search opens the key before it decrypts or keeps anything for the scope).
 */
export function decryptionScope(principal: Principal): string {
  return `${principal.organiser?.id ?? 0}:${principal.userId}:${principal.session ? `s:${principal.session.id}` : 'token'}`;
}
