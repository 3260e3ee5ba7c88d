import type { Express } from 'express';
import type { AppServices } from '../../runtime/services';
import { publicApiRoutes } from './public-api';
import { serviceRoutes } from './service-routes';

/** Every router of the app, in order. Each feature adds one line here. */
export function mountRoutes(app: Express, services: AppServices): void {
  app.use(serviceRoutes(services.platform));
  app.use(publicApiRoutes(services));
}
