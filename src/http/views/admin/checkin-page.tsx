import type { TicketAtDoor } from '../../../bookings/check-in-service';
import { type AdminContext, CsrfField } from '../admin-layout';
import { Layout } from '../layout';
import { StackTable } from '../stack-table';

export interface CheckInResult {
  checkedIn: number;
  already: number;
  refunded: number;
  /** Tickets checked out by "Check out all". */
  checkedOut?: number;
}

/** Logged out: says nothing about the tickets (who holds them, whether they exist). */
export function CheckInLoggedOut() {
  return (
    <Layout title="Ticket check-in">
      <section class="card narrow">
        <h1>Ticket check-in</h1>
        <p>This link is for the event's door staff. Please show your ticket at the entrance.</p>
        <p class="muted small">
          Staff: <a href="/admin/login">log in</a>, then scan the code again.
        </p>
      </section>
    </Layout>
  );
}

function ResultNotices({ result }: { result: CheckInResult | undefined }) {
  if (!result) return null;
  const none = result.checkedIn === 0 && result.already === 0 && !result.checkedOut;
  return (
    <div class="notices" role="status">
      {result.checkedIn > 0 && <p class="notice ok big">Checked in {result.checkedIn} ticket(s)</p>}
      {(result.checkedOut ?? 0) > 0 && <p class="notice big">Checked out {result.checkedOut} ticket(s)</p>}
      {result.already > 0 && <p class="notice">Already checked in {result.already} ticket(s)</p>}
      {none && result.refunded > 0 && <p class="notice bad">These tickets were refunded and cannot be checked in.</p>}
    </div>
  );
}

/** The door view of a /checkin link: who, how many, and one button for all of them. */
export function CheckInPage({ ctx, tickets, action, result }: { ctx: AdminContext; tickets: TicketAtDoor[]; action: string; result?: CheckInResult }) {
  const waiting = tickets.filter((t) => !t.refunded && !t.checkedIn);
  const waitingQty = waiting.reduce((n, t) => n + t.quantity, 0);
  return (
    <section class="card narrow">
      <h1>Check-in</h1>
      <ResultNotices result={result} />
      <StackTable headers={['Event', 'Name', 'Qty', 'Status']}>
            {tickets.map((t) => (
              <tr>
                <td data-label="Event">
                  <a href={`/admin/events/${t.event.slug}`}>{t.event.name}</a>
                  {t.date && <div class="small muted">for {t.date}</div>}
                </td>
                <td data-label="Name">
                  <strong>{t.name}</strong>
                </td>
                <td data-label="Qty">{t.quantity}</td>
                <td data-label="Status">
                  {t.refunded ? (
                    <span class="badge bad">Refunded</span>
                  ) : t.checkedIn ? (
                    <span class="badge ok">Checked in</span>
                  ) : (
                    <span class="badge warn">Not checked in</span>
                  )}
                </td>
              </tr>
            ))}
          </StackTable>
      {waiting.length > 0 ? (
        <form method="post" action={action} class="actions">
          <CsrfField token={ctx.csrfToken} />
          <button type="submit" class="big">
            Check in all ({waitingQty})
          </button>
        </form>
      ) : (
        !result && <p class="muted">{tickets.every((t) => t.refunded) ? 'Every ticket here was refunded.' : 'Everyone here is checked in.'}</p>
      )}
      {tickets.some((t) => t.checkedIn && !t.refunded) && (
        <p>
          {/* Checking out is destructive at a door: it goes through the confirmation page. */}
          <a class="button secondary" href={`${action}/check-out`}>
            Check out all ({tickets.filter((t) => t.checkedIn && !t.refunded).reduce((n, t) => n + t.quantity, 0)})
          </a>
        </p>
      )}
    </section>
  );
}
