import { type AccountServices, createAccounts } from '../accounts';
import { type BookingModule, createBookingModule } from './booking-module';
import type { Infra } from '../infra/infra';
import { FleetService } from '../fleet/fleet-service';

/** Everything the HTTP layer may call; built once in main.ts (and in tests). */
export interface AppServices {
  infra: Infra;
  bookings: BookingModule;
  accounts: AccountServices;
  /** Moves, promotions and drains of the shard fleet. */
  fleet: FleetService;
  /** Stops every service's timers and caches, then closes the catalog and shard clients (after the writers drained). */
  close(): Promise<void>;
}

export function createServices(infra: Infra): AppServices {
  const bookings = createBookingModule(infra);
  const accounts = createAccounts(infra);
  const fleet = new FleetService({ ...infra, snapshots: bookings.snapshots, admission: bookings.admission });
  return {
    infra,
    bookings,
    accounts,
    fleet,
    async close() {
      bookings.close();
      accounts.close();
      await infra.close();
    },
  };
}
