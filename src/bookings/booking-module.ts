import { GroupStore } from '../catalog/group-store';
import { HolidayStore } from '../catalog/holiday-store';
import { EventService } from '../events/event-service';
import { EventSnapshots } from '../events/event-snapshots';
import { PublicEvents } from '../events/public-events';
import type { Platform } from '../runtime/platform';
import { AttendeeService } from './attendee-service';
import { AvailabilityCache } from './availability-cache';
import { BookingService } from './booking-service';
import { DemandGate } from './demand-gate';

/** The booking side of the app: events, bookings, attendees and their caches, wired once. */
export function createBookingModule(platform: Platform) {
  const snapshots = new EventSnapshots(platform.router);
  const availability = new AvailabilityCache();
  const demand = new DemandGate();
  const holidays = new HolidayStore(platform.catalog);
  const groups = new GroupStore(platform.catalog);
  const events = new EventService({ platform, snapshots, groups, availability });
  const bookings = new BookingService({ platform, snapshots, availability, demand, holidays });
  const attendees = new AttendeeService({ platform, events, availability });
  const publicEvents = new PublicEvents({ platform, snapshots, holidays });
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
