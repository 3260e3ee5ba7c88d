import express, { type Express, type RequestHandler } from 'express';
import type { AppServices } from '../app/services';
import { errorHandler, notFound } from './middleware/error-handler';
import { inOneLayer } from './middleware/in-one-layer';
import { requestContext } from './middleware/request-context';
import { robotsHeader } from './middleware/robots';
import { securityHeaders } from './middleware/security-headers';
import { stripTrackingParams } from './middleware/tracking-params';
import { mountRoutes } from './routes';

/** Pages carry personal data and per-user forms: never cache unless a route says so. */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'private, no-store');
  next();
};

/** Builds the express app (no listen), so tests can drive it with supertest on a real port. */
export function createApp(services: AppServices): Express {
  const app = express();
  app.disable('x-powered-by');
  // Off unless TRUST_PROXY says which hops to believe: X-Forwarded-For from anyone else is a
  // client choosing its own address for the login limits (finding 10).
  app.set('trust proxy', services.infra.config.trustProxy);
  app.set('query parser', 'simple');
  const counted: RequestHandler = (_req, _res, next) => {
    services.infra.metrics.requestServed();
    next();
  };
  app.use(inOneLayer(requestContext(services.infra.logger), counted, securityHeaders, robotsHeader, stripTrackingParams, noStore));
  mountRoutes(app, services);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
