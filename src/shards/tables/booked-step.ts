import type { Db } from '../../db/db';
import type { EventRecord } from '../../domain/events/event';
import { toEventRecord } from './event-rows';

/** One booking step as its shard holds it now: the attendee row and its event, for the confirmation email. */
export interface BookedStepFacts {
  event: EventRecord;
  quantity: number;
  date: string | null;
  /** Sealed with ROOT_KEY under ticketTokenContext(event id). */
  sealedToken: string;
  pricePaid: number;
  refunded: boolean;
}

/**
 * Reads a booking's attendee row and its event on this shard (one indexed lookup by the
 * UNIQUE (booking_id, event_id)); undefined when the step is gone (cancelled, undone, deleted).
 */
export async function bookedStepFacts(db: Db, eventId: number, bookingId: string): Promise<BookedStepFacts | undefined> {
  const rs = await db.execute({
    sql: `SELECT a.quantity AS a_quantity, a.date AS a_date, a.sealed_token AS a_sealed_token, a.price_paid AS a_price_paid, a.refunded AS a_refunded, e.*
            FROM attendees a JOIN events e ON e.id = a.event_id
           WHERE a.booking_id = ? AND a.event_id = ?`,
    args: [bookingId, eventId],
  });
  const r = rs.rows[0];
  if (!r) return undefined;
  return {
    event: toEventRecord(r),
    quantity: Number(r.a_quantity),
    date: r.a_date === null ? null : String(r.a_date),
    sealedToken: String(r.a_sealed_token),
    pricePaid: Number(r.a_price_paid),
    refunded: Number(r.a_refunded) === 1,
  };
}
