/**
 * AAD contexts for every wrapped copy of an organiser data key. Binding each copy to its
 * holder means a wrapped key pasted onto another row (another user, session or token) does
 * not open there, even under the same wrapping key. One module so writers and readers agree.
 */
export const userKeyContext = (userId: number, organiserId: number) => `user:${userId}:org:${organiserId}`;

export const sessionKeyContext = (sessionId: string, organiserId: number) => `session:${sessionId}:org:${organiserId}`;

export const tokenKeyContext = (tokenHash: string, organiserId: number) => `api-token:${tokenHash}:org:${organiserId}`;

export const inviteKeyContext = (codeHash: string, organiserId: number) => `invite:${codeHash}:org:${organiserId}`;

/** keyring.sealSecret context of an organiser's Stripe secret key. */
export const stripeKeyContext = (organiserId: number) => `organiser:${organiserId}:stripe-secret-key`;
