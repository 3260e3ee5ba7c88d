import { type CalendarFacts, icsCalendar } from '../lib/calendar-entry';
import { formatDay, formatEventDate } from '../lib/display-dates';
import { formatMoney } from '../lib/money';

/**
 * What a ticket email needs: sealed into the outbox row at hold time (paid), at booking time
 * (multi-event) or on a re-send; for a free single-event booking the worker builds it from the
 * booking's rows (bookings/confirmation-address). It is rendered only when the worker sends
 * it, so no mail work ever runs inside a booking request.
 */
export interface TicketEmailSpec {
  v: 1;
  /** The readable booking reference (bookings/ticket-token.ts bookingReference). */
  reference: string;
  to: string;
  name: string;
  bookingId: string;
  organiser: { name: string; timeZone: string; currency: string };
  tickets: Array<{
    token: string;
    eventName: string;
    eventSlug: string;
    startsAt: string | null;
    bookedDate: string | null;
    location: string;
    quantity: number;
    /** attendees.price_paid in minor units (0 for a free booking). */
    pricePaid: number;
  }>;
}

export interface RenderedEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The .ics attachment, or null when no event of the booking has a date. */
  ics: string | null;
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** "Free Talk", "Free Talk and Quiz Night", "Free Talk, Quiz Night and 2 more". */
function eventList(names: string[]): string {
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

const when = (t: TicketEmailSpec['tickets'][number], timeZone: string): string | null => {
  if (t.bookedDate) return formatDay(t.bookedDate);
  if (t.startsAt) return formatEventDate(t.startsAt, timeZone);
  return null;
};

const paid = (minor: number, currency: string) => (minor > 0 ? formatMoney(minor, currency) : 'Free');

export const calendarFacts = (spec: Pick<TicketEmailSpec, 'bookingId' | 'organiser'>, t: TicketEmailSpec['tickets'][number], ticketUrl: string): CalendarFacts => ({
  uid: `${spec.bookingId}-${t.eventSlug}@boxoffice`,
  title: t.eventName,
  startsAt: t.startsAt,
  day: t.bookedDate,
  location: t.location,
  description: `${t.quantity} ticket${t.quantity === 1 ? '' : 's'} · ${spec.organiser.name}`,
  url: ticketUrl,
});

/** The confirmation (or re-sent) ticket email: plain text and HTML with the same facts, plus an .ics. */
export function renderTicketEmail(spec: TicketEmailSpec, publicUrl: string, now = new Date()): RenderedEmail {
  const { organiser, tickets } = spec;
  const link = (token: string) => `${publicUrl}/t/${token}`;
  const allLink = tickets.length > 1 ? link(tickets.map((t) => t.token).join('+')) : null;
  const total = tickets.reduce((sum, t) => sum + t.pricePaid, 0);
  const subject = `Your tickets for ${eventList(tickets.map((t) => t.eventName))}`;

  const textBlocks = tickets.map((t) =>
    [
      t.eventName,
      ...(when(t, organiser.timeZone) ? [`Date: ${when(t, organiser.timeZone)}`] : []),
      ...(t.location ? [`Location: ${t.location}`] : []),
      `Quantity: ${t.quantity}`,
      `Price paid: ${paid(t.pricePaid, organiser.currency)}`,
      `Ticket: ${link(t.token)}`,
    ].join('\n'),
  );
  const text = [
    `Hello ${spec.name},`,
    '',
    `You're booked with ${organiser.name}. Show the ticket link at the door.`,
    '',
    textBlocks.join('\n\n'),
    '',
    ...(allLink ? [`All your tickets: ${allLink}`, ''] : []),
    `Total paid: ${paid(total, organiser.currency)}`,
    `Booking reference: ${spec.reference}`,
    '',
    `${organiser.name}`,
  ].join('\n');

  const row = (label: string, value: string) => `<tr><th align="left" style="padding:2px 12px 2px 0">${html(label)}</th><td>${value}</td></tr>`;
  const htmlBlocks = tickets
    .map((t) => {
      const w = when(t, organiser.timeZone);
      return `<h2 style="margin:24px 0 8px;font-size:18px">${html(t.eventName)}</h2><table role="presentation">${[
        ...(w ? [row('Date', html(w))] : []),
        ...(t.location ? [row('Location', html(t.location))] : []),
        row('Quantity', String(t.quantity)),
        row('Price paid', html(paid(t.pricePaid, organiser.currency))),
      ].join('')}</table><p><a href="${html(link(t.token))}">View your ticket for ${html(t.eventName)}</a></p>`;
    })
    .join('');
  const body = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222">
<p>Hello ${html(spec.name)},</p>
<p>You're booked with ${html(organiser.name)}. Show the ticket link at the door.</p>
${htmlBlocks}
${allLink ? `<p><a href="${html(allLink)}">All your tickets</a></p>` : ''}
<p>Total paid: ${html(paid(total, organiser.currency))}<br>Booking reference: ${html(spec.reference)}</p>
<p>${html(organiser.name)}</p>
</body></html>`;

  const ics = icsCalendar(
    tickets.map((t) => calendarFacts(spec, t, link(t.token))),
    now,
  );
  return { to: spec.to, subject, text, html: body, ics };
}
