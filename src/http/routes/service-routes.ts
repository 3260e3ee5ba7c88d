import { Router, type Request } from 'express';
import { constantTimeEqual } from '../../crypto';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { checkHealth, publicHealth } from '../../infra/health';
import { type MetricsSnapshot, scrapeText } from '../../infra/metrics';
import { readSessionCookie } from '../middleware/session-cookie';
import { APP_CSS } from '../views/styles';
import { isThemeColour, themeCss } from '../views/theme';
import { ROBOTS_TXT } from '../middleware/robots';
import { FAVICON_ICO } from '../public/favicon';

const BEARER = /^Bearer (\S{1,512})$/i;

/** /healthz, /metrics and static assets: no session needed. */
export function serviceRoutes(services: AppServices): Router {
  const router = Router();
  const { infra } = services;
  const { metricsToken, metricsEnabled, env } = infra.config;

  const hasMetricsToken = (req: Request) => {
    const sent = BEARER.exec(req.get('authorization')?.trim() ?? '')?.[1];
    return metricsToken !== undefined && sent !== undefined && constantTimeEqual(sent, metricsToken);
  };

  /** Detail (errors, versions): the token, a platform admin, or a dev install with no token set. */
  const maySeeDetail = async (req: Request) => {
    if (hasMetricsToken(req)) return true;
    if (metricsToken === undefined && env !== 'production') return true;
    const secret = readSessionCookie(req);
    if (!secret) return false;
    const principal = await services.accounts.sessions.resolveSession(secret);
    return principal?.platformAdmin === true;
  };

  router.get('/healthz', async (req, res) => {
    const health = await checkHealth(infra);
    // Degraded (a shard down) still serves other events, so only a dead catalog is a 503.
    res.status(health.catalog.ok ? 200 : 503).json((await maySeeDetail(req)) ? health : publicHealth(health));
  });

  router.get('/metrics', async (req, res) => {
    if (!metricsEnabled) throw new AppError('not_found', 'There is nothing at this address.');
    if (metricsToken !== undefined && !hasMetricsToken(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError('unauthorized', 'Send Authorization: Bearer $METRICS_TOKEN.');
    }
    // Under WEB_CONCURRENCY>1 this process answers for all of them (counters summed across workers).
    const snapshots = infra.peers.clustered ? await infra.peers.gather<MetricsSnapshot>('metrics') : null;
    res.type(infra.metrics.registry.contentType).send(await scrapeText(infra.metrics, snapshots));
  });

  router.get('/robots.txt', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('text/plain').send(ROBOTS_TXT);
  });

  router.get('/favicon.ico', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('image/x-icon').send(FAVICON_ICO);
  });

  router.get('/assets/theme/:file', (req, res, next) => {
    const m = /^([0-9a-f]{6})\.css$/.exec(String(req.params.file));
    if (!m || !isThemeColour(m[1]!)) return next();
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('text/css').send(themeCss(m[1]!));
  });

  router.get('/assets/app.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('text/css').send(APP_CSS);
  });

  return router;
}
