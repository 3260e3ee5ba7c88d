import type { KeyObject } from 'node:crypto';
import type { Organiser, OrganiserSettingsPatch } from '../../src/catalog/organiser-store';
import { generateOrganiserKeys, unwrapPrivateKey } from '../../src/crypto';
import type { EventRecord } from '../../src/domain/events/event';
import type { CreateEventInput } from '../../src/domain/events/event-input';
import type { AppServices } from '../../src/app/services';

export interface SeededOrganiser {
  organiser: Organiser;
  /** To check that stored PII really is encrypted to this organiser. */
  privateKey: KeyObject;
}

/**
 * An organiser with a real key pair and any settings (terms, embed hosts, mini-site), put
 * straight into the catalog: for tests of public pages that need no login.
 */
export async function seedOrganiser(services: AppServices, slug: string, settings: OrganiserSettingsPatch = {}): Promise<SeededOrganiser> {
  const keys = await generateOrganiserKeys();
  const id = await services.infra.organisers.insert({ slug, name: settings.name ?? `Org ${slug}`, publicKeyPem: keys.publicKeyPem, wrappedPrivateKey: keys.wrappedPrivateKey });
  if (id === undefined) throw new Error(`organiser ${slug} already exists`);
  await services.infra.organisers.update(id, settings);
  const organiser = await services.infra.organisers.get(id);
  if (!organiser) throw new Error(`organiser ${slug} vanished`);
  return { organiser, privateKey: unwrapPrivateKey(keys.wrappedPrivateKey, keys.dataKey) };
}

/**
 * An event through the real EventService (directory entry + shard row), as the admin API would.
 * A named `shard` is placed as a platform admin would place it (dedicated shards included).
 */
export function seedEvent(services: AppServices, organiserId: number, input: CreateEventInput): Promise<EventRecord> {
  return services.bookings.events.create(organiserId, input, { byPlatformAdmin: input.shard !== undefined });
}

export async function seedGroup(services: AppServices, organiserId: number, group: { slug: string; name: string; terms?: string }) {
  const created = await services.bookings.groups.create(organiserId, { terms: '', ...group });
  if (!created) throw new Error(`group slug ${group.slug} is taken`);
  return created;
}

/**
 * Runs SQL on the shard that holds an event (to set up states the public API cannot reach).
 * `keepSnapshot` leaves this process's cached copy stale, as another app process would see it.
 */
export async function onEventShard(services: AppServices, slug: string, sql: string, args: Array<string | number>, keepSnapshot = false) {
  const entry = await services.infra.directory.resolve(slug);
  if (!entry) throw new Error(`no event ${slug}`);
  const db = await services.infra.router.db(entry.shard);
  const rs = await db.execute({ sql, args });
  if (!keepSnapshot) services.bookings.snapshots.invalidate(entry.id);
  return { entry, rs };
}
