import type { PublicTicket } from '../../../bookings/public-tickets';
import { Layout } from '../layout';
import { renderDocument } from '../render';
import { formatMoney } from '../../../lib/money';
import { formatDay, formatEventDate } from './format';

export interface TicketCard {
  ticket: PublicTicket;
  /** SVG markup from the qrcode package (built from our own check-in URL, never from input). */
  qrSvg: string;
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
function Card({ ticket: t, qrSvg }: TicketCard) {
  const { event, organiser } = t;
  // What was actually paid, never the list price: a ticket added by hand shows no price.
  const price = t.pricePaid;
  return (
    <article class={`card ticket-card${t.refunded ? ' refunded' : ''}`}>
      <div class="ticket-info">
        <h2>{event.name}</h2>
        {t.refunded && <p class="badge bad">Refunded: this ticket is no longer valid</p>}
        <dl class="facts">
          {event.date && <Fact label="Date">{formatEventDate(event.date, organiser.timezone)}</Fact>}
          {event.location && <Fact label="Location">{event.location}</Fact>}
          {t.date && <Fact label="Booked for">{formatDay(t.date)}</Fact>}
          <Fact label="Admits">{`${t.quantity} ${t.quantity === 1 ? 'person' : 'people'}`}</Fact>
          {price > 0 && <Fact label="Price paid">{formatMoney(price, event.currency)}</Fact>}
        </dl>
        {event.description && <p class="pre small muted">{event.description}</p>}
      </div>
      {!t.refunded && (
        <figure class="qr">
          {/* Raw markup on purpose: the SVG comes from the qrcode package, built from our own check-in URL. */}
          <div role="img" aria-label={`QR code for ${event.name}`} dangerouslySetInnerHTML={{ __html: qrSvg }} />
          <figcaption class="muted small">Show this code at the door</figcaption>
        </figure>
      )}
    </article>
  );
}

export function renderTicketPage(cards: TicketCard[]): string {
  return renderDocument(
    <Layout title={cards.length === 1 ? 'Your ticket' : 'Your tickets'}>
      <div class="tickets">
        {cards.map((c) => (
          <Card {...c} />
        ))}
      </div>
    </Layout>,
  );
}
