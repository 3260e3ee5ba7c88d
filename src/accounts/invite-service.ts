import type { Client, InStatement } from '@libsql/client';
import { dropUnsentInviteEmails, queueInviteEmail } from '../catalog/account-email-outbox';
import { nowIso } from '../catalog/catalog-db';
import { inviteEmailBodyContext } from '../crypto/contexts';
import type { InviteEmailSpec } from '../email/invite-email';
import type { OrganiserStore } from '../catalog/organiser-store';
import { deriveSecretKey, derivePasswordSecrets, lookupHash, randomToken, type RootKeyring, unwrapDataKey, verifyPassword, wrapDataKey } from '../crypto';
import { AppError } from '../errors';
import type { Logger } from '../lib/logger';
import { emailIndex, openEmail, sealEmail } from './inputs';
import { inviteKeyContext, userKeyContext } from './key-contexts';
import type { LoginThrottle } from './login-throttle';
import type { OrganiserRole, Principal } from './principal';
import type { UserStore } from './user-store';

export const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;

export interface InviteSummary {
  id: number;
  email: string;
  role: OrganiserRole;
  expiresAt: number;
  expired: boolean;
  /** The link exists only in the email sent to the address (SMTP configured), not on anyone's screen. */
  emailed: boolean;
}

/** What an owner gets back: the link itself without SMTP, or only the news that it was emailed. */
export type InviteCreated = { delivery: 'link'; code: string; expiresAt: number } | { delivery: 'email'; expiresAt: number };

const messages = {
  invalid: 'This invite link is not valid. It may have been used already.',
  linkOnly:
    'This invite was made before invites were sent by email, so it can no longer be accepted. Ask the owner to invite you again: the new link comes by email, to you alone.',
  mailedOnly: 'With email configured, invites are sent by email only; the link is never shown.',
};

export interface InviteView {
  organiserName: string;
  email: string;
  role: OrganiserRole;
  /** The invitee already has an account: they confirm with its password instead of a new one. */
  existingAccount: boolean;
}

interface InviteRow {
  id: number;
  codeHash: string;
  organiserId: number;
  emailIndex: string;
  sealedEmail: string;
  /** The same email sealed as a user's, ready for the users row. */
  sealedUserEmail: string;
  role: OrganiserRole;
  wrappedDataKey: string;
}

/**
 * Invites by link. The invite row holds the organiser data key wrapped under a key derived
 * from the invite code, which exists only in the link shown once to the owner: accepting
 * re-wraps it under the invitee's password KEK, so no owner has to come back to "activate"
 * anyone, and the database alone (even with ROOT_KEY) opens nothing.
 *
 * The code is a 256-bit random secret like an API token, so it goes through the same HKDF
 * (deriveSecretKey 'api-token'); the AAD context `invite:<hash>:org:<id>` keeps the wrapped
 * copy bound to this invite row.
 */
