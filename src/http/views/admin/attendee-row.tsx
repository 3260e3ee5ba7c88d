import type { AttendeeView } from '../../../bookings/attendee-service';
import type { EventRecord, } from '../../../domain/events/event';
import { formatMoney } from '../../../lib/money';
import { formatShortInZone } from '../../../lib/zoned-time';
import { type AdminContext, CsrfField } from '../admin-layout';
import type { AttendeeFilter, } from './attendee-filter';

/** One attendee with their actions (check in, re-send, refund, refresh payment, edit, delete). */
export function AttendeeRow({ a, event, ctx, filter, timezone, mailOn }: { a: AttendeeView; event: EventRecord; ctx: AdminContext; filter: AttendeeFilter; timezone: string; mailOn: boolean }) {
  const base = `/admin/events/${event.slug}/attendees/${a.id}`;
  const contact = [a.email, a.phone].filter(Boolean);
  return (
    <tr class={a.refunded ? 'refunded' : undefined} id={`attendee-${a.id}`}>
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
            <button type="submit" class="small secondary" aria-label={`Re-send the ticket email of ${a.name}`}>
              Re-send email
            </button>
          </form>
        )}
        {!a.refunded && a.pricePaid > 0 && (
          <a class="button secondary small" href={`${base}/refund`}>
            Refund {formatMoney(a.pricePaid, event.currency)}
          </a>
        )}
        {!a.refunded && a.pricePaid > 0 && (
          <form method="post" action={`${base}/refresh-payment`} class="inline">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit" class="small secondary" aria-label={`Ask the payment provider whether the payment of ${a.name} was refunded`}>
              Refresh payment
            </button>
          </form>
        )}
        <a class="button secondary small" href={`${base}/edit`} aria-label={`Edit ${a.name}`}>
          Edit
        </a>
        <a class="button secondary small" href={`${base}/resend`} aria-label={`Re-send the webhook of ${a.name}`}>
          Re-send webhook
        </a>
        <a class="button secondary small" href={`${base}/delete`} aria-label={`Delete ${a.name}`}>
          Delete
        </a>
      </td>
    </tr>
  );
}
