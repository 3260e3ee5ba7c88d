import { formatMoney } from '../../../lib/money';
import { Layout } from '../layout';
import { renderDocument } from '../render';

export interface ReservedTicket {
  token: string;
  eventName: string;
  /** Minor units actually paid (0: free). */
  pricePaid: number;
  currency: string;
}

/**
 * After a booking. Ticket pages deny framing, so inside an iframe their links open a new
 * tab (the buyer also wants them outside the organiser's page, to keep).
 */
export function renderReservedPage({ tickets, embed }: { tickets: ReservedTicket[]; embed: boolean }): string {
  const target = embed ? { target: '_blank', rel: 'noopener' } : {};
  const all = `/t/${tickets.map((t) => t.token).join('+')}`;
  const paid = tickets.reduce((sum, t) => sum + t.pricePaid, 0);
  return renderDocument(
    <Layout title="You're booked" embed={embed} {...(embed ? { scripts: ['/assets/embed-frame.js'] } : {})}>
      <section class="card narrow reserved">
        <h1>You're booked!</h1>
        <p>
          Keep {tickets.length === 1 ? 'this link' : 'these links'}: each ticket has a QR code to show at the door. Anyone with the link can see the
          ticket, so share it only with your guests.
        </p>
        <ul class="ticket-links">
          {tickets.map((t) => (
            <li>
              <span>
                {t.eventName}
                {t.pricePaid > 0 && <span class="muted"> · {formatMoney(t.pricePaid, t.currency)}</span>}
              </span>
              <a class="button secondary small" href={`/t/${t.token}`} {...target}>
                View ticket
              </a>
            </li>
          ))}
        </ul>
        {paid > 0 && (
          <p>
            Total paid: <strong data-testid="total-paid">{formatMoney(paid, tickets[0]!.currency)}</strong>
          </p>
        )}
        {tickets.length > 1 && (
          <a class="button block" href={all} {...target}>
            View all tickets
          </a>
        )}
      </section>
    </Layout>,
  );
}
