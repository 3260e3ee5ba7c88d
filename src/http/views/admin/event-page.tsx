import type { AttendeeView } from '../../../bookings/attendee-service';
import { type EventRecord, eventImagePath, remaining } from '../../../domain/events/event';
import { formatMoney } from '../../../lib/money';
import { formatInZone, formatShortInZone } from '../../../lib/zoned-time';
import { type AdminContext, CsrfField } from '../admin-layout';
import { CapacityMeter } from './capacity-meter';

export interface AttendeeFilter {
  date?: string;
  checked?: 'in' | 'out';
}

/** `?date=…&checked=…` of a filter, for links that keep it (CSV, pages after a POST). */
export function filterQuery(f: AttendeeFilter): string {
  const q = new URLSearchParams();
  if (f.date) q.set('date', f.date);
  if (f.checked) q.set('checked', f.checked);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface EventPageProps {
  ctx: AdminContext;
  event: EventRecord;
  attendees: AttendeeView[];
  filter: AttendeeFilter;
  counters: { checkedIn: number; soldOnDate: number | null };
  publicUrl: string;
  timezone: string;
  notice?: string | undefined;
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

function Filters({ event, filter, count, tickets }: { event: EventRecord; filter: AttendeeFilter; count: number; tickets: number }) {
  const base = `/admin/events/${event.slug}`;
  const chip = (label: string, f: AttendeeFilter, on: boolean) => (
    <a class={on ? 'chip on' : 'chip'} href={`${base}${filterQuery(f)}`} aria-current={on ? 'true' : undefined}>
      {label}
    </a>
  );
  const dated = filter.date ? { date: filter.date } : {};
  return (
    <div class="filters">
      <div class="chips">
        {chip('All', dated, !filter.checked)}
        {chip('Checked in', { ...dated, checked: 'in' }, filter.checked === 'in')}
        {chip('Not checked in', { ...dated, checked: 'out' }, filter.checked === 'out')}
      </div>
      {/* Only daily bookings carry a date; standard ones have none to filter by. */}
      {event.type === 'daily' && (
        <form method="get" action={base} class="filter-form">
          {filter.checked && <input type="hidden" name="checked" value={filter.checked} />}
          <label for="date" class="small">
            Date
          </label>
          <input id="date" type="date" name="date" value={filter.date ?? ''} />
          <button type="submit" class="secondary small">
            Show
          </button>
          {filter.date && (
            <a class="small" href={`${base}${filterQuery({ ...(filter.checked ? { checked: filter.checked } : {}) })}`}>
              All dates
            </a>
          )}
        </form>
      )}
      <p class="small muted">
        {count} {count === 1 ? 'booking' : 'bookings'}, {tickets} {tickets === 1 ? 'ticket' : 'tickets'}
      </p>
    </div>
  );
}

function AttendeeRow({ a, event, ctx, filter, timezone, mailOn }: { a: AttendeeView; event: EventRecord; ctx: AdminContext; filter: AttendeeFilter; timezone: string; mailOn: boolean }) {
  const base = `/admin/events/${event.slug}/attendees/${a.id}`;
  const contact = [a.email, a.phone].filter(Boolean);
  return (
    <tr class={a.refunded ? 'refunded' : undefined}>
      <td data-label="Name">
        <strong>{a.name}</strong>
        {a.address && <div class="small muted">{a.address}</div>}
        {a.specialInstructions && <div class="small muted">Note: {a.specialInstructions}</div>}
      </td>
      <td data-label="Contact" class="small">
        {contact.length ? contact.map((c) => <div>{c}</div>) : <span class="muted">—</span>}
      </td>
      <td data-label="Qty">{a.quantity}</td>
      {event.type === 'daily' && <td data-label="Date">{a.date ?? ''}</td>}
      <td data-label="Booked" class="small">
        {formatShortInZone(a.createdAt, timezone)}
      </td>
      <td data-label="Status" class="row-actions">
        {a.refunded ? (
          <span class="badge bad">Refunded</span>
        ) : (
          <form method="post" action={`${base}/check-in`} class="inline">
            <CsrfField token={ctx.csrfToken} />
            {filter.date && <input type="hidden" name="date" value={filter.date} />}
            {filter.checked && <input type="hidden" name="checked" value={filter.checked} />}
            <button type="submit" class={a.checkedIn ? 'small toggle on' : 'small secondary toggle'} aria-pressed={a.checkedIn ? 'true' : 'false'}>
              {a.checkedIn ? '✓ Checked in' : 'Check in'}
            </button>
          </form>
        )}
        {!a.refunded && mailOn && a.email && (
          <form method="post" action={`${base}/resend-email`} class="inline">
            <CsrfField token={ctx.csrfToken} />
            {filter.date && <input type="hidden" name="date" value={filter.date} />}
            {filter.checked && <input type="hidden" name="checked" value={filter.checked} />}
            <button type="submit" class="small secondary">
              Resend email
            </button>
          </form>
        )}
        {!a.refunded && a.pricePaid > 0 && (
          <a class="button secondary small" href={`${base}/refund`}>
            Refund {formatMoney(a.pricePaid, event.currency)}
          </a>
        )}
      </td>
    </tr>
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
      <form method="post" action={base} enctype="multipart/form-data" class="actions">
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

export function EventPage(p: EventPageProps) {
  const { event, ctx, filter } = p;
  const base = `/admin/events/${event.slug}`;
  const tickets = p.attendees.reduce((n, a) => n + a.quantity, 0);
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
              {event.active ? <span class="badge ok">Active</span> : <span class="badge">Inactive: not taking bookings</span>}
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
        <Counters event={event} counters={p.counters} filter={filter} />
        <Share event={event} publicUrl={p.publicUrl} />
        <ImageForm event={event} ctx={ctx} />
      </section>

      <section class="card">
        <div class="page-head">
          <h2>Attendees</h2>
          <div class="actions small">
            <a class="button secondary small" href={`${base}/attendees.csv${filterQuery(filter)}`} download>
              Download CSV
            </a>
            <a href={`${base}/log`}>Activity log</a>
          </div>
        </div>
        {p.mail && <p class={p.mail.on ? 'small muted mail-status' : 'small notice mail-status'}>{p.mail.status}</p>}
        <Filters event={event} filter={filter} count={p.attendees.length} tickets={tickets} />
        {p.attendees.length === 0 ? (
          <p class="muted">{filter.date || filter.checked ? 'No attendees match this filter.' : 'No bookings yet.'}</p>
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
                  <th>Check-in</th>
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
          <a class="button danger" href={`${base}/delete`}>
            Delete event
          </a>
        </div>
        <p class="small muted">Deactivating hides the booking page and keeps the attendees. Deleting removes the event and all its attendees for good.</p>
      </section>
    </>
  );
}
