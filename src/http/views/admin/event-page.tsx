import type { AttendeeView } from '../../../bookings/attendee-service';
import type { EventSales } from '../../../bookings/sales-overview';
import { type EventRecord, eventImagePath, remaining } from '../../../domain/events/event';
import { EVENT_STATUS_LABEL, eventStatus } from '../../../domain/events/event-status';
import { formatMoney } from '../../../lib/money';
import { formatInZone, } from '../../../lib/zoned-time';
import { type AdminContext, CsrfField } from '../admin-layout';
import { type AttendeeFilter, type AttendeeListing, filterQuery } from './attendee-filter';
import { Filters, Pager } from './attendee-list-controls';
import { AttendeeRow } from './attendee-row';
import { CapacityMeter } from './capacity-meter';
import { SalesChart } from './sales-chart';

export type { AttendeeFilter } from './attendee-filter';

export interface EventPageProps {
  ctx: AdminContext;
  event: EventRecord;
  attendees: AttendeeView[];
  /** Paging of the list: whether more follow, and the totals when known. */
  listing?: AttendeeListing;
  filter: AttendeeFilter;
  counters: { checkedIn: number; soldOnDate: number | null };
  publicUrl: string;
  timezone: string;
  notice?: string | undefined;
  /** Sales by day and revenue (the chart and the revenue figure). */
  sales?: EventSales;
  now?: Date;
  /** Whether ticket emails can be (re)sent, and the line that says so. */
  mail?: { on: boolean; status: string };
}

function Stat({ label, value, sub }: { label: string; value: string | number; sub?: string }) {
  return (
    <div class="stat">
      <span class="stat-value">{value}</span>
      <span class="stat-label">{label}</span>
      {sub && <span class="stat-sub small muted">{sub}</span>}
    </div>
  );
}

function Counters({ event, counters, filter }: Pick<EventPageProps, 'event' | 'counters' | 'filter'>) {
  const daily = event.type === 'daily';
  if (daily && counters.soldOnDate !== null && filter.date) {
    return (
      <>
        <div class="stats">
          <Stat label={`Sold on ${filter.date}`} value={counters.soldOnDate} />
          <Stat label="Available that day" value={Math.max(0, event.capacity - counters.soldOnDate)} />
          <Stat label="Checked in that day" value={counters.checkedIn} />
        </div>
        <CapacityMeter sold={counters.soldOnDate} capacity={event.capacity} />
      </>
    );
  }
  return (
    <>
      <div class="stats">
        <Stat label={daily ? 'Sold (all dates)' : 'Sold'} value={event.sold} {...(event.held > 0 ? { sub: `+ ${event.held} in checkout` } : {})} />
        <Stat label="Available" value={daily ? `${event.capacity}/day` : remaining(event)} />
        <Stat label="Checked in" value={counters.checkedIn} />
      </div>
      {!daily && <CapacityMeter sold={event.sold + event.held} capacity={event.capacity} />}
    </>
  );
}

/** One image per event: PNG, JPEG or WebP up to 1 MB, resized on upload. */
function ImageForm({ event, ctx }: { event: EventRecord; ctx: AdminContext }) {
  const base = `/admin/events/${event.slug}/image`;
  const src = eventImagePath(event);
  return (
    <details class="share event-image-admin" open={!src}>
      <summary>{src ? 'Event image' : 'Add an event image'}</summary>
      {src && <img class="event-image" src={src} alt={`Poster for ${event.name}`} />}
      <form method="post" action={base} enctype="multipart/form-data" class="image-upload">
        <CsrfField token={ctx.csrfToken} />
        <input type="file" name="image" accept="image/png,image/jpeg,image/webp" required aria-label="Image file" />
        <button type="submit" class="small">
          {src ? 'Replace image' : 'Upload image'}
        </button>
      </form>
      <p class="small muted">PNG, JPEG or WebP, at most 1 MB. It shows on the booking page, the tickets and the organiser's event list.</p>
      {src && (
        <form method="post" action={`${base}/delete`} class="inline">
          <CsrfField token={ctx.csrfToken} />
          <button type="submit" class="small secondary">
            Remove image
          </button>
        </form>
      )}
    </details>
  );
}

