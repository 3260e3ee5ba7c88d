import { providerJson } from '../../../src/fleet/provisioners/provider-http';
import type { ProvisionError } from '../../../src/fleet/provisioners/provisioner';
import { type JsonReply, type JsonServer, startJsonServer } from '../../support/provider-standins/json-server';

// A provider API that answers whatever the test says next: how each documented (or reported)
// error answer is classified, over real HTTP.
let server: JsonServer;
let next: JsonReply = { status: 200, body: {} };
beforeAll(async () => {
  server = await startJsonServer(() => next);
});
afterAll(() => server.close());

async function failureFor(reply: JsonReply): Promise<ProvisionError> {
  next = reply;
  try {
    await providerJson({ provider: 'Turso', method: 'POST', url: `${server.url}/v1/x`, headers: {}, body: {}, doing: 'create database c-1' });
  } catch (e) {
    return e as ProvisionError;
  }
  throw new Error('expected a rejection');
}

describe('providerJson error classification', () => {
  test.each([
    ['402 payment required', { status: 402, body: { error: 'payment required' } }],
    ['429 too many', { status: 429, body: { error: 'too many requests' } }],
    ['400 with Turso\'s reported wording', { status: 400, body: { error: 'maximum database count of 5 reached' } }],
    ['403 that says limit', { status: 403, body: { error: 'database limit reached for your plan' } }],
    ['400 that says quota', { status: 400, body: { error: 'quota exceeded' } }],
  ])('%s is quota_reached', async (_label, reply) => {
    const e = await failureFor(reply);
    expect(e.reason).toBe('quota_reached');
    expect(e.message).toMatch(/Turso quota reached: could not create database c-1/);
  });

  test('a plain 403 is a permission error, not a quota', async () => {
    const e = await failureFor({ status: 403, body: { error: 'you do not have permission to perform this action' } });
    expect(e.reason).toBe('bad_auth');
    expect(e.message).toMatch(/Turso denied permission \(HTTP 403\) to create database c-1: you do not have permission/);
    expect(e.message).toMatch(/may manage databases/);
  });

  test('409 and 422 are name_taken (turso-cli reads 422 as "name not available")', async () => {
    expect((await failureFor({ status: 409, body: { error: 'database c-1 already exists' } })).reason).toBe('name_taken');
    expect((await failureFor({ status: 422, body: { error: 'name not available' } })).reason).toBe('name_taken');
  });

  test('a 400 that is not about quota stays a provider error with its message', async () => {
    const e = await failureFor({ status: 400, body: { error: 'invalid database name' } });
    expect(e.reason).toBe('provider_error');
    expect(e.message).toMatch(/answered HTTP 400 to create database c-1: invalid database name/);
  });

  test('Bunny Database\'s {error, details} body is read whole', async () => {
    const e = await failureFor({ status: 400, body: { error: 'Invalid request', details: 'primary_regions must not be empty' } });
    expect(e.message).toMatch(/HTTP 400 to create database c-1: Invalid request: primary_regions must not be empty/);
  });
});
