/**
 * Every AAD context of the app in one file: a sealed value opens only under the context it was
 * sealed with, so a copy pasted onto another row (another event, booking, shard, user or
 * token) does not open there. A typo here would not fail loudly, it would make data
 * unreadable: writers and readers must take their context from these functions.
 */

/** keyring.sealSecret of a ticket token, stored so exports can show ticket links. */
export const ticketContext = (eventId: number) => `ticket:${eventId}`;

/** keyring.sealSecret of a pending webhook payload. */
export const webhookContext = (bookingId: string) => `webhook:${bookingId}`;

/** keyring.sealSecret of a remote shard's auth token. */
export const shardTokenContext = (shardName: string) => `shard-token:${shardName}`;

// Wrapped copies of an organiser's data key, one context per holder.
export const userKeyContext = (userId: number, organiserId: number) => `user:${userId}:org:${organiserId}`;
export const sessionKeyContext = (sessionId: string, organiserId: number) => `session:${sessionId}:org:${organiserId}`;
export const tokenKeyContext = (tokenHash: string, organiserId: number) => `api-token:${tokenHash}:org:${organiserId}`;
export const inviteKeyContext = (codeHash: string, organiserId: number) => `invite:${codeHash}:org:${organiserId}`;

/** keyring.sealSecret of an organiser's Stripe secret key. */
export const stripeKeyContext = (organiserId: number) => `organiser:${organiserId}:stripe-secret-key`;
