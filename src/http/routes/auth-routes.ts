import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { emailSchema, newPasswordPair } from '../../accounts/inputs';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { inlineError, readForm } from '../form-input';
import { requireLoginPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { loginLimit } from '../middleware/abuse-limits';
import { csrfForSession, publicCsrfFor, verifyPublicCsrf } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { clearSessionCookie, readDeviceCookie, setDeviceCookie, setSessionCookie } from '../middleware/session-cookie';
import { renderJoinPage, renderLoginPage, renderSetupPage } from '../views/auth-pages';
import { param } from '../params';

const loginForm = z.object({
  email: z.string().trim().min(1, 'Enter your email.').max(254, 'Enter your email.'),
  password: z.string().min(1, 'Enter your password.').max(1024, 'That password is too long.'),
  next: z.string().optional(),
});
const setupForm = z.object({ email: emailSchema }).and(newPasswordPair);
const existingPasswordForm = z.object({ password: z.string().min(1, 'Enter your password.').max(1024) });

/** Only our own admin pages are valid targets after login: never an open redirect. */
const safeNext = (next: string | undefined) => (next && /^\/(admin|infra)(\/[\w/-]*)?$/.test(next) ? next : undefined);

const userAgentOf = (req: Request) => req.get('user-agent') ?? '';

function send(res: Response, status: number, html: string, err?: AppError) {
  if (err?.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  res.status(status).type('html').send(html);
}

/** /setup, /admin/login, /admin/logout and /join/:code: the forms anonymous visitors see. */
export function authRoutes(services: AppServices): Router {
  const router = Router();
  const { keyring } = services.infra;
  const { admins, sessions, invites } = services.accounts;
  const publicForm = [requireContentType('form'), parseForm, verifyPublicCsrf(keyring)];

  const SETUP_CLOSED = 'Setup needs the one-time link that `npm run ops -- init` prints (the token is in DATA_DIR/setup.token).';
  const setupGate = async (token: unknown) => {
    const access = await admins.setupAccess(token);
    if (access === 'done') throw new AppError('not_found', 'There is nothing at this address.');
    if (access === 'needs_token') throw new AppError('forbidden', SETUP_CLOSED);
  };
  const tokenOf = (v: unknown) => (typeof v === 'string' ? v : undefined);

  router.get('/setup', async (req, res) => {
    const setupToken = tokenOf(req.query.token);
    await setupGate(setupToken);
    send(res, 200, renderSetupPage({ csrfToken: publicCsrfFor(keyring, req, res), ...(setupToken ? { setupToken } : {}) }));
  });

  router.post('/setup', ...publicForm, async (req, res) => {
    const setupToken = tokenOf(req.body?.setup_token);
    await setupGate(setupToken);
    const form = readForm(setupForm, req);
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    if (!form.ok) return send(res, STATUS_OF.invalid_request, renderSetupPage({ csrfToken: publicCsrfFor(keyring, req, res), email, errors: form.errors, ...(setupToken ? { setupToken } : {}) }));
    const admin = await admins.setupFirstAdmin(form.data.email, form.data.password);
    const session = await sessions.open({ id: admin.id, platformAdmin: true }, [], userAgentOf(req));
    setSessionCookie(req, res, session.secret);
    res.redirect(303, '/platform');
  });

  router.get('/admin/login', async (req, res) => {
    if (req.principal) return res.redirect(302, req.principal.organiser ? '/admin' : '/platform');
    if (await admins.isFreshInstall()) return res.redirect(302, '/setup');
    const next = safeNext(typeof req.query.next === 'string' ? req.query.next : undefined);
    const notice = req.query.joined === '1' ? 'You have joined. Log in with your email and password.' : undefined;
    send(res, 200, renderLoginPage({ csrfToken: publicCsrfFor(keyring, req, res), ...(next ? { next } : {}), ...(notice ? { notice } : {}) }));
  });

  router.post('/admin/login', loginLimit(services.infra.config), ...publicForm, async (req, res) => {
    const form = readForm(loginForm, req);
    const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 254) : '';
    const next = safeNext(form.ok ? form.data.next : undefined);
    const again = (status: number, errors: string[], err?: AppError) =>
      send(res, status, renderLoginPage({ csrfToken: publicCsrfFor(keyring, req, res), email, errors, ...(next ? { next } : {}) }), err);
    if (!form.ok) return again(STATUS_OF.invalid_request, form.errors);
    try {
      const session = await sessions.login({ email: form.data.email, password: form.data.password, ip: req.ip, userAgent: userAgentOf(req), device: readDeviceCookie(req) });
      setSessionCookie(req, res, session.secret);
      setDeviceCookie(req, res, session.deviceCookie);
      res.redirect(303, next ?? (session.principal.organiser ? '/admin' : '/platform'));
    } catch (err) {
      const shown = inlineError(err, ['unauthorized', 'too_many_attempts', 'forbidden']);
      if (!shown) throw err;
      again(STATUS_OF[shown.code], [shown.message], shown);
    }
  });

  router.post('/admin/logout', requireLoginPage(), requireContentType('form'), parseForm, csrfForSession(), async (req, res) => {
    if (req.principal) await sessions.logout(req.principal);
    clearSessionCookie(req, res);
    res.redirect(303, '/admin/login');
  });

  // The code is a secret: keep it out of Referer headers of anything this page links to.
  const noReferrer = (_req: Request, res: Response, next: () => void) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };

  router.get('/join/:code', noReferrer, async (req, res) => {
    const invite = await invites.lookup(param(req, 'code'));
    send(res, 200, renderJoinPage({ csrfToken: publicCsrfFor(keyring, req, res), invite }));
  });

  router.post('/join/:code', noReferrer, ...publicForm, async (req, res) => {
    const code = param(req, 'code');
    const invite = await invites.lookup(code);
    const form = invite.existingAccount ? readForm(existingPasswordForm, req) : readForm(newPasswordPair, req);
    if (!form.ok) return send(res, STATUS_OF.invalid_request, renderJoinPage({ csrfToken: publicCsrfFor(keyring, req, res), invite, errors: form.errors }));
    try {
      await invites.accept(code, form.data.password);
    } catch (err) {
      const shown = inlineError(err, ['unauthorized', 'too_many_attempts']);
      if (!shown) throw err;
      return send(res, STATUS_OF[shown.code], renderJoinPage({ csrfToken: publicCsrfFor(keyring, req, res), invite, errors: [shown.message] }), shown);
    }
    res.redirect(303, '/admin/login?joined=1');
  });

  return router;
}
