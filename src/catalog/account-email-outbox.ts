import type { Client, InStatement } from '@libsql/client';
import type { Db } from '../db/db';
import type { FailedAttempt, OutboxRow, OutboxTable, OutboxWriter } from '../shards/tables/outbox-table';
import type { JobResults, WriteJob } from '../shards/write-job';

/**
 * The catalog's email outbox: mail about accounts (invites), which belong to an organiser and
 * not to an event, so no shard holds them. The leased-outbox core drives it exactly like the
 * shards' outboxes (claim with a lease, backoff, give up), over the catalog client.
 */
export interface AccountEmailRow extends OutboxRow {
  kind: 'invite';
  sealKey: string;
  /** Sealed with ROOT_KEY under inviteEmailBodyContext(sealKey). */
  body: string;
}

/** Queues an invite email in the same catalog batch that writes the invite (found by its code hash). */
export const queueInviteEmail = (codeHash: string, sealedBody: string, nowMs: number): InStatement => ({
  sql: `INSERT INTO account_email_outbox (organiser_id, invite_id, kind, seal_key, body, next_attempt_at, created_at)
        SELECT organiser_id, id, 'invite', code_hash, ?, ?, ? FROM invites WHERE code_hash = ?`,
  args: [sealedBody, nowMs, nowMs, codeHash],
});

/** Unsent emails of invites about to be deleted (replaced or cancelled): they must not carry a dead link. */
export const dropUnsentInviteEmails = (inviteWhere: string, args: Array<string | number>): InStatement => ({
  sql: `DELETE FROM account_email_outbox WHERE sent_at IS NULL AND invite_id IN (SELECT id FROM invites WHERE ${inviteWhere})`,
  args,
});

/** The catalog as the outbox core's writer: each job is one write batch (one transaction). */
export function catalogWriter(db: Pick<Client, 'batch'>): OutboxWriter {
  return {
    async submit(job: WriteJob): Promise<JobResults> {
      return db.batch(job.steps.flat(), 'write');
    },
  };
}

const DUE = `sent_at IS NULL AND body != '' AND next_attempt_at <= ? AND lease_until <= ?`;

export const accountEmailOutboxTable: OutboxTable<AccountEmailRow> = {
  name: 'account-email',

  async hasDue(db: Db, now: number) {
    const rs = await db.execute({ sql: `SELECT 1 FROM account_email_outbox WHERE ${DUE} LIMIT 1`, args: [now, now] });
    return rs.rows.length > 0;
  },

  async claim(writer, now, leaseUntil, limit) {
    const [claimed] = await writer.submit({
      steps: [
        [
          {
            sql: `UPDATE account_email_outbox SET lease_until = ?, attempts = attempts + 1
                   WHERE id IN (SELECT id FROM account_email_outbox WHERE ${DUE} ORDER BY id LIMIT ?)
                  RETURNING id, kind, seal_key, body, attempts`,
            args: [leaseUntil, now, now, limit],
          },
        ],
      ],
    });
    return claimed!.rows.map((r) => ({ id: Number(r.id), kind: 'invite' as const, sealKey: String(r.seal_key), body: String(r.body), attempts: Number(r.attempts) }));
  },

  async done(writer, row, now) {
    await writer.submit({ steps: [[{ sql: "UPDATE account_email_outbox SET sent_at = ?, body = '', last_error = NULL, lease_until = 0 WHERE id = ?", args: [now, row.id] }]] });
  },

  async failed(writer, row, f: FailedAttempt) {
    await writer.submit({
      steps: [
        [
          {
            sql: `UPDATE account_email_outbox SET last_error = ?, lease_until = 0, next_attempt_at = ?${f.giveUp ? ", body = ''" : ''} WHERE id = ?`,
            args: [f.giveUp ? `gave up: ${f.error}` : f.error, f.nextAttemptAt, row.id],
          },
        ],
      ],
    });
  },

  async backlog(db: Db) {
    const rs = await db.execute("SELECT COUNT(*) AS n FROM account_email_outbox WHERE sent_at IS NULL AND body != ''");
    return Number(rs.rows[0]!.n);
  },
};
