import type { PublicTicket } from '../../../bookings/public-tickets';
import { bookingReference } from '../../../bookings/ticket-token';
import { eventImagePath } from '../../../domain/events/event';
import { formatMoney } from '../../../lib/money';
import type { BookedDetails } from '../../public/booked-cookie';
import { Layout } from '../layout';
import { renderDocument } from '../render';
import { formatDay, formatEventDate } from './format';

export interface ReservedPageProps {
  tickets: PublicTicket[];
  embed: boolean;
  /** Only for the browser that booked (a sealed cookie); null for anyone else holding the link. */
  booked: BookedDetails | null;
}

const when = (t: PublicTicket): string | null => (t.date ? formatDay(t.date) : t.event.date ? formatEventDate(t.event.date, t.organiser.timezone) : null);

/**
 * After a booking: the booking reference, each event with its date and quantity, the total
 * paid and where the email went. Ticket pages deny framing, so inside an iframe their links
 * open a new tab (the buyer also wants them outside the organiser's page, to keep).
 */
export function renderReservedPage({ tickets, embed, booked }: ReservedPageProps): string {
  const target = embed ? { target: '_blank', rel: 'noopener' } : {};
  const all = `/t/${tickets.map((t) => t.token).join('+')}`;
  const first = tickets[0]!;
  const currency = first.event.currency;
  const total = tickets.reduce((sum, t) => sum + t.pricePaid, 0);
  const image = tickets.map((t) => eventImagePath(t.event)).find(Boolean);
  return renderDocument(
    <Layout title="You're booked" embed={embed} brand={{ name: first.organiser.name, accentColor: first.organiser.accentColor }} {...(embed ? { scripts: ['/assets/embed-frame.js'] } : {})}>
      <section class="card narrow reserved">
        {image && <img class="event-image" src={image} alt="" />}
        <h1>You're booked!</h1>
        <dl class="facts">
          <dt>Booking reference</dt>
          <dd class="code">{bookingReference(first.bookingId)}</dd>
          {booked && (
            <>
              <dt>Name</dt>
              <dd>{booked.name}</dd>
            </>
          )}
          <dt>Total paid</dt>
          <dd data-testid="total-paid">{total > 0 ? formatMoney(total, currency) : 'Free'}</dd>
        </dl>
        <ul class="ticket-links">
          {tickets.map((t) => (
            <li>
              <span>
                <strong>{t.event.name}</strong>
                <span class="small muted block">
                  {[when(t), `${t.quantity} ${t.quantity === 1 ? 'ticket' : 'tickets'}`].filter(Boolean).join(' · ')}
                </span>
              </span>
              <a class="button secondary small" href={`/t/${t.token}`} {...target}>
                View ticket
              </a>
            </li>
          ))}
        </ul>
        {tickets.length > 1 && (
          <a class="button block" href={all} {...target}>
            View all tickets
          </a>
        )}
        {booked?.emailed && booked.email ? (
          <p class="notice ok">
            We've emailed {tickets.length === 1 ? 'your ticket' : 'your tickets'} to <strong>{booked.email}</strong>. If it has not arrived in a few
            minutes, check your spam folder — the links here work just the same.
          </p>
        ) : (
          <p class="notice">No email is sent for this booking: keep {tickets.length === 1 ? 'this link' : 'these links'}.</p>
        )}
        <p class="small muted">
          Each ticket has a QR code to show at the door. Anyone with the link can see the ticket, so share it only with your guests.
        </p>
      </section>
    </Layout>,
  );
}
