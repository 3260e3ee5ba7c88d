
import type { EventRecord, } from '../../../domain/events/event';
import { ATTENDEE_SORTS, type AttendeeFilter, type AttendeeListing, type AttendeeSortKey, filterQuery } from './attendee-filter';

const SORT_LABEL: Record<AttendeeSortKey, string> = {
  created: 'Oldest booking first',
  '-created': 'Newest booking first',
  name: 'Name A–Z',
  '-name': 'Name Z–A',
  quantity: 'Fewest tickets first',
  '-quantity': 'Most tickets first',
};

/** Search, date, check-in and refund filters, sort, and the count shown. */
export function Filters({ event, filter, listing, shown }: { event: EventRecord; filter: AttendeeFilter; listing: AttendeeListing | undefined; shown: number }) {
  const base = `/admin/events/${event.slug}`;
  // Chips change one filter and keep the others (but go back to page 1).
  const keep: AttendeeFilter = { ...filter };
  delete keep.page;
  const chip = (label: string, f: AttendeeFilter, on: boolean) => (
    <a class={on ? 'chip on' : 'chip'} href={`${base}${filterQuery(f)}`} aria-current={on ? 'true' : undefined}>
      {label}
    </a>
  );
  const without = (k: keyof AttendeeFilter) => {
    const f = { ...keep };
    delete f[k];
    return f;
  };
  const total = listing?.total;
  return (
    <div class="filters">
      <form method="get" action={base} class="search-form" aria-label="Search attendees">
        <label for="q" class="small">
          Search
        </label>
        <input id="q" type="search" name="q" value={filter.q ?? ''} placeholder="Name or email" maxLength={200} />
        <label for="sort" class="small">
          Sort
        </label>
        <select id="sort" name="sort">
          {ATTENDEE_SORTS.map((k) => (
            <option value={k} selected={(filter.sort ?? 'created') === k}>
              {SORT_LABEL[k]}
            </option>
          ))}
        </select>
        {filter.checked && <input type="hidden" name="checked" value={filter.checked} />}
        {filter.refunded && <input type="hidden" name="refunded" value={filter.refunded} />}
        {event.type === 'daily' && (
          <>
            <label for="date" class="small">
              Date
            </label>
            <input id="date" type="date" name="date" value={filter.date ?? ''} />
          </>
        )}
        {event.type !== 'daily' && filter.date && <input type="hidden" name="date" value={filter.date} />}
        <button type="submit" class="secondary small">
          Show
        </button>
        {(filter.q || filter.date) && (
          <a class="small" href={`${base}${filterQuery(without('q'))}`}>
            Clear search
          </a>
        )}
      </form>
      <div class="chips">
        {chip('All', without('checked'), !filter.checked)}
        {chip('Checked in', { ...keep, checked: 'in' }, filter.checked === 'in')}
        {chip('Not checked in', { ...keep, checked: 'out' }, filter.checked === 'out')}
      </div>
      <div class="chips">
        {chip('Any payment state', without('refunded'), !filter.refunded)}
        {chip('Refunded', { ...keep, refunded: 'yes' }, filter.refunded === 'yes')}
        {chip('Not refunded', { ...keep, refunded: 'no' }, filter.refunded === 'no')}
      </div>
      {filter.date && (
        <a class="small" href={`${base}${filterQuery(without('date'))}`}>
          All dates
        </a>
      )}
      <p class="small muted" aria-live="polite">
        {total
          ? `${total.bookings} ${total.bookings === 1 ? 'booking' : 'bookings'}, ${total.tickets} ${total.tickets === 1 ? 'ticket' : 'tickets'}`
          : `${shown} shown${listing?.hasMore ? ', more on the next page' : ''}`}
      </p>
    </div>
  );
}

export function Pager({ event, filter, listing }: { event: EventRecord; filter: AttendeeFilter; listing: AttendeeListing }) {
  const base = `/admin/events/${event.slug}`;
  if (listing.page === 1 && !listing.hasMore) return null;
  const pages = listing.total ? Math.max(1, Math.ceil(listing.total.bookings / listing.perPage)) : null;
  return (
    <nav class="pager" aria-label="Attendee pages">
      {listing.page > 1 && (
        <a class="button secondary small" rel="prev" href={`${base}${filterQuery({ ...filter, page: listing.page - 1 })}`}>
          ← Previous
        </a>
      )}
      <span class="small muted" aria-current="page">
        Page {listing.page}
        {pages ? ` of ${pages}` : ''}
      </span>
      {listing.hasMore && (
        <a class="button secondary small" rel="next" href={`${base}${filterQuery({ ...filter, page: listing.page + 1 })}`}>
          Next →
        </a>
      )}
    </nav>
  );
}
