import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import { AppError } from '../../errors';
import { projectRoot } from '../../lib/paths';
import type { AppServices } from '../../app/services';
import { param } from '../params';
import { ADMIN_JS } from '../public/admin-scripts';
import { ScannerPage } from '../views/admin/scanner-page';
import { organiserPage, pageGuards, sendPage } from './organiser-page-kit';

/** The bundle `npm run build` writes (ops/build-assets.ts); read once, then served from memory. */
let scannerJs: Promise<Buffer> | undefined;
const SCANNER_FILE = () => path.join(projectRoot(), 'dist', 'assets', 'scanner.js');

/** /admin/events/:slug/scanner (staff of the organiser) and its script. */
export function adminDoorPages(services: AppServices): Router {
  const router = Router();
  const { events } = services.bookings;
  const { page } = pageGuards();

  router.get('/admin/events/:slug/scanner', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    sendPage(res, 200, `Door: ${event.name}`, p.ctx, <ScannerPage event={event} csrfToken={p.ctx.csrfToken} timezone={p.organiser.timezone} />, ['/assets/scanner.js']);
  });

  router.get('/assets/admin.js', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('application/javascript').send(ADMIN_JS);
  });

  router.get('/assets/scanner.js', async (_req, res) => {
    scannerJs ??= readFile(SCANNER_FILE());
    let body: Buffer;
    try {
      body = await scannerJs;
    } catch (e) {
      scannerJs = undefined;
      throw new AppError('not_found', 'The scanner script is not built: run npm run build.', { cause: e });
    }
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('application/javascript').send(body);
  });

  return router;
}
