import { type AccountServices, createAccounts } from '../accounts';
import { type BookingModule, createBookingModule } from './booking-module';
import type { Infra } from '../infra/infra';
import { FleetService } from '../fleet/fleet-service';
import { createPaymentsModule, type PaymentsModule } from './payments-module';
import { InviteMail } from '../email/invite-email';
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
  /** Outgoing mail over SMTP_URL; null when mail is off. The email worker and invites share it. */
  mail: { mailer: Mailer; invites: InviteMail } | null;
  /** Stops every service's timers and caches, then closes the catalog and shard clients (after the writers drained). */
  close(): Promise<void>;
}

export function createServices(infra: Infra): AppServices {
  const bookings = createBookingModule(infra);
  const payments = createPaymentsModule(infra, bookings);
  const accounts = createAccounts(infra, { stripe: payments.setup });
  const fleet = new FleetService({ ...infra, snapshots: bookings.snapshots, admission: bookings.admission, metrics: infra.metrics });
  const mailer = infra.config.mail ? createSmtpMailer(infra.config.mail) : null;
  return {
    infra,
    bookings,
    payments,
    accounts,
    fleet,
    mail: mailer ? { mailer, invites: new InviteMail(mailer, infra.logger) } : null,
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
