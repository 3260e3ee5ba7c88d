import { platformAccountsApiRoutes } from './platform-accounts-api';
import { webhookSettingsApiRoutes } from './webhook-settings-api';
import { type Express, Router } from 'express';
import type { AppServices } from '../../app/services';
import { authenticate } from '../middleware/authenticate';
import { accountsApiRoutes } from './accounts-api';
import { type AdminAccountRouteOptions, adminAccountRoutes } from './admin-account-routes';
import { adminUsersRoutes } from './admin-users-routes';
import { authRoutes } from './auth-routes';
import { platformRoutes } from './platform-routes';

/** Where a caller may be somebody: authenticate runs here (and nowhere else, so public pages stay cheap). */
export const AUTHENTICATED_PATHS = ['/api/v1/admin', '/api/v1/platform', '/admin', '/platform'];

/** Mount before any router under AUTHENTICATED_PATHS, so their guards see req.principal. */
export function mountAuthentication(app: Express, services: AppServices): void {
  app.use(AUTHENTICATED_PATHS, authenticate(services));
}

/** Setup, login, join, the admin account pages, /platform and the accounts JSON API. */
export function accountRoutes(services: AppServices, options: AdminAccountRouteOptions = {}): Router {
  const router = Router();
  router.use(authRoutes(services));
  router.use(adminAccountRoutes(services, options));
  router.use(adminUsersRoutes(services));
  router.use(platformRoutes(services));
  router.use(accountsApiRoutes(services));
  router.use(platformAccountsApiRoutes(services));
  router.use(webhookSettingsApiRoutes(services));
  return router;
}
