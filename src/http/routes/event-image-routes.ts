import express, { Router } from 'express';
import type { AppServices } from '../../app/services';
import { ACCEPTED_IMAGE_TYPES, imageMessages, MAX_IMAGE_BYTES } from '../../events/image-processing';
import { AppError } from '../../errors';
import { param } from '../params';

const YEAR_SECONDS = 31_536_000;
const FILE = /^[0-9a-f]{32}\.webp$/;

/** The raw upload: only the three accepted types are read, at most 1 MB (a bigger body is a 413 before any decoding). */
const rawImage = express.raw({ type: [...ACCEPTED_IMAGE_TYPES], limit: MAX_IMAGE_BYTES });

/** `PUT|DELETE /api/v1/admin/events/:slug/image` (mounted behind the organiser guard). */
export function adminImageApiRoutes(services: AppServices, organiserOf: (req: express.Request) => number): Router {
  const router = Router();
  const { images } = services.bookings;
  router.put('/api/v1/admin/events/:slug/image', (req, _res, next) => {
    // The declared type must be one we accept; the bytes are then checked for what they really are.
    if (!req.is([...ACCEPTED_IMAGE_TYPES])) return next(new AppError('unsupported_media_type', imageMessages.type));
    next();
  }, rawImage, async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.json({ image: await images.put(organiserOf(req), param(req, 'slug'), body) });
  });
  router.delete('/api/v1/admin/events/:slug/image', async (req, res) => {
    await images.remove(organiserOf(req), param(req, 'slug'));
    res.status(204).end();
  });
  return router;
}

/** `GET /images/:eventId/:file`: content-addressed, so cached for a year; public like the pages that show it. */
export function eventImageRoutes(services: AppServices): Router {
  const router = Router();
  router.get('/images/:eventId/:file', async (req, res) => {
    const id = Number(param(req, 'eventId'));
    const file = param(req, 'file');
    if (!Number.isSafeInteger(id) || id < 1 || !FILE.test(file)) throw new AppError('not_found', 'No such image.');
    const image = await services.bookings.images.serve(id, file);
    if (!image) throw new AppError('not_found', 'No such image.');
    res.setHeader('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
    // Shown inside organisers' pages (the embed) and mail clients too.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type(image.mime).send(image.bytes);
  });
  return router;
}
