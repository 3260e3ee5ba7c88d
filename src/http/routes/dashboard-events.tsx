import type { Request } from 'express';
import type { AppServices } from '../../app/services';
import type { AdminContext } from '../views/admin-layout';
import { EventCards } from '../views/admin/events-list-page';

/** The organiser's events on the /admin dashboard (plugged into the accounts dashboard hook). */
export function dashboardEvents(services: AppServices) {
  return async (_req: Request, ctx: AdminContext) => {
    if (!ctx.organiser) return null;
    const [events, organiser] = await Promise.all([services.bookings.events.list(ctx.organiser.id), services.infra.organisers.get(ctx.organiser.id)]);
    return (
      <section class="card">
        <div class="actions spread">
          <h2>Your events</h2>
          <a class="button" href="/admin/events/new">
            New event
          </a>
        </div>
        <EventCards events={events} timezone={organiser?.timezone ?? 'Europe/London'} />
      </section>
    );
  };
}
