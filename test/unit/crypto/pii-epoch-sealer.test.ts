// ek1 envelopes: one RSA-wrapped AES key per epoch of bookings, so a reader unwraps it once
// per epoch instead of once per row. Everything else must hold as for e1.
import type { KeyObject } from 'node:crypto';
import { CryptoError } from '../../../src/crypto/crypto-error';
import { generateOrganiserKeys, publicKeyFromPem, unwrapPrivateKey } from '../../../src/crypto/organiser-keys';
import { openPii, PiiKeyCache, piiStats, sealPii } from '../../../src/crypto/pii-envelope';
import { PiiSealer } from '../../../src/crypto/pii-epoch-sealer';
import { everyOneCharEdit } from './tamper';

const booking = { name: 'Zoë Ångström', email: 'zoe.angstrom@example.org', phone: '+44 20 7946 0958' };

describe('PII epoch sealer (ek1)', () => {
  let publicKey: KeyObject;
  let privateKey: KeyObject;
  let otherPublicKey: KeyObject;
  let otherPrivateKey: KeyObject;
  let sealer: PiiSealer;

  beforeAll(async () => {
    const [mine, other] = await Promise.all([generateOrganiserKeys(), generateOrganiserKeys()]);
    publicKey = publicKeyFromPem(mine.publicKeyPem);
    privateKey = unwrapPrivateKey(mine.wrappedPrivateKey, mine.dataKey);
    otherPublicKey = publicKeyFromPem(other.publicKeyPem);
    otherPrivateKey = unwrapPrivateKey(other.wrappedPrivateKey, other.dataKey);
  });
  beforeEach(() => {
    sealer = new PiiSealer({ maxSeals: 4 });
  });
  afterEach(() => sealer.close());

  it('round-trips, with or without a key cache, and hides every value', () => {
    const envelope = sealer.seal(publicKey, booking);
    expect(envelope.startsWith('ek1.')).toBe(true);
    expect(openPii(privateKey, envelope)).toEqual(booking);
    expect(openPii(privateKey, envelope, new PiiKeyCache())).toEqual(booking);
    for (const value of Object.values(booking)) expect(envelope).not.toContain(value);
  });

  it('wraps one key per epoch and a reader with a cache unwraps it once per epoch', () => {
    const envelopes = Array.from({ length: 10 }, (_, i) => sealer.seal(publicKey, { name: `Guest ${i}` }));
    // maxSeals 4: epochs of 4, 4 and 2 envelopes.
    expect(sealer.wraps).toBe(3);
    expect(new Set(envelopes.map((e) => e.split('.')[1])).size).toBe(3);
    const keys = new PiiKeyCache();
    const before = piiStats.rsaUnwraps;
    expect(envelopes.map((e) => openPii(privateKey, e, keys).name)).toEqual(envelopes.map((_, i) => `Guest ${i}`));
    expect(piiStats.rsaUnwraps - before).toBe(3);
    keys.dispose();
    expect(keys.size).toBe(0);
    // Without a cache: one unwrap per envelope, as before.
    const cold = piiStats.rsaUnwraps;
    for (const e of envelopes) openPii(privateKey, e);
    expect(piiStats.rsaUnwraps - cold).toBe(10);
  });

  it('never caches e1 keys (they are per row)', () => {
    const keys = new PiiKeyCache();
    const before = piiStats.rsaUnwraps;
    for (let i = 0; i < 3; i++) expect(openPii(privateKey, sealPii(publicKey, { name: `Old ${i}` }), keys).name).toBe(`Old ${i}`);
    expect(piiStats.rsaUnwraps - before).toBe(3);
    expect(keys.size).toBe(0);
  });

  it('starts a new epoch after its age limit', () => {
    let now = 1_000_000;
    const aged = new PiiSealer({ maxSeals: 1000, maxAgeMs: 60_000, now: () => now });
    const a = aged.seal(publicKey, booking);
    now += 59_000;
    const b = aged.seal(publicKey, booking);
    now += 2_000;
    const c = aged.seal(publicKey, booking);
    expect(a.split('.')[1]).toBe(b.split('.')[1]);
    expect(c.split('.')[1]).not.toBe(a.split('.')[1]);
    expect(openPii(privateKey, c)).toEqual(booking);
    aged.close();
  });

  it('keeps one epoch per organiser key, and a cached key never opens another organiser’s rows', () => {
    const mine = sealer.seal(publicKey, booking);
    const theirs = sealer.seal(otherPublicKey, { name: 'Other' });
    expect(mine.split('.')[1]).not.toBe(theirs.split('.')[1]);
    const keys = new PiiKeyCache();
    expect(openPii(privateKey, mine, keys)).toEqual(booking);
    expect(() => openPii(otherPrivateKey, mine, keys)).toThrow(CryptoError);
    expect(openPii(otherPrivateKey, theirs, keys)).toEqual({ name: 'Other' });
    expect(() => openPii(privateKey, theirs, keys)).toThrow(CryptoError);
  });

  it('fails when any character of the envelope is changed, even with the epoch key cached', () => {
    const envelope = sealer.seal(publicKey, { name: 'A', email: 'a@b.c' });
    const keys = new PiiKeyCache();
    openPii(privateKey, sealer.seal(publicKey, { name: 'warm' }), keys);
    for (const edited of everyOneCharEdit(envelope)) expect(() => openPii(privateKey, edited, keys)).toThrow(CryptoError);
  });

  it('does not open an e1 body relabelled ek1, nor the reverse', () => {
    const e1 = sealPii(publicKey, booking);
    const ek1 = sealer.seal(publicKey, booking);
    expect(() => openPii(privateKey, e1.replace(/^e1\./, 'ek1.'))).toThrow(CryptoError);
    expect(() => openPii(privateKey, ek1.replace(/^ek1\./, 'e1.'))).toThrow(CryptoError);
  });

  it('refuses a private key for sealing and non-string values', () => {
    expect(() => sealer.seal(privateKey, booking)).toThrow(CryptoError);
    expect(() => sealer.seal(publicKey, { age: 42 } as unknown as Record<string, string>)).toThrow(/"age"/);
  });
});
