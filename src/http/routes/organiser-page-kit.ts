import type { Request, RequestHandler, Response } from 'express';
import type { ComponentChildren } from 'preact';
import type { Principal } from '../../accounts/principal';
import type { AppServices } from '../../app/services';
import type { Organiser } from '../../catalog/organiser-store';
import { isoDate } from '../../domain/bookings/booking-input';
import { AppError } from '../../errors';
import { callerOf, callerOrganiser, requireAdminPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { ATTENDEE_SORTS, type AttendeeFilter, type AttendeeSortKey } from '../views/admin/attendee-filter';
import { type AdminContext, renderAdminPage } from '../views/admin-layout';
import { loadAdminContext } from './admin-context';

/** What every organiser page handler needs: who, for which organiser, and the nav data. */
export interface OrganiserPage {
  principal: Principal;
  orgId: number;
  organiser: Organiser;
  ctx: AdminContext;
}

export async function organiserPage(services: AppServices, req: Request): Promise<OrganiserPage> {
  const principal = callerOf(req);
  const orgId = callerOrganiser(req).id;
  const [organiser, ctx] = await Promise.all([services.infra.organisers.get(orgId), loadAdminContext(services, principal, req.path)]);
  if (!organiser) throw new AppError('not_found', 'This organiser no longer exists.');
  return { principal, orgId, organiser, ctx };
}

export function sendPage(res: Response, status: number, title: string, ctx: AdminContext, body: ComponentChildren, scripts?: string[]): void {
  res.status(status).type('html').send(renderAdminPage(title, ctx, body, scripts));
}

/** Guards: GET pages, and POST forms (guard → urlencoded only → body → session CSRF token). */
export function pageGuards(role?: 'owner'): { page: RequestHandler; form: RequestHandler[] } {
  const page = requireAdminPage(role);
  return { page, form: [page, requireContentType('form'), parseForm, csrfForSession()] };
}

/** `?date=YYYY-MM-DD` and `?checked=in|out` from a query or a form; anything else is a 400. */
export function readAttendeeFilter(source: unknown): AttendeeFilter {
  const s = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const filter: AttendeeFilter = {};
  if (s.date !== undefined && s.date !== '') {
    const parsed = isoDate.safeParse(s.date);
    if (!parsed.success) throw new AppError('invalid_request', 'The date filter must be a date such as 2026-07-01.');
    filter.date = parsed.data;
  }
  if (s.checked !== undefined && s.checked !== '') {
    if (s.checked !== 'in' && s.checked !== 'out') throw new AppError('invalid_request', 'The check-in filter is "in" or "out".');
    filter.checked = s.checked;
  }
  if (s.refunded !== undefined && s.refunded !== '') {
    if (s.refunded !== 'yes' && s.refunded !== 'no') throw new AppError('invalid_request', 'The refund filter is "yes" or "no".');
    filter.refunded = s.refunded;
  }
  if (s.q !== undefined && s.q !== '') {
    if (typeof s.q !== 'string' || s.q.length > 200) throw new AppError('invalid_request', 'Search for at most 200 characters of a name or email.');
    if (s.q.trim()) filter.q = s.q.trim();
  }
  if (s.sort !== undefined && s.sort !== '') {
    if (typeof s.sort !== 'string' || !(ATTENDEE_SORTS as readonly string[]).includes(s.sort)) throw new AppError('invalid_request', 'Sort by name, quantity or booking time.');
    filter.sort = s.sort as AttendeeSortKey;
  }
  if (s.page !== undefined && s.page !== '') {
    if (typeof s.page !== 'string' || !/^[1-9]\d{0,5}$/.test(s.page)) throw new AppError('invalid_request', 'The page must be a number from 1.');
    filter.page = Number(s.page);
  }
  return filter;
}

/** The filter as AttendeeService.list takes it. */
export const listFilter = (f: AttendeeFilter): { date?: string; checkedIn?: boolean; refunded?: boolean } => ({
  ...(f.date ? { date: f.date } : {}),
  ...(f.checked ? { checkedIn: f.checked === 'in' } : {}),
  ...(f.refunded ? { refunded: f.refunded === 'yes' } : {}),
});