export class InviteService {
  constructor(
    private readonly deps: {
      db: Client;
      users: UserStore;
      organisers: OrganiserStore;
      throttle: LoginThrottle;
      keyring: RootKeyring;
      logger: Logger;
      now?: () => number;
      /**
       * Set when SMTP is configured: invites are then tied to a mailed link. The code that opens
       * the invite is put only in an email to the invited address (through the catalog's email
       * outbox, durable across restarts), so an owner cannot accept an invite for someone
       * else's address; invites shown as links before that can no longer be accepted.
       */
      mailedLinks?: { publicUrl: string } | null;
    },
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private requireOwner(principal: Principal): { organiserId: number; dataKey: Buffer } {
    if (principal.organiser?.role !== 'owner' || !principal.dataKey) throw new AppError('forbidden', 'Only an owner can manage users.');
    return { organiserId: principal.organiser.id, dataKey: principal.dataKey };
  }

  /**
   * Invites the address: by email when SMTP is configured (the link is never shown), else by a
   * link returned to the owner (stored only as a hash; shown once).
   */
  async invite(principal: Principal, input: { email: string; role: OrganiserRole }): Promise<InviteCreated> {
    if (!this.deps.mailedLinks) return { delivery: 'link', ...(await this.create(principal, input)) };
    return { delivery: 'email', expiresAt: await this.createMailed(principal, input, this.deps.mailedLinks.publicUrl) };
  }

  /** A link invite (no SMTP): returns the code for the link; it is stored only as a hash and cannot be shown again. */
  async create(principal: Principal, input: { email: string; role: OrganiserRole }): Promise<{ code: string; expiresAt: number }> {
    if (this.deps.mailedLinks) throw new AppError('conflict', messages.mailedOnly);
    const made = await this.prepare(principal, input);
    await this.deps.db.batch([...this.replaceOld(made), this.insert(made, 'link')], 'write');
    return { code: made.code, expiresAt: made.expiresAt };
  }

  /**
   * A mailed invite: the invite row and its email (sealed with ROOT_KEY until the SMTP server
   * accepts it, then erased) in ONE catalog transaction, so the email survives a restart and
   * never exists without its invite. The code leaves this method only inside that email.
   */
  private async createMailed(principal: Principal, input: { email: string; role: OrganiserRole }, publicUrl: string): Promise<number> {
    const made = await this.prepare(principal, input);
    const organiser = await this.deps.organisers.get(made.organiserId);
    const spec: InviteEmailSpec = { to: input.email, organiserName: organiser?.name ?? 'your organisation', link: `${publicUrl}/join/${made.code}`, expiresAt: made.expiresAt };
    const sealed = this.deps.keyring.sealSecret(JSON.stringify(spec), inviteEmailBodyContext(made.codeHash));
    await this.deps.db.batch([...this.replaceOld(made), this.insert(made, 'email'), queueInviteEmail(made.codeHash, sealed, this.now())], 'write');
    return made.expiresAt;
  }

  private async prepare(principal: Principal, input: { email: string; role: OrganiserRole }) {
    const { organiserId, dataKey } = this.requireOwner(principal);
    const index = emailIndex(this.deps.keyring, input.email);
    const existing = await this.deps.users.getByEmailIndex(index);
    if (existing && (await this.deps.users.membership(existing.id, organiserId))) {
      throw new AppError('conflict', 'That person is already a member.');
    }
    const code = randomToken(32);
    const codeHash = lookupHash(code);
    const key = deriveSecretKey(code, 'api-token');
    const wrapped = wrapDataKey(key, dataKey, inviteKeyContext(codeHash, organiserId));
    key.fill(0);
    return { organiserId, index, code, codeHash, wrapped, expiresAt: this.now() + INVITE_TTL_MS, invitedBy: principal.userId, email: input.email, role: input.role };
  }

  /** A new invite replaces an unused one for the same person, so only one link works (its unsent email goes too). */
  private replaceOld(made: { organiserId: number; index: string }): InStatement[] {
    const where = 'organiser_id = ? AND email_index = ? AND used_at IS NULL';
    return [dropUnsentInviteEmails(where, [made.organiserId, made.index]), { sql: `DELETE FROM invites WHERE ${where}`, args: [made.organiserId, made.index] }];
  }

  private insert(made: Awaited<ReturnType<InviteService['prepare']>>, delivery: 'link' | 'email'): InStatement {
    return {
      sql: `INSERT INTO invites (code_hash, organiser_id, email_index, sealed_email, role, wrapped_data_key, invited_by, created_at, expires_at, delivery)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [made.codeHash, made.organiserId, made.index, sealEmail(this.deps.keyring, made.email, 'invite-email'), made.role, made.wrapped, made.invitedBy, nowIso(), made.expiresAt, delivery],
    };
  }

  async listPending(principal: Principal): Promise<InviteSummary[]> {
    const { organiserId } = this.requireOwner(principal);
    const rs = await this.deps.db.execute({
      sql: 'SELECT id, sealed_email, role, expires_at, delivery FROM invites WHERE organiser_id = ? AND used_at IS NULL ORDER BY created_at DESC',
      args: [organiserId],
    });
    const now = this.now();
    return rs.rows.map((r) => ({
      id: Number(r.id),
      email: openEmail(this.deps.keyring, String(r.sealed_email), 'invite-email'),
      role: String(r.role) as OrganiserRole,
      expiresAt: Number(r.expires_at),
      expired: Number(r.expires_at) <= now,
      emailed: r.delivery === 'email',
    }));
  }

  async cancel(principal: Principal, id: number): Promise<void> {
    const { organiserId } = this.requireOwner(principal);
    const where = 'id = ? AND organiser_id = ? AND used_at IS NULL';
    const [, deleted] = await this.deps.db.batch([dropUnsentInviteEmails(where, [id, organiserId]), { sql: `DELETE FROM invites WHERE ${where}`, args: [id, organiserId] }], 'write');
    if ((deleted?.rowsAffected ?? 0) === 0) throw new AppError('not_found', 'There is no such invite.');
  }

  /** Unknown or used → 404; expired → 410. */
  private async find(code: string): Promise<InviteRow> {
    const rs = await this.deps.db.execute({
      sql: 'SELECT id, code_hash, organiser_id, email_index, sealed_email, role, wrapped_data_key, expires_at, used_at, delivery FROM invites WHERE code_hash = ?',
      args: [lookupHash(code)],
    });
    const r = rs.rows[0];
    if (!r || r.used_at !== null) throw new AppError('not_found', messages.invalid);
    if (Number(r.expires_at) <= this.now()) throw new AppError('gone', 'This invite has expired. Ask the owner to send a new one.');
    // Once invites are mailed, a link an owner was shown before proves nothing about the address.
    if (this.deps.mailedLinks && r.delivery !== 'email') throw new AppError('gone', messages.linkOnly);
    const sealedEmail = String(r.sealed_email);
    return {
      id: Number(r.id),
      codeHash: String(r.code_hash),
      organiserId: Number(r.organiser_id),
      emailIndex: String(r.email_index),
      sealedEmail,
      sealedUserEmail: sealEmail(this.deps.keyring, openEmail(this.deps.keyring, sealedEmail, 'invite-email'), 'user-email'),
      role: String(r.role) as OrganiserRole,
      wrappedDataKey: String(r.wrapped_data_key),
    };
  }

  async lookup(code: string): Promise<InviteView> {
    const invite = await this.find(code);
    const organiser = await this.deps.organisers.get(invite.organiserId);
    if (!organiser) throw new AppError('not_found', messages.invalid);
    return {
      organiserName: organiser.name,
      email: openEmail(this.deps.keyring, invite.sealedEmail, 'invite-email'),
      role: invite.role,
      existingAccount: (await this.deps.users.getByEmailIndex(invite.emailIndex)) !== undefined,
    };
  }

  /**
   * Sets the password (new account) or proves it (existing account), then claims the
   * invite in one conditional UPDATE so two tabs accepting at once cannot both succeed.
   * An existing account's password check counts towards that account's login lockout:
   * a leaked link must not become a way to guess it.
   */
  async accept(code: string, password: string): Promise<{ userId: number; organiserId: number }> {
    const invite = await this.find(code);
    const { users, throttle } = this.deps;
    const existing = await users.getByEmailIndex(invite.emailIndex);
    let kek: Buffer;
    let record: string | null = null;
    if (existing?.passwordRecord) {
      const reservation = await throttle.reserve(throttle.keysFor(invite.emailIndex, undefined));
      if (reservation.blocked) throw new AppError('too_many_attempts', 'Too many failed attempts. Please wait 15 minutes and try again.', { retryAfterSeconds: reservation.retryAfterSeconds });
      const check = await verifyPassword(password, existing.passwordRecord);
      if (!check.ok || !check.kek) {
        await throttle.fail(reservation);
        throw new AppError('unauthorized', 'That is not the password of your existing account.');
      }
      await throttle.succeed(reservation);
      kek = check.kek;
    } else {
      ({ record, kek } = await derivePasswordSecrets(password));
    }
    try {
      // Claim first, blanking the wrapped key: once used, the row holds no key material.
      const claimed = await this.deps.db.execute({
        sql: `UPDATE invites SET used_at = ?, wrapped_data_key = '' WHERE id = ? AND used_at IS NULL AND expires_at > ?`,
        args: [nowIso(), invite.id, this.now()],
      });
      if (claimed.rowsAffected !== 1) throw new AppError('not_found', messages.invalid);
      try {
        return await this.join(invite, code, existing?.id, record, kek);
      } catch (err) {
        // Give the link back so the invitee can retry after whatever went wrong.
        await this.deps.db.execute({ sql: 'UPDATE invites SET used_at = NULL, wrapped_data_key = ? WHERE id = ?', args: [invite.wrappedDataKey, invite.id] });
        throw err;
      }
    } finally {
      kek.fill(0);
    }
  }

  private async join(invite: InviteRow, code: string, existingUserId: number | undefined, record: string | null, kek: Buffer) {
    const key = deriveSecretKey(code, 'api-token');
    let dataKey: Buffer;
    try {
      dataKey = unwrapDataKey(key, invite.wrappedDataKey, inviteKeyContext(invite.codeHash, invite.organiserId));
    } finally {
      key.fill(0);
    }
    let userId = existingUserId;
    if (userId === undefined) {
      userId = await this.deps.users.insert({ emailIndex: invite.emailIndex, sealedEmail: invite.sealedUserEmail, passwordRecord: record ?? '', platformAdmin: false });
      if (userId === undefined) throw new AppError('conflict', 'An account for this email was just created. Open the link again.');
    }
    await this.deps.users.addMembership({
      userId,
      organiserId: invite.organiserId,
      role: invite.role,
      wrappedDataKey: wrapDataKey(kek, dataKey, userKeyContext(userId, invite.organiserId)),
    });
    dataKey.fill(0);
    this.deps.logger.info({ userId, organiserId: invite.organiserId }, 'accounts.invite.accepted');
    return { userId, organiserId: invite.organiserId };
  }
}
