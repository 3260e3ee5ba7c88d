import { randomBytes } from 'node:crypto';
import { createBookingModule } from '../../src/app/booking-module';
import type { CreateEventInput } from '../../src/domain/events/event-input';
import type { Command } from '../command';
import { withAccounts } from './with-accounts';

const DEMO_SLUG = 'demo';
const DEMO_EMAIL = 'owner@demo.boxoffice.test';

const EVENTS: CreateEventInput[] = [
  { slug: 'demo-launch-party', name: 'Launch party', capacity: 120, maxPerPurchase: 4, description: 'Drinks, music and a short talk.', location: 'The Old Library', date: nextMonthAt(19) },
  { slug: 'demo-workshop', name: 'Pottery workshop', capacity: 12, maxPerPurchase: 2, fields: ['email', 'phone', 'specialInstructions'], location: 'Studio 3' },
  { slug: 'demo-museum', name: 'Museum day pass', capacity: 40, type: 'daily', maxPerPurchase: 6, bookableDays: [2, 3, 4, 5, 6], minDaysBefore: 0, maxDaysAfter: 60 },
];

function nextMonthAt(hour: number): string {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() + 1, 15);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'create a demo organiser with a few events and print where to log in (idempotent)',
  flags: {},
  async run(ctx) {
    const infra = await ctx.infra();
    const existing = await infra.organisers.getBySlug(DEMO_SLUG);
    let password: string | null = null;
    const organiserId =
      existing?.id ??
      (await withAccounts(ctx, async (accounts) => {
        password = randomBytes(9).toString('base64url');
        return (await accounts.organisers.createOrganiser({ name: 'Demo Arts Centre', slug: DEMO_SLUG, ownerEmail: DEMO_EMAIL, ownerPassword: password })).id;
      }));
    const bookings = createBookingModule(infra);
    try {
      const have = new Set((await infra.directory.listForOrganiser(organiserId)).map((e) => e.slug));
      for (const input of EVENTS) if (!have.has(input.slug)) await bookings.events.create(organiserId, input);
    } finally {
      bookings.close();
    }
    const base = ctx.config.publicUrl;
    ctx.say(`Demo organiser ready. Log in at ${base}/admin/login as ${DEMO_EMAIL}`);
    ctx.say(password ? `  password: ${password}  (shown once)` : '  (it already existed: use the password printed when it was created)');
    for (const e of EVENTS) ctx.say(`  ${base}/ticket/${e.slug}`);
    return { organiser: DEMO_SLUG, login: `${base}/admin/login`, email: DEMO_EMAIL, password, events: EVENTS.map((e) => `${base}/ticket/${e.slug}`) };
  },
};