function Share({ event, publicUrl }: { event: EventRecord; publicUrl: string }) {
  const url = `${publicUrl}/ticket/${event.slug}`;
  const iframe = `<iframe src="${url}?iframe=true" title="Book: ${event.name.replace(/"/g, '&quot;')}" width="100%" height="1100" style="border:0"></iframe>`;
  const script = `<script src="${publicUrl}/embed.js" data-events="${event.slug}" async></script>`;
  return (
    <details class="share">
      <summary>Booking link and embed code</summary>
      <p>
        Public booking page: <a href={url}>{url}</a>
      </p>
      <label for="embed-script" class="small">
        Embed with the script (resizes itself)
      </label>
      <textarea id="embed-script" class="snippet" readOnly rows={2}>
        {script}
      </textarea>
      <label for="embed-iframe" class="small">
        Or a plain iframe. It cannot resize itself, so it is tall; prefer the script above, which sizes the frame to the form so “Book now” is never
        hidden inside an inner scroll.
      </label>
      <textarea id="embed-iframe" class="snippet" readOnly rows={3}>
        {iframe}
      </textarea>
    </details>
  );
}

function StatusBadge({ event, now }: { event: EventRecord; now: Date }) {
  const s = EVENT_STATUS_LABEL[eventStatus(event, now)];
  return <span class={s.tone ? `badge ${s.tone}` : 'badge'}>{s.text}</span>;
}

export function EventPage(p: EventPageProps) {
  const { event, ctx, filter } = p;
  const base = `/admin/events/${event.slug}`;
  return (
    <>
      <section class="card">
        <p class="small">
          <a href="/admin/events">← Events</a>
        </p>
        <div class="page-head">
          <div>
            <h1>{event.name}</h1>
            <p class="muted small">
              {event.type === 'daily' ? 'Daily event' : event.date ? formatInZone(event.date, p.timezone) : 'No date set'}
              {event.location ? ` · ${event.location}` : ''}
              {' · '}
              {event.price > 0 ? formatMoney(event.price, event.currency) : 'Free'}{' '}
              <StatusBadge event={event} now={p.now ?? new Date()} />
            </p>
          </div>
          <div class="actions">
            <a class="button secondary small" href={`${base}/edit`}>
              Edit
            </a>
            <a class="button secondary small" href={`${base}/duplicate`}>
              Duplicate
            </a>
          </div>
        </div>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        {eventStatus(event, p.now ?? new Date()) === 'past' && <p class="notice warn">This event’s date has passed, so it takes no more bookings.</p>}
        <Counters event={event} counters={p.counters} filter={filter} />
        {p.sales && (
          <>
            <p class="small">
              Revenue: <strong>{formatMoney(p.sales.revenue, event.currency)}</strong>
            </p>
            <SalesChart days={p.sales.days} />
          </>
        )}
        <Share event={event} publicUrl={p.publicUrl} />
        <ImageForm event={event} ctx={ctx} />
      </section>

      <section class="card">
        <div class="page-head">
          <h2>Attendees</h2>
          <div class="actions small">
            <a class="button small" href={`${base}/attendees/new`}>
              Add attendee
            </a>
            <a class="button secondary small" href={`${base}/scanner`}>
              Door scanner
            </a>
            <a class="button secondary small" href={`${base}/attendees.csv${filterQuery({ ...filter, page: 1 })}`} download>
              Download CSV
            </a>
            <a href={`${base}/log`}>Activity log</a>
          </div>
        </div>
        {p.mail && <p class={p.mail.on ? 'small muted mail-status' : 'small notice mail-status'}>{p.mail.status}</p>}
        <Filters event={event} filter={filter} listing={p.listing} shown={p.attendees.length} />
        {p.attendees.length === 0 ? (
          <p class="muted">{filter.date || filter.checked || filter.refunded || filter.q ? 'No attendees match this filter.' : 'No bookings yet.'}</p>
        ) : (
          <div class="table-wrap">
            <table class="stack attendees">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Contact</th>
                  <th>Qty</th>
                  {event.type === 'daily' && <th>Date</th>}
                  <th>Booked</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {p.attendees.map((a) => (
                  <AttendeeRow a={a} event={event} ctx={ctx} filter={filter} timezone={p.timezone} mailOn={p.mail?.on ?? false} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {p.listing && <Pager event={event} filter={filter} listing={p.listing} />}
      </section>

      <section class="card danger-zone">
        <h2>Availability</h2>
        <div class="actions">
          {event.active ? (
            <a class="button secondary" href={`${base}/deactivate`}>
              Deactivate
            </a>
          ) : (
            <a class="button secondary" href={`${base}/reactivate`}>
              Reactivate
            </a>
          )}
          {event.price > 0 && (
            <a class="button danger" href={`${base}/refunds`}>
              Refund everyone
            </a>
          )}
          <a class="button danger" href={`${base}/delete`}>
            Delete event
          </a>
        </div>
        <p class="small muted">Deactivating hides the booking page and keeps the attendees. Deleting removes the event and all its attendees for good.</p>
      </section>
    </>
  );
}
