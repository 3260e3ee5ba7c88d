import { Admission } from '../admission/admission';
import { FairTurns } from '../admission/fair-turns';
import { ActivityFeed } from '../bookings/activity-feed';
import { AttendeeAdminService } from '../bookings/attendee-admin-service';
import { DecryptedContacts } from '../bookings/decrypted-contacts';
import { SalesOverview } from '../bookings/sales-overview';
import { AttendeeService } from '../bookings/attendee-service';
import { BookingService } from '../bookings/booking-service';
import { CheckInService } from '../bookings/check-in-service';
import { PublicTickets } from '../bookings/public-tickets';
import { Reservations } from '../bookings/reservation';
import { TicketEmails } from '../bookings/ticket-emails';
import { GroupStore } from '../catalog/group-store';
import { HolidayStore } from '../catalog/holiday-store';
import { OrganiserLogStore } from '../catalog/organiser-log';
import { CalendarService } from '../events/calendar';
import { EventImages } from '../events/event-images';
import { EventService } from '../events/event-service';
import { EventSnapshots } from '../events/event-snapshots';
import { PublicEvents } from '../events/public-events';
import type { Infra } from '../infra/infra';
import { liveRelocator, whereNow } from './live-relocate';
import { ActivityLogStore } from '../shards/tables/activity-log';
import { AttendeeAdminStore } from '../shards/tables/attendee-admin-store';
import { AttendeeStore } from '../shards/tables/attendee-store';
import { BookingStore } from '../shards/tables/booking-store';
import { EventImageStore } from '../shards/tables/event-image-store';
import { EventStore } from '../shards/tables/event-store';

/**
 * Events, bookings, attendees, the door and their caches, wired once: routes receive these
 * services and never construct one. Each service gets only the parts of Infra it uses.
 */
export function createBookingModule(infra: Infra) {
  // Every write of an event's rows is refused while it is frozen for a move, and a write
  // that reaches a moved-away copy re-resolves here (live-event-guard).
  let forgetSnapshot = (_eventId: number): void => undefined;
  const relocate = liveRelocator(infra.directory, (id) => forgetSnapshot(id));
  const eventStore = new EventStore(infra.router, relocate);
  const attendeeStore = new AttendeeStore(infra.router, relocate);
  const logStore = new ActivityLogStore(infra.router, relocate);
  // Reads too: a copy marked `moved` makes the snapshot re-resolve past the directory cache.
  const snapshots = new EventSnapshots(eventStore, whereNow(infra.directory, (id) => forgetSnapshot(id)));
  forgetSnapshot = (id) => snapshots.invalidate(id);
  const admission = new Admission();
  // Booking work in turns across events, so one on-sale's CPU does not hold up other events' buyers.
  const turns = new FairTurns({ onDepth: (n) => infra.metrics.bookingTurnsWaiting.set(n) });
  const holidays = new HolidayStore(infra.catalog);
  const groups = new GroupStore(infra.catalog);
  const organiserLog = new OrganiserLogStore(infra.catalog);
  const events = new EventService({ infra, events: eventStore, snapshots, groups, releases: admission, organiserLog });
  const images = new EventImages({ infra, events, images: new EventImageStore(infra.router, relocate), snapshots });
  const reservations = new Reservations({ ...pick(infra), snapshots, holidays, admission });
  const bookings = new BookingService({ keyring: infra.keyring, metrics: infra.metrics, config: infra.config, reservations, store: new BookingStore(infra.router) });
  const contacts = new DecryptedContacts();
  const attendees = new AttendeeService({
    keyring: infra.keyring,
    config: infra.config,
    events,
    attendees: attendeeStore,
    log: logStore,
    contacts,
    // A buyer tried to book in the last second: searches and exports yield most of the loop.
    salesOn: () => Date.now() - admission.lastClaimAt < 1000,
  });
  const ticketEmails = new TicketEmails({ keyring: infra.keyring, config: infra.config, organisers: infra.organisers, router: infra.router, relocate, events, attendees: attendeeStore, log: logStore });
  const attendeeAdmin = new AttendeeAdminService({
    keyring: infra.keyring,
    config: infra.config,
    organisers: infra.organisers,
    events,
    attendees: attendeeStore,
    store: new AttendeeAdminStore(infra.router, relocate),
    snapshots,
    releases: admission,
    holidays,
  });
  const calendar = new CalendarService({ directory: infra.directory, events: eventStore });
  const sales = new SalesOverview({ directory: infra.directory, events, attendees: attendeeStore });
  const activity = new ActivityFeed({ directory: infra.directory, events, shardLog: logStore, organiserLog });
  const checkIn = new CheckInService({ directory: infra.directory, keyring: infra.keyring, organisers: infra.organisers, events, attendees: attendeeStore });
  const tickets = new PublicTickets({ infra, snapshots, attendees: attendeeStore });
  const publicEvents = new PublicEvents({ infra, snapshots, holidays, events: eventStore, admission });
  return {
    snapshots,
    admission,
    turns,
    holidays,
    groups,
    events,
    images,
    reservations,
    bookings,
    attendees,
    ticketEmails,
    attendeeAdmin,
    activity,
    calendar,
    sales,
    organiserLog,
    checkIn,
    tickets,
    publicEvents,
    contacts,
    close() {
      snapshots.close();
      holidays.close();
      contacts.close();
    },
  };
}

const pick = (infra: Infra) => ({ directory: infra.directory, organisers: infra.organisers, router: infra.router, keyring: infra.keyring, metrics: infra.metrics });

export type BookingModule = ReturnType<typeof createBookingModule>;
