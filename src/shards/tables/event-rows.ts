import type { Row } from '@libsql/client';
import type { ContactField, EventRecord, EventSettings, EventState, EventType } from '../../domain/events/event';

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toEventRecord(r: Row): EventRecord {
  return {
    id: Number(r.id),
    slug: String(r.slug),
    organiserId: Number(r.organiser_id),
    name: String(r.name),
    description: String(r.description),
    date: str(r.event_date),
    location: String(r.location),
    type: String(r.type) as EventType,
    capacity: Number(r.capacity),
    sold: Number(r.sold),
    held: Number(r.held),
    price: Number(r.price),
    currency: String(r.currency),
    maxPerPurchase: Number(r.max_per_purchase),
    maxPerEmail: r.max_per_email === null || r.max_per_email === undefined ? null : Number(r.max_per_email),
    fields: JSON.parse(String(r.fields)) as ContactField[],
    optionalFields: JSON.parse(String(r.optional_fields ?? '[]')) as ContactField[],
    opensAt: str(r.opens_at),
    closesAt: str(r.closes_at),
    webhookUrl: str(r.webhook_url),
    thankYouUrl: str(r.thank_you_url),
    active: Number(r.active) === 1,
    groupId: r.group_id === null ? null : Number(r.group_id),
    bookableDays: JSON.parse(String(r.bookable_days)) as number[],
    minDaysBefore: Number(r.min_days_before),
    maxDaysAfter: Number(r.max_days_after),
    state: String(r.state) as EventState,
    image: str(r.image),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

/** Column ← settings value, shared by insert and update so the two never drift apart. */
export function settingsColumns(s: EventSettings): Record<string, string | number | null> {
  return {
    slug: s.slug,
    name: s.name,
    description: s.description,
    event_date: s.date,
    location: s.location,
    type: s.type,
    capacity: s.capacity,
    price: s.price,
    max_per_purchase: s.maxPerPurchase,
    max_per_email: s.maxPerEmail,
    fields: JSON.stringify(s.fields),
    // Only fields the event asks for can be optional.
    optional_fields: JSON.stringify(s.optionalFields.filter((f) => s.fields.includes(f))),
    opens_at: s.opensAt,
    closes_at: s.closesAt,
    webhook_url: s.webhookUrl,
    thank_you_url: s.thankYouUrl,
    active: s.active ? 1 : 0,
    group_id: s.groupId,
    bookable_days: JSON.stringify(s.bookableDays),
    min_days_before: s.minDaysBefore,
    max_days_after: s.maxDaysAfter,
  };
}
