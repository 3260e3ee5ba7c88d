import { adminWebhooksPages } from './admin-webhooks-pages';
import { Router } from 'express';
import type { AppServices } from '../../app/services';
import { adminAttendeePages } from './admin-attendee-pages';
import { adminConfirmPages } from './admin-confirm-pages';
import { adminDoorPages } from './admin-door-pages';
import { adminOverviewPages } from './admin-overview-pages';
import { adminEventActions } from './admin-event-actions';
import { adminEventPages } from './admin-event-pages';
import { adminGroupEditPages } from './admin-group-edit-pages';
import { adminGroupPages } from './admin-group-pages';
import { adminMemberRoleRoutes } from './admin-member-role-routes';
import { adminHolidayPages } from './admin-holiday-pages';
import { adminSettingsPages } from './admin-settings-pages';
import { checkinPages } from './checkin-pages';

/** The organiser's HTML for events, attendees, check-in, holidays and groups: one mount point. */
export function organiserPages(services: AppServices): Router {
  const router = Router();
  // Before the event pages: /admin/events/:slug/attendees/new is not an event slug.
  router.use(adminAttendeePages(services));
  router.use(adminDoorPages(services));
  router.use(adminEventPages(services));
  router.use(adminEventActions(services));
  router.use(adminHolidayPages(services));
  router.use(adminGroupPages(services));
  router.use(adminGroupEditPages(services));
  router.use(checkinPages(services));
  router.use(adminWebhooksPages(services));
  router.use(adminSettingsPages(services));
  router.use(adminMemberRoleRoutes(services));
  router.use(adminConfirmPages(services));
  router.use(adminOverviewPages(services));
  return router;
}
