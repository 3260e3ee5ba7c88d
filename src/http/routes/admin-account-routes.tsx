import { type Request, Router } from 'express';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { newPasswordPair } from '../../accounts/inputs';
import { lineText } from '../../domain/inputs';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { idParam, inlineError, noticeFrom, readForm } from '../form-input';
import { callerOf, requireLoginPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { setSessionCookie } from '../middleware/session-cookie';
import { AdminDashboard, PasswordPage, SessionsPage, TokensPage } from '../views/account-pages';
import { type AdminContext, renderAdminPage } from '../views/admin-layout';
import { loadAdminContext } from './admin-context';

const passwordForm = z
  .object({ current_password: z.string().min(1, 'Enter your current password.').max(1024), revoke_tokens: z.literal('1').optional() })
  .and(newPasswordPair);
const tokenForm = z.object({ label: lineText().max(100, 'Use at most 100 characters for the label.').optional().default('') });
const switchForm = z.object({ organiser_id: z.coerce.number().int().positive() });

const SESSION_NOTICES = { revoked: 'All your other sessions are logged out.' };
const TOKEN_NOTICES = { revoked: 'The token is revoked.' };
const PASSWORD_NOTICES = { changed: 'Your password is changed. Your other sessions are logged out.' };

export interface AdminAccountRouteOptions {
  /** Extra dashboard sections (the events list), rendered under the welcome card. */
  dashboardSections?: (req: Request, ctx: AdminContext) => Promise<ComponentChildren>;
}

/** The signed-in user's own pages: dashboard, sessions, API tokens, password, organiser switch. */
export function adminAccountRoutes(services: AppServices, options: AdminAccountRouteOptions = {}): Router {
  const router = Router();
  const { sessions, tokens, passwords } = services.accounts;
  const page = requireLoginPage();
  const form = [page, requireContentType('form'), parseForm, csrfForSession()];
  const ctxOf = (req: Request) => loadAdminContext(services, callerOf(req), req.path);

  router.get('/admin', page, async (req, res) => {
    const principal = callerOf(req);
    if (!principal.organiser) {
      if (principal.platformAdmin) return res.redirect(302, '/platform');
      throw new AppError('forbidden', 'This login does not manage an organiser.');
    }
    const ctx = await ctxOf(req);
    const sections = options.dashboardSections ? await options.dashboardSections(req, ctx) : null;
    res.type('html').send(renderAdminPage(ctx.organiser?.name ?? 'Dashboard', ctx, <AdminDashboard ctx={ctx}>{sections}</AdminDashboard>));
  });

  router.post('/admin/switch-organiser', ...form, async (req, res) => {
    const input = readForm(switchForm, req);
    if (!input.ok) throw new AppError('invalid_request', 'Choose an organiser.');
    await sessions.switchOrganiser(callerOf(req), input.data.organiser_id);
    res.redirect(303, '/admin');
  });

  router.get('/admin/sessions', page, async (req, res) => {
    const [ctx, list] = await Promise.all([ctxOf(req), sessions.list(callerOf(req))]);
    res.type('html').send(renderAdminPage('Sessions', ctx, <SessionsPage ctx={ctx} sessions={list} notice={noticeFrom(req, SESSION_NOTICES)} />));
  });

  router.post('/admin/sessions/revoke-others', ...form, async (req, res) => {
    await sessions.revokeOthers(callerOf(req));
    res.redirect(303, '/admin/sessions?notice=revoked');
  });

  router.get('/admin/tokens', page, async (req, res) => {
    const [ctx, list] = await Promise.all([ctxOf(req), tokens.list(callerOf(req))]);
    res.type('html').send(renderAdminPage('API tokens', ctx, <TokensPage ctx={ctx} tokens={list} notice={noticeFrom(req, TOKEN_NOTICES)} />));
  });

  router.post('/admin/tokens', ...form, async (req, res) => {
    const principal = callerOf(req);
    const input = readForm(tokenForm, req);
    const created = input.ok ? await tokens.createForPrincipal(principal, input.data.label) : undefined;
    const [ctx, list] = await Promise.all([ctxOf(req), tokens.list(principal)]);
    res
      .status(created ? 201 : STATUS_OF.invalid_request)
      .type('html')
      .send(renderAdminPage('API tokens', ctx, <TokensPage ctx={ctx} tokens={list} created={created?.token} errors={input.ok ? [] : input.errors} />));
  });

  router.post('/admin/tokens/:id/revoke', ...form, async (req, res) => {
    await tokens.revoke(callerOf(req), idParam(req, 'id'));
    res.redirect(303, '/admin/tokens?notice=revoked');
  });

  router.get('/admin/password', page, async (req, res) => {
    const ctx = await ctxOf(req);
    res.type('html').send(renderAdminPage('Change password', ctx, <PasswordPage ctx={ctx} notice={noticeFrom(req, PASSWORD_NOTICES)} />));
  });

  router.post('/admin/password', ...form, async (req, res) => {
    const principal = callerOf(req);
    const input = readForm(passwordForm, req);
    const again = async (status: number, errors: string[], err?: AppError) => {
      if (err?.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      const ctx = await ctxOf(req);
      res.status(status).type('html').send(renderAdminPage('Change password', ctx, <PasswordPage ctx={ctx} errors={errors} />));
    };
    if (!input.ok) return again(STATUS_OF.invalid_request, input.errors);
    try {
      const next = await passwords.changePassword(principal, input.data.current_password, input.data.password, req.get('user-agent') ?? '', {
        revokeTokens: input.data.revoke_tokens === '1',
      });
      setSessionCookie(req, res, next.secret);
      res.redirect(303, '/admin/password?notice=changed');
    } catch (err) {
      const shown = inlineError(err, ['unauthorized', 'too_many_attempts']);
      if (!shown) throw err;
      await again(STATUS_OF[shown.code], [shown.message], shown);
    }
  });

  return router;
}
