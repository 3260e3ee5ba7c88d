import { type AccountServices, createAccounts } from '../accounts';
import { type BookingModule, createBookingModule } from './booking-module';
import type { Infra } from '../infra/infra';
import { FleetJobs } from '../fleet/fleet-jobs';
import { FleetService } from '../fleet/fleet-service';
import { createPaymentsModule, type PaymentsModule } from './payments-module';
import { createSmtpMailer, type Mailer } from '../email/mailer';
import { piiSealer } from '../crypto';

/** Everything the HTTP layer may call; built once in main.ts (and in tests). */
export interface AppServices {
  infra: Infra;
  bookings: BookingModule;
  payments: PaymentsModule;
  accounts: AccountServices;
  /** Moves, promotions and drains of the shard fleet. */
  fleet: FleetService;
  /** Promotions and drains started from the console, with their progress. */
  fleetJobs: FleetJobs;
  /** Outgoing mail over SMTP_URL; null when mail is off. The email worker sends tickets and invites with it. */
  mail: { mailer: Mailer } | null;
  /** Stops every service's timers and caches, then closes the catalog and shard clients (after the writers drained). */
  close(): Promise<void>;
}

export function createServices(infra: Infra): AppServices {
  const bookings = createBookingModule(infra);
  const payments = createPaymentsModule(infra, bookings);
  const accounts = createAccounts(infra, { stripe: payments.setup, square: payments.squareSetup });
  const fleet = new FleetService({ ...infra, snapshots: bookings.snapshots, admission: bookings.admission, metrics: infra.metrics });
  const mailer = infra.config.mail ? createSmtpMailer(infra.config.mail) : null;
  return {
    infra,
    bookings,
    payments,
    accounts,
    fleet,
    fleetJobs: new FleetJobs(infra.catalog, { onWriteError: (err) => infra.logger.warn({ err }, 'fleet job progress not saved') }),
    mail: mailer ? { mailer } : null,
    async close() {
      mailer?.close();
      await payments.close();
      bookings.close();
      // The process's PII epoch keys (crypto/pii-epoch-sealer) are zeroed, not left to the GC.
      piiSealer.close();
      accounts.close();
      await infra.close();
    },
  };
}
