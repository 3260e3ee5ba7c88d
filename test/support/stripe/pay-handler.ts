/**
 * `GET /pay/:id` shows the hosted checkout page; `POST /pay/:id` is the buyer paying: the
 * session completes, `checkout.session.completed` is delivered (and awaited, so the app has
 * seen it before the browser lands on success_url), then a 303 to success_url.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { completeSession, refreshExpiry } from './checkout-lifecycle';
import { renderCheckoutPage, renderClosedPage, renderNotFoundPage } from './checkout-page';
import { FormBodyError, parseFormBody } from './form-body';
import { readBody, sendHtml } from './http-util';
import { type SessionRecord, successRedirect } from './objects';
import type { AccountRegistry, AccountState } from './store';

export interface PayDeps {
  accounts: AccountRegistry;
  nowSeconds(): number;
  /** Delivers checkout.session.completed for a session that has just been paid. */
  onPaid(account: AccountState, session: SessionRecord): Promise<void>;
}

export async function handlePay(req: IncomingMessage, res: ServerResponse, sessionId: string, deps: PayDeps): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);
  const account = deps.accounts.owning(sessionId);
  const session = account?.sessions.get(sessionId);
  if (!account || !session) {
    sendHtml(res, 404, renderNotFoundPage());
    return;
  }
  refreshExpiry(session, deps.nowSeconds());

  if (method === 'GET') {
    if (session.status === 'open') sendHtml(res, 200, renderCheckoutPage(session, account.profile.displayName));
    else sendHtml(res, 200, renderClosedPage(session));
    return;
  }
  if (method !== 'POST') {
    sendHtml(res, 405, renderNotFoundPage(), { Allow: 'GET, POST' });
    return;
  }

  if (session.status === 'expired') {
    sendHtml(res, 410, renderClosedPage(session));
    return;
  }
  // A second submit (double click, back button) of a paid session just goes to success again.
  if (session.status === 'open') {
    let fields: Record<string, unknown> = {};
    try {
      fields = parseFormBody(raw);
    } catch (err) {
      if (!(err instanceof FormBodyError)) throw err;
    }
    const email = typeof fields.email === 'string' && fields.email !== '' ? fields.email : undefined;
    const name = typeof fields.name === 'string' && fields.name !== '' ? fields.name : undefined;
    completeSession(account, session, { paid: true, email, name }, deps.nowSeconds());
    await deps.onPaid(account, session);
  }
  const target = successRedirect(session);
  if (target === null) sendHtml(res, 200, renderClosedPage(session));
  else {
    res.writeHead(303, { Location: target, 'Content-Length': '0', 'Cache-Control': 'no-store' });
    res.end();
  }
}
