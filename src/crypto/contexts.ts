/**
 * Every AAD / seal context string, in one module so writers and readers agree. Each context
 * binds a ciphertext to its holder: a sealed value pasted onto another row does not open
 * there, even under the same key. These strings are part of stored data: changing one makes
 * existing rows unreadable (test/unit/crypto/contexts.test.ts pins them).
 */

/** keyring.sealSecret context of a ticket token kept (sealed) on its attendee row. */
export const ticketTokenContext = (eventId: number) => `ticket:${eventId}`;

/** keyring.sealSecret context of a webhook payload waiting in the outbox. */
export const webhookPayloadContext = (bookingId: string) => `webhook:${bookingId}`;

/** keyring.sealSecret context of a shard database's auth token in the registry. */
export const shardTokenContext = (shardName: string) => `shard-token:${shardName}`;

// Wrapped copies of an organiser data key, one context per holder.
export const userKeyContext = (userId: number, organiserId: number) => `user:${userId}:org:${organiserId}`;

export const sessionKeyContext = (sessionId: string, organiserId: number) => `session:${sessionId}:org:${organiserId}`;

export const tokenKeyContext = (tokenHash: string, organiserId: number) => `api-token:${tokenHash}:org:${organiserId}`;

export const inviteKeyContext = (codeHash: string, organiserId: number) => `invite:${codeHash}:org:${organiserId}`;

/** keyring.sealSecret context of an organiser's Stripe secret key. */
export const stripeKeyContext = (organiserId: number) => `organiser:${organiserId}:stripe-secret-key`;

/** keyring.sealSecret context of a buyer email waiting in the email outbox (recipient and ticket links). */
export const emailBodyContext = (bookingId: string) => `email:${bookingId}`;

/** keyring.sealSecret context of the short-lived cookie that lets the booking browser see its confirmation's name and email. */
export const bookedCookieContext = 'booked-confirmation';

/** keyring.sealSecret context of the signing secret of an organiser's Stripe webhook endpoint. */
export const stripeWebhookSecretContext = (organiserId: number) => `organiser:${organiserId}:stripe-webhook-secret`;

/** keyring.sealSecret context of an organiser's webhook signing secret (current or previous). */
export const webhookSecretContext = (organiserId: number, which: 'current' | 'previous') => `organiser:${organiserId}:webhook-secret:${which}`;

/**
 * Blind-index purpose of an attendee's contact email: one key per organiser, so the same buyer
 * cannot be linked across tenants by their index (finding 5). Writers and the search use this.
 */
export const attendeeEmailIndexPurpose = (organiserId: number) => `email:organiser:${organiserId}`;

/** keyring.sealSecret context of an invite email waiting in the catalog's outbox (recipient and the invite link). */
export const inviteEmailBodyContext = (inviteCodeHash: string) => `invite-email:${inviteCodeHash}`;

/** keyring.sealSecret context of an organiser's Square access token. */
export const squareTokenContext = (organiserId: number) => `organiser:${organiserId}:square-access-token`;

/** keyring.sealSecret context of the signature key of an organiser's Square webhook subscription. */
export const squareSignatureKeyContext = (organiserId: number) => `organiser:${organiserId}:square-signature-key`;
