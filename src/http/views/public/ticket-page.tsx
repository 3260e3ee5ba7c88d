import type { PublicTicket } from '../../../bookings/public-tickets';
import { bookingReference, ticketShortCode } from '../../../bookings/ticket-token';
import { formatMoney } from '../../../lib/money';
import { Layout } from '../layout';
import { renderDocument } from '../render';
import { formatDay, formatEventDate } from './format';

export interface TicketCard {
  ticket: PublicTicket;
  /** SVG markup from the qrcode package (built from our own check-in URL, never from input). */
  qrSvg: string;
  /** The card's calendar entry as a Google Calendar link; null when the event has no date. */
  googleCalendar: string | null;
  /** The event image, if it has one. */
  imageUrl?: string | null;
}

function Fact({ label, children }: { label: string; children: string | number }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** One card per ticket, paired with its own token's QR code. No name, email or other PII. */
function Card({ ticket: t, qrSvg, googleCalendar, imageUrl }: TicketCard) {
  const { event, organiser } = t;
  // What was actually paid, never the list price: a ticket added by hand shows no price.
  const price = t.pricePaid;
  return (
    <article class={`card ticket-card${t.refunded ? ' refunded' : ''}`}>
      {imageUrl && <img class="event-image" src={imageUrl} alt="" loading="lazy" />}
      <div class="ticket-info">
        <h2>{event.name}</h2>
        {t.refunded && <p class="badge bad">Refunded: this ticket is no longer valid</p>}
        <dl class="facts">
          {event.date && <Fact label="Date">{formatEventDate(event.date, organiser.timezone)}</Fact>}
          {event.location && <Fact label="Location">{event.location}</Fact>}
          {t.date && <Fact label="Booked for">{formatDay(t.date)}</Fact>}
          <Fact label="Admits">{`${t.quantity} ${t.quantity === 1 ? 'person' : 'people'}`}</Fact>
          {price > 0 && <Fact label="Price paid">{formatMoney(price, event.currency)}</Fact>}
          <Fact label="Booking reference">{bookingReference(t.bookingId)}</Fact>
        </dl>
        {event.description && <p class="pre small muted">{event.description}</p>}
        {!t.refunded && googleCalendar && (
          <p class="calendar-links small">
            Add to calendar:{' '}
            <a href={`/t/${t.token}/calendar.ics`} download>
              Download .ics
            </a>{' '}
            ·{' '}
            <a href={googleCalendar} rel="noopener noreferrer" target="_blank">
              Google Calendar
            </a>
          </p>
        )}
      </div>
      {!t.refunded && (
        <figure class="qr">
          {/* Raw markup on purpose: the SVG comes from the qrcode package, built from our own check-in URL. */}
          <div role="img" aria-label={`QR code for ${event.name}`} dangerouslySetInnerHTML={{ __html: qrSvg }} />
          <figcaption class="muted small">
            <span class="short-code">{ticketShortCode(t.token)}</span>
            <br />
            Show this code at the door
          </figcaption>
        </figure>
      )}
    </article>
  );
}

/** "Free Talk" or "Free Talk and Quiz Night" or "Free Talk, Quiz Night and 2 more". */
function heading(names: string[]): string {
  const unique = [...new Set(names)];
  if (unique.length <= 2) return unique.join(' and ');
  return `${unique.slice(0, 2).join(', ')} and ${unique.length - 2} more`;
}

/** `staff`: shown only to logged-in staff of the tickets' organiser (their state and the door link). */
export function renderTicketPage(cards: TicketCard[], staff?: { checkinHref: string; checkedIn: number; total: number }): string {
  const organiser = cards[0]!.ticket.organiser;
  const title = heading(cards.map((c) => c.ticket.event.name));
  const contact = organiser.contactText.trim();
  return renderDocument(
    <Layout title={`${cards.length === 1 ? 'Ticket' : 'Tickets'}: ${title}`} brand={{ name: organiser.name, href: organiser.showPublicSite ? `/o/${organiser.slug}` : undefined, accentColor: organiser.accentColor }}>
      {staff && (
        <section class="card staff-panel" aria-label="Door staff">
          <p>
            <strong>Staff:</strong> {staff.checkedIn} of {staff.total} ticket(s) here checked in.{' '}
            <a class="button small" href={staff.checkinHref}>
              Check in or out
            </a>
          </p>
        </section>
      )}
      <h1 class="tickets-heading">{title}</h1>
      <p class="muted">
        {cards.length === 1 ? 'Your ticket' : 'Your tickets'} from {organiser.name}
      </p>
      <div class="tickets">
        {cards.map((c) => (
          <Card {...c} />
        ))}
      </div>
      <section class="card organiser-contact small">
        <h2>Questions?</h2>
        <p>
          This event is run by <strong>{organiser.name}</strong>.
          {organiser.showPublicSite && (
            <>
              {' '}
              <a href={`/o/${organiser.slug}/contact`}>Contact {organiser.name}</a>
            </>
          )}
        </p>
        {contact && <p class="pre">{contact}</p>}
      </section>
    </Layout>,
  );
}
