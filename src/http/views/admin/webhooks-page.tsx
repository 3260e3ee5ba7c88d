import type { DeliveryView } from '../../../outbox/webhook-deliveries';
import { type AdminContext, CsrfField } from '../admin-layout';

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** /admin/webhooks: the signing secret (owners) and every delivery not yet through, with a retry button. */
export function WebhooksPage({ ctx, deliveries, secret, notice }: { ctx: AdminContext; deliveries: DeliveryView[]; secret?: string | undefined; notice?: string | undefined }) {
  return (
    <section class="card">
      <h1>Webhooks</h1>
      {notice && <p class="notice ok">{notice}</p>}
      {secret !== undefined && (
        <>
          <h2>Signing secret</h2>
          <p class="muted">
            Every delivery is signed per Standard Webhooks (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>). Verify
            with this secret; after a rotation the old one keeps signing alongside for a day.
          </p>
          <p>
            <code>{secret}</code>
          </p>
          <form method="post" action="/admin/webhooks/rotate-secret">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit">Rotate secret</button>
          </form>
        </>
      )}
      <h2>Deliveries not yet through</h2>
      {deliveries.length === 0 ? (
        <p class="muted">Nothing pending: every webhook was delivered.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>State</th>
              <th>Event</th>
              <th>URL</th>
              <th>Attempts</th>
              <th>Last error</th>
              <th>Created (UTC)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.ref}>
                <td>{d.state}</td>
                <td>{d.eventSlug}</td>
                <td>
                  <code>{d.url}</code>
                </td>
                <td>{d.attempts}</td>
                <td>{d.lastError ?? ''}</td>
                <td>{when(d.createdAt)}</td>
                <td>
                  {d.retryable ? (
                    <form method="post" action={`/admin/webhooks/${d.ref}/retry`}>
                      <CsrfField token={ctx.csrfToken} />
                      <button type="submit">Retry now</button>
                    </form>
                  ) : (
                    <span class="muted small">payload erased</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
