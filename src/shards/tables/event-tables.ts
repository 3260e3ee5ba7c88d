/**
 * Every table that holds an event's rows on its shard, with the column that names the event.
 * This list is the one definition of "an event's data": a move copies exactly these rows,
 * and deleting an event deletes exactly these rows. Children first, the event row last, so a
 * delete in this order never trips a foreign key and a copy in reverse order never does either.
 * A migration that adds a per-event table adds it here (test/unit/shards/event-tables.test.ts
 * fails otherwise).
 */
export const EVENT_TABLES = [
  { table: 'event_dates', eventColumn: 'event_id' },
  { table: 'attendees', eventColumn: 'event_id' },
  { table: 'holds', eventColumn: 'event_id' },
  { table: 'processed_payments', eventColumn: 'event_id' },
  { table: 'activity_log', eventColumn: 'event_id' },
  { table: 'webhook_outbox', eventColumn: 'event_id' },
  { table: 'refund_outbox', eventColumn: 'event_id' },
  { table: 'email_outbox', eventColumn: 'event_id' },
  { table: 'event_images', eventColumn: 'event_id' },
  { table: 'events', eventColumn: 'id' },
] as const;

export type EventTable = (typeof EVENT_TABLES)[number]['table'];

/**
 * Shard tables that hold no event's rows (bookkeeping of the shard itself). attendee_changes
 * counts changes to attendee rows per event id ON THIS SHARD (migration 0014): a move must
 * neither copy nor reset it, so a counter never returns to a value a search's copy already saw.
 */
export const SHARD_OWN_TABLES = ['schema_migrations', 'attendee_changes'] as const;

/** A place on the fleet: which shard, which event. Directory entries are EventRefs. */
export interface EventRef {
  shard: string;
  id: number;
}
