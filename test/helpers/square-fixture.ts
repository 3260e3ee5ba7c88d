import type { Principal } from '../../src/accounts/principal';
import type { Organiser } from '../../src/catalog/organiser-store';
import { type Seller, type SquareStandin, startSquareStandin } from '../support/square';
import { type SeededOrganiser, seedOrganiser } from './seed-events';
import { startTestApp, type TestApp } from './test-app';

export interface SquareWorld {
  app: TestApp;
  square: SquareStandin;
  close(): Promise<void>;
}

/** The real app with PUBLIC_URL on its own port and SQUARE_API_BASE at a Square stand-in. */
export async function startSquareWorld(env: Record<string, string> = {}): Promise<SquareWorld> {
  const square = await startSquareStandin();
  const app = await startTestApp({ SQUARE_API_BASE: square.baseUrl, ...env }, { publicUrlFromPort: true });
  return {
    app,
    square,
    async close() {
      await app.close();
      await square.close();
    },
  };
}

/** An owner acting on the organiser (the settings service checks the role, nothing else). */
export const ownerOf = (organiserId: number): Principal => ({ userId: 1, platformAdmin: false, via: 'token', organiser: { id: organiserId, role: 'owner' }, dataKey: null });

/**
 * An organiser paying with Square, saved the real way (settings service: checked with
 * Square, sealed), and a seller at the stand-in whose webhooks go to this app.
 */
export async function seedSquareOrganiser(w: SquareWorld, slug: string, opts: { holdMinutes?: number; phonePrefix?: string } = {}): Promise<SeededOrganiser & { seller: Seller }> {
  const tag = slug.replace(/[^a-z0-9]/g, '').toUpperCase();
  const seller = w.square.addSeller({ accessToken: `EAAAE${tag}`.padEnd(40, 'x'), locationId: `L${tag}`.padEnd(13, '0'), notificationUrl: `${w.app.config.publicUrl}/payment/webhook` });
  const seeded = await seedOrganiser(w.app.services, slug, opts.holdMinutes ? { holdMinutes: opts.holdMinutes } : {});
  await w.app.services.accounts.settings.update(ownerOf(seeded.organiser.id), {
    squareAccessToken: seller.accessToken,
    squareLocationId: seller.locationId,
    squareSignatureKey: seller.signatureKey,
    ...(opts.phonePrefix ? { phonePrefix: opts.phonePrefix } : {}),
    paymentProvider: 'square',
  });
  const organiser = (await w.app.services.infra.organisers.get(seeded.organiser.id)) as Organiser;
  return { ...seeded, organiser, seller };
}
