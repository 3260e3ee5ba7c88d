import { Router } from 'express';
import { APP_CSS } from '../views/styles';
import { isThemeColour, themeCss } from '../views/theme';
import type { Infra } from '../../infra/infra';
import { checkHealth } from '../../infra/health';
import { ROBOTS_TXT } from '../middleware/robots';
import { FAVICON_ICO } from '../public/favicon';

/** /healthz, /metrics and static assets: no auth, no session. */
export function serviceRoutes(infra: Infra): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    const health = await checkHealth(infra);
    // Degraded (a shard down) still serves other events, so only a dead catalog is a 503.
    res.status(health.catalog.ok ? 200 : 503).json(health);
  });

  router.get('/metrics', async (_req, res) => {
    const { registry } = infra.metrics;
    res.type(registry.contentType).send(await registry.metrics());
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
