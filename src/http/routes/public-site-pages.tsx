import { bookingLimits } from '../middleware/abuse-limits';
import { fairTurn } from '../middleware/fair-turn';
import { type Request, Router } from 'express';
import type { Organiser } from '../../catalog/organiser-store';
import { isOrganiserSlug } from '../../domain/inputs';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { BOOKING_FORM_BINDING, createPublicCsrfToken } from '../middleware/csrf';
import { param } from '../params';
import { allowFormTargets } from '../middleware/security-headers';
import { formTargets, loadSitePage } from '../public/booking-page';
import { submitBooking } from '../public/submit-booking';
import { renderBookingPage } from '../views/public/booking-page';
import { renderNoEventsPage, renderSiteTextPage, SiteNav } from '../views/public/site-pages';

const messages = { notFound: 'There is nothing at this address.' };

/**
 * The seed's public mini-site, once per organiser: `/o/:organiser` (home), `/events` (every
 * active event on one form), `/terms`, `/contact`. Only when the organiser turned it on.
 */
export function publicSiteRoutes(services: AppServices): Router {
  const router = Router();

  const siteOf = async (req: Request): Promise<Organiser> => {
    const slug = param(req, 'organiser');
    const organiser = isOrganiserSlug(slug) ? await services.infra.organisers.getBySlug(slug) : undefined;
    // Same 404 whether the organiser is missing or keeps its site private: nothing to enumerate.
    if (!organiser?.showPublicSite) throw new AppError('not_found', messages.notFound);
    return organiser;
  };

  router.get('/o/:organiser', async (req, res) => {
    res.type('html').send(renderSiteTextPage(await siteOf(req), 'home'));
  });
  router.get('/o/:organiser/terms', async (req, res) => {
    res.type('html').send(renderSiteTextPage(await siteOf(req), 'terms'));
  });
  router.get('/o/:organiser/contact', async (req, res) => {
    res.type('html').send(renderSiteTextPage(await siteOf(req), 'contact'));
  });

  router.get('/o/:organiser/events', async (req, res) => {
    const organiser = await siteOf(req);
    const page = await loadSitePage(services, organiser);
    if (!page) return void res.type('html').send(renderNoEventsPage(organiser));
    const nav = <SiteNav organiser={organiser} current="events" />;
    allowFormTargets(res, formTargets(page, services.infra.config.stripeApiBase, services.infra.config.squareApiBase));
    const month = typeof req.query.month === 'string' ? req.query.month : undefined;
    res.type('html').send(renderBookingPage(page, { csrfToken: createPublicCsrfToken(services.infra.keyring, BOOKING_FORM_BINDING), values: {}, issues: [], nav, listEvents: true, calendarMonth: month }));
  });

  router.post('/o/:organiser/events', fairTurn(services.bookings.turns, (req) => `o/${param(req, 'organiser')}`), requireContentType('form'), parseForm, bookingLimits(services.infra.config, services.infra.keyring), async (req, res) => {
    const organiser = await siteOf(req);
    const page = await loadSitePage(services, organiser, { dateCounters: false });
    if (!page) throw new AppError('not_found', messages.notFound);
    await submitBooking(services, page, () => loadSitePage(services, organiser), req, res, <SiteNav organiser={organiser} current="events" />);
  });

  return router;
}
