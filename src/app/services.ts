import { type AccountServices, createAccounts } from '../accounts';
import { type BookingModule, createBookingModule } from './booking-module';
import type { Infra } from '../infra/infra';
import { createPaymentsModule, type PaymentsModule } from './payments-module';

/** Everything the HTTP layer may call; built once in main.ts (and in tests). */
export interface AppServices {
  infra: Infra;
  bookings: BookingModule;
  payments: PaymentsModule;
  accounts: AccountServices;
  /** Stops every service's timers and caches, then closes the catalog and shard clients (after the writers drained). */
  close(): Promise<void>;
}

export function createServices(infra: Infra): AppServices {
  const bookings = createBookingModule(infra);
  const payments = createPaymentsModule(infra, bookings);
  const accounts = createAccounts(infra, { stripe: payments.setup });
  return {
    infra,
    bookings,
    payments,
    accounts,
    async close() {
      await payments.close();
      bookings.close();
      accounts.close();
      await infra.close();
    },
  };
}
