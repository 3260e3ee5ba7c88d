import { Router } from 'express';
import type { AppServices } from '../../app/services';
import { eventImageRoutes } from './event-image-routes';
import { homePageRoutes } from './home-page';
import { publicAssetRoutes } from './public-assets';
import { publicSiteRoutes } from './public-site-pages';
import { publicTicketRoutes } from './public-ticket-pages';
import { ticketViewRoutes } from './ticket-view-pages';

/** The buyer-facing HTML: the home page, booking forms, confirmation, tickets, organiser mini-sites, embed scripts. */
export function publicPageRoutes(services: AppServices): Router {
  const router = Router();
  router.use(publicAssetRoutes());
  router.use(eventImageRoutes(services));
  router.use(homePageRoutes(services));
  router.use(publicTicketRoutes(services));
  router.use(ticketViewRoutes(services));
  router.use(publicSiteRoutes(services));
  return router;
}
