import type { KeyObject } from 'node:crypto';
import { generateOrganiserKeys, unwrapPrivateKey } from '../../src/crypto';
import type { CreateEventInput } from '../../src/domain/events/event-input';
import type { AppServices } from '../../src/runtime/services';

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
  const id = await services.platform.organisers.insert({ slug, name: `Org ${slug}`, publicKeyPem: keys.publicKeyPem, wrappedPrivateKey: keys.wrappedPrivateKey });
  if (id === undefined) throw new Error(`organiser ${slug} exists`);
  return { id, slug, privateKey: unwrapPrivateKey(keys.wrappedPrivateKey, keys.dataKey) };
}

export async function createEventFixture(services: AppServices, organiserId: number, input: CreateEventInput) {
  return services.bookings.events.create(organiserId, input);
}

/** POSTs JSON to the app and returns status, headers and parsed body. */
export async function postJson(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, asserted field by field
  return { status: res.status, headers: res.headers, body: json as Record<string, any> };
}
