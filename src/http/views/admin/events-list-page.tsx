import { EVENT_STATUS_LABEL, eventStatus } from '../../../domain/events/event-status';
import type { EventRecord } from '../../../domain/events/event';
import { formatInZone } from '../../../lib/zoned-time';
import type { AdminContext } from '../admin-layout';
import { CapacityMeter } from './capacity-meter';

export interface EventsListProps {
  ctx: AdminContext;
  events: EventRecord[];
  timezone: string;
  notice?: string | undefined;
}

/** Standard events by date (undated last), then daily ones: what is coming up first. */
function byDate(a: EventRecord, b: EventRecord): number {
  const key = (e: EventRecord) => `${e.type === 'daily' ? 1 : 0}${e.date ?? '~'}${e.name.toLowerCase()}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** The event cards, also shown on the dashboard. */
export function EventCards({ events, timezone }: { events: EventRecord[]; timezone: string }) {
  if (events.length === 0) {
    return <p class="muted">No events yet. Create one and share its booking link.</p>;
  }
  return (
    <ul class="event-list">
      {[...events].sort(byDate).map((e) => (
        <li class="event-item">
          <div class="event-main">
            <a class="event-name" href={`/admin/events/${e.slug}`}>
              {e.name}
            </a>
            <div class="small muted">
              {e.type === 'daily' ? 'Daily event' : e.date ? formatInZone(e.date, timezone) : 'No date set'}
              {e.location ? ` · ${e.location}` : ''}
            </div>
            <div class="event-badges">
              <span class={EVENT_STATUS_LABEL[eventStatus(e, new Date())].tone ? `badge ${EVENT_STATUS_LABEL[eventStatus(e, new Date())].tone}` : 'badge'}>
                {EVENT_STATUS_LABEL[eventStatus(e, new Date())].text}
              </span>
              {e.type === 'daily' && <span class="badge">Per date</span>}
            </div>
          </div>
          <div class="event-side">
            {e.type === 'daily' ? (
              <p class="small">
                <strong>{e.sold}</strong> sold · {e.capacity} per date
              </p>
            ) : (
              <CapacityMeter sold={e.sold + e.held} capacity={e.capacity} />
            )}
            <div class="actions small">
              <a href={`/admin/events/${e.slug}`}>Attendees</a>
              <a href={`/admin/events/${e.slug}/edit`}>Edit</a>
              <a href={`/ticket/${e.slug}`}>Booking page</a>
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function EventsListPage(p: EventsListProps) {
  const owner = p.ctx.organiser?.role === 'owner';
  return (
    <section class="card">
      <div class="page-head">
        <h1>Events</h1>
        <a class="button" href="/admin/events/new">
          New event
        </a>
      </div>
      {p.notice && <p class="notice ok">{p.notice}</p>}
      <EventCards events={p.events} timezone={p.timezone} />
      {owner && (
        <p class="small muted">
          Also: <a href="/admin/groups">groups</a> (sell several events on one page) and <a href="/admin/holidays">holidays</a> (dates daily events cannot be booked).
        </p>
      )}
    </section>
  );
}
