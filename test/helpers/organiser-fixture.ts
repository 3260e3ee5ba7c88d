import type { KeyObject } from 'node:crypto';
import { generateOrganiserKeys, unwrapPrivateKey } from '../../src/crypto';
import type { CreateEventInput } from '../../src/domain/events/event-input';
import type { AppServices } from '../../src/app/services';
import { request } from './accounts';

export interface OrganiserFixture {
  id: number;
  slug: string;
  privateKey: KeyObject;
}

/**
 * An organiser with a real key pair, inserted straight into the catalog: for tests of the
 * booking engine that need no login. Accounts tests use the full sign-up path instead.
 */
export async function createOrganiserFixture(services: AppServices, slug = 'acme'): Promise<OrganiserFixture> {
  const keys = await generateOrganiserKeys();
  const id = await services.infra.organisers.insert({ slug, name: `Org ${slug}`, publicKeyPem: keys.publicKeyPem, wrappedPrivateKey: keys.wrappedPrivateKey });
  if (id === undefined) throw new Error(`organiser ${slug} exists`);
  return { id, slug, privateKey: unwrapPrivateKey(keys.wrappedPrivateKey, keys.dataKey) };
}

/** A named `shard` is placed as a platform admin would place it (dedicated shards included). */
export async function createEventFixture(services: AppServices, organiserId: number, input: CreateEventInput) {
  return services.bookings.events.create(organiserId, input, { byPlatformAdmin: input.shard !== undefined });
}

/** POSTs JSON to the app and returns status, headers and parsed body (see accounts.ts `request`). */
export async function postJson(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(baseUrl, path, { json: body, headers });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, asserted field by field
  return { status: res.status, headers: res.headers, body: res.json as Record<string, any> };
}
