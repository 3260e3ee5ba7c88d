import { Router } from 'express';
import type { AppServices } from '../../app/services';
import { MAX_EVENTS_PER_PAGE } from '../public/booking-page';
import { renderHomePage } from '../views/public/home-page';

/**
 * `/`, where every public page's brand link points. A platform with a single organiser is
 * that organiser's box office: its mini-site when it is on, else one form with all its
 * events on sale. Otherwise (several organisers, or nothing to show) a short platform page.
 */
export function homePageRoutes(services: AppServices): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const only = await services.infra.organisers.sole();
    if (only?.showPublicSite) return res.redirect(302, `/o/${only.slug}`);
    if (only) {
      const events = await services.bookings.publicEvents.list(only.id);
      const slugs = events.slice(0, MAX_EVENTS_PER_PAGE).map((b) => b.view.slug);
      if (slugs.length > 0) return res.redirect(302, `/ticket/${slugs.join('+')}`);
    }
    res.type('html').send(renderHomePage());
  });

  return router;
}
