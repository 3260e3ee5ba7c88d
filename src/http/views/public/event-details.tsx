import type { PublicEvent } from '../../../events/public-event-view';
import { formatMoney } from '../../../lib/money';
import { formatEventDate } from './format';

/** Shown as "N left" only when it helps a buyer decide (few places), never the whole capacity. */
const FEW_LEFT = 20;

export function priceLabel(view: PublicEvent): string {
  return view.price ? `${formatMoney(view.price.amount, view.price.currency)} per ticket` : 'Free';
}

/** Date and location on one line ("Saturday 6 December 2025 at 19:30 GMT · Town Hall"). */
export function whenWhere(view: PublicEvent, timeZone: string): string {
  const when = view.type === 'daily' ? 'Choose your date' : view.date ? formatEventDate(view.date, timeZone) : '';
  return [when, view.location].filter(Boolean).join(' · ');
}

export function StatusBadge({ view }: { view: PublicEvent }) {
  switch (view.status) {
    case 'open':
      return view.type === 'standard' && view.available <= FEW_LEFT ? <span class="badge warn">{view.available} left</span> : null;
    case 'sold_out':
      return <span class="badge bad">{view.type === 'daily' ? 'No dates left' : 'Sold out'}</span>;
    case 'closed':
      return <span class="badge bad">Closed</span>;
    case 'not_yet_open':
      return <span class="badge">Not open yet</span>;
    default: {
      const never: never = view.status;
      return never;
    }
  }
}

/** The head of a single-event page: what, when, where, how much. */
export function EventDetails({ view, timeZone }: { view: PublicEvent; timeZone: string }) {
  const line = whenWhere(view, timeZone);
  return (
    <section class="card event-head">
      {view.imageUrl && <img class="event-image" src={view.imageUrl} alt="" />}
      <h1>{view.name}</h1>
      {line && <p class="when">{line}</p>}
      <p class="actions">
        <span class="badge price">{priceLabel(view)}</span>
        <StatusBadge view={view} />
      </p>
      {view.description && <p class="pre">{view.description}</p>}
    </section>
  );
}

/** Instead of the form: why this event cannot be booked now. */
export function UnavailableCard({ view, timeZone }: { view: PublicEvent; timeZone: string }) {
  const text =
    view.status === 'sold_out'
      ? view.type === 'daily'
        ? 'Every date is fully booked right now. Places can come back, so try again later.'
        : 'Every ticket has been booked.'
      : view.status === 'closed'
        ? 'Bookings for this event have closed.'
        : view.opensAt
          ? `Bookings open on ${formatEventDate(view.opensAt, timeZone)}.`
          : 'Bookings are not open yet.';
  const title = view.status === 'sold_out' ? 'Sold out' : view.status === 'closed' ? 'Bookings closed' : 'Not open yet';
  return (
    <section class="card state" role="status">
      <h2>{title}</h2>
      <p>{text}</p>
    </section>
  );
}
