import { GroupStore } from '../catalog/group-store';
import { HolidayStore } from '../catalog/holiday-store';
import { EventService } from '../events/event-service';
import { EventSnapshots } from '../events/event-snapshots';
import { PublicEvents } from '../events/public-events';
import type { Infra } from '../infra/infra';
import { AttendeeService } from '../bookings/attendee-service';
import { AvailabilityCache } from '../admission/availability-cache';
import { BookingService } from '../bookings/booking-service';
import { DemandGate } from '../admission/demand-gate';

/** The booking side of the app: events, bookings, attendees and their caches, wired once. */
export function createBookingModule(infra: Infra) {
  const snapshots = new EventSnapshots(infra.router);
  const availability = new AvailabilityCache();
  const demand = new DemandGate();
  const holidays = new HolidayStore(infra.catalog);
  const groups = new GroupStore(infra.catalog);
  const events = new EventService({ infra, snapshots, groups, availability });
  const bookings = new BookingService({ infra, snapshots, availability, demand, holidays });
  const attendees = new AttendeeService({ infra, events, availability });
  const publicEvents = new PublicEvents({ infra, snapshots, holidays });
  return {
    snapshots,
    availability,
    demand,
    holidays,
    groups,
    events,
    bookings,
    attendees,
    publicEvents,
    close() {
      snapshots.close();
      holidays.close();
    },
  };
}

export type BookingModule = ReturnType<typeof createBookingModule>;
