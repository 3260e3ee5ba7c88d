import { type Request, Router } from 'express';
import { z } from 'zod';
import { createOrganiserSchema } from '../../accounts/organiser-service';
import type { AppServices } from '../../app/services';
import { inlineError, noticeFrom, readForm } from '../form-input';
import { callerOf, requirePlatformPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { renderAdminPage } from '../views/admin-layout';
import { PlatformPage, type PlatformPageProps } from '../views/platform-page';
import { loadAdminContext } from './admin-context';

// The HTML form uses snake_case field names; the service schema is the JSON API's.
const organiserForm = z
  .object({ name: z.unknown(), slug: z.unknown(), owner_email: z.unknown(), owner_password: z.unknown() })
  .transform((f) => ({ name: f.name, slug: f.slug, ownerEmail: f.owner_email, ownerPassword: f.owner_password }))
  .pipe(createOrganiserSchema);

const NOTICES = { created: 'The organiser is created. Its owner can now log in.' };

/** /platform: the fleet view for platform admins (organisers and shards, never attendee data). */
export function platformRoutes(services: AppServices): Router {
  const router = Router();
  const { infra } = services;
  const admin = requirePlatformPage();

  async function render(req: Request, extra: Partial<PlatformPageProps> = {}): Promise<string> {
    const [ctx, organisers, shards, counts] = await Promise.all([
      loadAdminContext(services, callerOf(req)),
      infra.organisers.list(),
      infra.registry.list(),
      infra.registry.eventCounts(),
    ]);
    return renderAdminPage(
      'Platform',
      ctx,
      <PlatformPage
        ctx={ctx}
        organisers={organisers.map((o) => ({ id: o.id, slug: o.slug, name: o.name }))}
        shards={shards.map((s) => ({ ...s, events: counts.get(s.name) ?? 0 }))}
        {...extra}
      />,
    );
  }

  router.get('/platform', admin, async (req, res) => {
    res.type('html').send(await render(req, { notice: noticeFrom(req, NOTICES) }));
  });

  router.post('/platform/organisers', admin, requireContentType('form'), parseForm, csrfForSession(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = { name: String(body.name ?? '').slice(0, 120), slug: String(body.slug ?? '').slice(0, 63), ownerEmail: String(body.owner_email ?? '').slice(0, 254) };
    const input = readForm(organiserForm, req);
    if (!input.ok) return res.status(STATUS_OF.invalid_request).type('html').send(await render(req, { errors: input.errors, form: typed }));
    try {
      await services.accounts.organisers.createOrganiser(input.data);
    } catch (err) {
      const shown = inlineError(err, ['conflict', 'unauthorized']);
      if (!shown) throw err;
      return res.status(STATUS_OF[shown.code]).type('html').send(await render(req, { errors: [shown.message], form: typed }));
    }
    res.redirect(303, '/platform?notice=created');
  });

  return router;
}
