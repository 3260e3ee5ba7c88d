export type OrganiserRole = 'owner' | 'manager';

/**
 * Who is calling, resolved once per request by the authenticate middleware from a session
 * cookie or a bearer token. Every admin query is scoped by `organiser.id`.
 */
export interface Principal {
  userId: number;
  platformAdmin: boolean;
  via: 'session' | 'token';
  /** The organiser this request acts for; null for a platform-only caller. */
  organiser: { id: number; role: OrganiserRole } | null;
  /** That organiser's data key, unwrapped for this request only (never stored in plaintext). */
  dataKey: Buffer | null;
  /** Present for cookie sessions: the session row id and its CSRF synchronizer token. */
  session?: { id: string; csrfToken: string };
}
