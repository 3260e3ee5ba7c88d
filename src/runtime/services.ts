import { type AccountServices, createAccounts } from '../accounts';
import { type BookingModule, createBookingModule } from '../bookings/booking-module';
import type { Platform } from './platform';

/** Everything the HTTP layer may call; built once in main.ts (and in tests). */
export interface AppServices {
  platform: Platform;
  bookings: BookingModule;
  accounts: AccountServices;
}

export function createServices(platform: Platform): AppServices {
  const bookings = createBookingModule(platform);
  const accounts = createAccounts(platform);
  return { platform, bookings, accounts };
}
