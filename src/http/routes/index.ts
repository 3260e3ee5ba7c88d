import type { Express } from 'express';
import type { AppServices } from '../../app/services';
import { accountRoutes, mountAuthentication } from './accounts';
import { adminAttendeesApiRoutes } from './admin-attendees-api';
import { adminEventsApiRoutes } from './admin-events-api';
import { dashboardEvents } from './dashboard-events';
import { organiserPages } from './organiser-pages';
import { paymentRoutes } from './payment-routes';
import { platformApiRoutes } from './platform-api';
import { platformFleetApiRoutes } from './platform-fleet-api';
import { platformFleetPages } from './platform-fleet-pages';
import { publicApiRoutes } from './public-api';
import { publicPageRoutes } from './public-pages';
import { serviceRoutes } from './service-routes';

/** Every router of the app, in order. Each feature adds one line here. */
export function mountRoutes(app: Express, services: AppServices): void {
  // The public API first: a booking should not walk every other router to find its handler.
  // It parses bodies only on its own routes, so the payment webhook below still gets its raw body.
  app.use(publicApiRoutes(services));
  app.use(serviceRoutes(services));
  // Stripe's webhook keeps its raw body, so it comes before anything that might parse one.
  app.use(paymentRoutes(services));
  // Before every router under /admin, /platform and their APIs: their guards read req.principal.
  mountAuthentication(app, services);
  app.use(accountRoutes(services, { dashboardSections: dashboardEvents(services) }));
  app.use(adminEventsApiRoutes(services));
  app.use(adminAttendeesApiRoutes(services));
  app.use(platformApiRoutes(services));
  app.use(platformFleetApiRoutes(services));
  app.use(platformFleetPages(services));
  app.use(organiserPages(services));
  app.use(publicPageRoutes(services));
}
