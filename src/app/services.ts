import { type AccountServices, createAccounts } from '../accounts';
import { type BookingModule, createBookingModule } from './booking-module';
import type { Infra } from '../infra/infra';
import { FleetService } from '../fleet/fleet-service';
import { InviteMail } from '../email/invite-email';
import { createSmtpMailer, type Mailer } from '../email/mailer';

/** Everything the HTTP layer may call; built once in main.ts (and in tests). */
export interface AppServices {
  infra: Infra;
  bookings: BookingModule;
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
  const accounts = createAccounts(infra);
  const fleet = new FleetService({ ...infra, snapshots: bookings.snapshots, admission: bookings.admission });
  const mailer = infra.config.mail ? createSmtpMailer(infra.config.mail) : null;
  return {
    infra,
    bookings,
    accounts,
    fleet,
    mail: mailer ? { mailer, invites: new InviteMail(mailer, infra.logger) } : null,
    async close() {
      mailer?.close();
      bookings.close();
      accounts.close();
      await infra.close();
    },
  };
}
