import type { Db } from '../../db/db';

/** What a public ticket page may show about one attendee row: no PII, only the booking's shape. */
export interface TicketRow {
  quantity: number;
  date: string | null;
  pricePaid: number;
  refunded: boolean;
}

/**
 * One ticket by the blind index of its token. The event id (carried in the token) is part
 * of the key, so a token whose prefix was edited to point at another event finds nothing.
 * `token_index` is UNIQUE, so this is one index probe on the event's own shard.
 */
export async function readTicket(db: Db, eventId: number, tokenIndex: string): Promise<TicketRow | undefined> {
  const rs = await db.execute({
    sql: 'SELECT quantity, date, price_paid, refunded FROM attendees WHERE token_index = ? AND event_id = ?',
    args: [tokenIndex, eventId],
  });
  const r = rs.rows[0];
  if (!r) return undefined;
  return {
    quantity: Number(r.quantity),
    date: r.date === null ? null : String(r.date),
    pricePaid: Number(r.price_paid),
    refunded: Number(r.refunded) === 1,
  };
}
