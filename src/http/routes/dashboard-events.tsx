import type { Request } from 'express';
import { unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import type { AppServices } from '../../app/services';
import { isEventSlug } from '../../domain/inputs';
import { formatMoney } from '../../lib/money';
import { formatShortInZone } from '../../lib/zoned-time';
import type { AdminContext } from '../views/admin-layout';
import { EventCards } from '../views/admin/events-list-page';

/** `?link=a&link=b` of the link builder: the organiser's own active event slugs only. */
function chosen(req: Request, slugs: Set<string>): string[] {
  const raw = req.query.link;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return [...new Set(list.filter((s): s is string => typeof s === 'string' && isEventSlug(s) && slugs.has(s)))];
}

/** The /admin dashboard: totals, recent bookings, what sells now, the link builder and the events. */
export function dashboardEvents(services: AppServices) {
  return async (req: Request, ctx: AdminContext) => {
    if (!ctx.organiser) return null;
    const [events, organiser] = await Promise.all([services.bookings.events.list(ctx.organiser.id), services.infra.organisers.get(ctx.organiser.id)]);
    const tz = organiser?.timezone ?? 'Europe/London';
    const sales = organiser && req.principal ? await services.bookings.sales.forOrganiser(ctx.organiser.id, unlockOrganiserPrivateKey(req.principal, organiser)) : null;
    const active = events.filter((e) => e.active);
    const picked = chosen(req, new Set(active.map((e) => e.slug)));
    const publicUrl = services.infra.config.publicUrl;
    const built = picked.length >= 2 ? `${publicUrl}/ticket/${picked.join('+')}` : null;
    return (
      <>
        {sales && (
          <section class="card" aria-labelledby="glance-title">
            <h2 id="glance-title">At a glance</h2>
            <div class="stats">
              <div class="stat">
                <span class="stat-value">{sales.totals.sold}</span>
                <span class="stat-label">Tickets sold{sales.totals.capacity ? ` of ${sales.totals.capacity}` : ''}</span>
              </div>
              <div class="stat">
                <span class="stat-value">{sales.totals.currency ? formatMoney(sales.totals.revenue, sales.totals.currency) : sales.totals.revenue > 0 ? 'Mixed currencies' : '0'}</span>
                <span class="stat-label">Revenue</span>
              </div>
              <div class="stat">
                <span class="stat-value">{sales.totals.events}</span>
                <span class="stat-label">Events</span>
              </div>
            </div>
            <div class="form-grid">
              <div>
                <h3>Recent bookings</h3>
                {sales.recent.length === 0 ? (
                  <p class="muted small">None yet.</p>
                ) : (
                  <ul class="small">
                    {sales.recent.map((r) => (
                      <li>
                        {r.name} · {r.quantity} for <a href={`/admin/events/${r.event.slug}`}>{r.event.name}</a> · {formatShortInZone(r.createdAt, tz)}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div>
                <h3>Selling now (last 24 hours)</h3>
                {sales.sellingNow.length === 0 ? (
                  <p class="muted small">Nothing sold in the last day.</p>
                ) : (
                  <ul class="small">
                    {sales.sellingNow.map((s) => (
                      <li>
                        <a href={`/admin/events/${s.event.slug}`}>{s.event.name}</a>: {s.tickets} ticket{s.tickets === 1 ? '' : 's'}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          </section>
        )}
        {active.length >= 2 && (
          <section class="card" aria-labelledby="links-title" id="link-builder">
            <h2 id="links-title">One link for several events</h2>
            <p class="small muted">Tick the events to book together; buyers fill in their details once.</p>
            <form method="get" action="/admin#link-builder">
              <div class="checks">
                {active.map((e) => (
                  <label class="check">
                    <input type="checkbox" name="link" value={e.slug} checked={picked.includes(e.slug)} /> {e.name}
                  </label>
                ))}
              </div>
              <button type="submit" class="secondary small">
                Build link
              </button>
            </form>
            {picked.length === 1 && <p class="notice bad small">Choose at least two events.</p>}
            {built && (
              <>
                <label for="built-link" class="small">
                  Booking link
                </label>
                <textarea id="built-link" class="snippet" readOnly rows={2}>
                  {built}
                </textarea>
                <label for="built-embed" class="small">
                  Embed code
                </label>
                <textarea id="built-embed" class="snippet" readOnly rows={2}>
                  {`<script src="${publicUrl}/embed.js" data-events="${picked.join('+')}" async></script>`}
                </textarea>
              </>
            )}
          </section>
        )}
        <section class="card">
          <div class="actions spread">
            <h2>Your events</h2>
            <a class="button" href="/admin/events/new">
              New event
            </a>
          </div>
          <EventCards events={events} timezone={tz} />
        </section>
      </>
    );
  };
}
