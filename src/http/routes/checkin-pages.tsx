import { type Request, Router } from 'express';
import { unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import type { TicketAtDoor } from '../../bookings/check-in-service';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { authenticate } from '../middleware/authenticate';
import { param } from '../params';
import { renderDocument } from '../views/render';
import { CheckInLoggedOut, CheckInPage, type CheckInResult } from '../views/admin/checkin-page';
import { ConfirmPage } from '../views/admin/confirm-page';
import { type OrganiserPage, organiserPage, pageGuards, sendPage } from './organiser-page-kit';

/** A QR code holds one token; a booking's link holds a few. More is not a door scan. */
const MAX_TOKENS = 50;

const notFound = () => new AppError('not_found', 'None of these tickets belong to your organisation.');

/** "t1+t2" (a space, as a decoded +, counts too); duplicates once. */
function tokensOf(req: Request): string[] {
  const tokens = [...new Set(param(req, 'tokens').split(/[+ ]/).filter(Boolean))];
  if (tokens.length === 0 || tokens.length > MAX_TOKENS) throw notFound();
  return tokens;
}

/** The form posts back to the tickets found, not to whatever path was typed. */
const actionOf = (tickets: TicketAtDoor[]) => `/checkin/${tickets.map((t) => t.token).join('+')}`;

/**
 * /checkin/:tokens, the address in every ticket's QR code. GET never changes anything;
 * logged out it is a neutral page. POST (an admin of the tickets' organiser, with the
 * session's CSRF token) checks in every ticket not refunded; it never checks anyone out.
 */
export function checkinPages(services: AppServices): Router {
  const router = Router();
  const desk = services.bookings.checkIn;
  const { form } = pageGuards();
  // /checkin is outside the app-wide authenticated paths; a staff member's session counts here.
  router.use('/checkin', authenticate(services));

  async function ticketsFor(req: Request, p: OrganiserPage): Promise<TicketAtDoor[]> {
    const tickets = await desk.ticketsByTokens(p.orgId, tokensOf(req), unlockOrganiserPrivateKey(p.principal, p.organiser));
    if (tickets.length === 0) throw notFound();
    return tickets;
  }

  router.get('/checkin/:tokens', async (req, res) => {
    if (!req.principal?.organiser) {
      res.type('html').send(renderDocument(<CheckInLoggedOut />));
      return;
    }
    const p = await organiserPage(services, req);
    const tickets = await ticketsFor(req, p);
    sendPage(res, 200, 'Check-in', p.ctx, <CheckInPage ctx={p.ctx} tickets={tickets} action={actionOf(tickets)} />);
  });

  router.get('/checkin/:tokens/check-out', async (req, res) => {
    if (!req.principal?.organiser) {
      res.type('html').send(renderDocument(<CheckInLoggedOut />));
      return;
    }
    const p = await organiserPage(services, req);
    const tickets = (await ticketsFor(req, p)).filter((t) => t.checkedIn && !t.refunded);
    const qty = tickets.reduce((n, t) => n + t.quantity, 0);
    const action = actionOf(await ticketsFor(req, p));
    sendPage(
      res,
      200,
      'Check out',
      p.ctx,
      <ConfirmPage ctx={p.ctx} title="Check out everyone on this ticket?" action={`${action}/check-out`} submitLabel={`Check out ${qty} ticket(s)`} cancelHref={action} danger>
        <p>{tickets.map((t) => `${t.name} (${t.quantity})`).join(', ') || 'Nobody here is checked in.'} will need to be checked in again to come back in.</p>
      </ConfirmPage>,
    );
  });

  router.post('/checkin/:tokens/check-out', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const before = (await ticketsFor(req, p)).filter((t) => t.checkedIn && !t.refunded);
    const done = await Promise.all(before.map((t) => desk.checkOutToken(p.orgId, t.token, p.principal.userId)));
    const checkedOut = before.reduce((n, t, i) => n + (done[i] ? t.quantity : 0), 0);
    const after = await ticketsFor(req, p);
    sendPage(res, 200, 'Check-in', p.ctx, <CheckInPage ctx={p.ctx} tickets={after} action={actionOf(after)} result={{ checkedIn: 0, already: 0, refunded: 0, checkedOut }} />);
  });

  router.post('/checkin/:tokens', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const before = await ticketsFor(req, p);
    const result: CheckInResult = { checkedIn: 0, already: 0, refunded: 0 };
    // In parallel: the shard's coalescer commits them together. checkIn is conditional in
    // SQL, so two staff pressing at once count each ticket once.
    const outcomes = await Promise.all(
      before.map((t) => (t.refunded ? { status: 'refunded' as const, quantity: t.quantity } : desk.checkIn(p.orgId, t.token))),
    );
    for (const o of outcomes) {
      if (o.status === 'checked_in') result.checkedIn += o.quantity;
      else if (o.status === 'already_checked_in') result.already += o.quantity;
      else result.refunded += o.quantity;
    }
    const after = await ticketsFor(req, p);
    sendPage(res, 200, 'Check-in', p.ctx, <CheckInPage ctx={p.ctx} tickets={after} action={actionOf(after)} result={result} />);
  });

  return router;
}
