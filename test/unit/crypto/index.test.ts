// The whole key chain through the public entry point, as login and the attendee list use it.
import { randomBytes } from 'node:crypto';
import * as crypto from '../../../src/crypto';

const FAST = { logN: 10, r: 8, p: 1 };

describe('crypto public API', () => {
  it('goes from password to session to attendee PII, and a stolen database alone reads nothing', async () => {
    // Organiser creation: key pair, data key wrapped for the owner's password KEK.
    const org = await crypto.generateOrganiserKeys();
    const owner = await crypto.derivePasswordSecrets('owner password', FAST);
    const wrappedForOwner = crypto.wrapDataKey(owner.kek, org.dataKey, 'user:1:org:1');

    // A public booking needs only the public key.
    const envelope = crypto.sealPii(crypto.publicKeyFromPem(org.publicKeyPem), { name: 'Ada', email: 'ada@example.com' });

    // Login: password → KEK → data key → re-wrapped under the cookie secret.
    const login = await crypto.verifyPassword('owner password', owner.record);
    expect(login.ok).toBe(true);
    const dataKey = crypto.unwrapDataKey(login.kek!, wrappedForOwner, 'user:1:org:1');
    const cookie = crypto.randomToken();
    const sessionRow = {
      id: crypto.lookupHash(cookie),
      wrappedDataKey: crypto.wrapDataKey(crypto.deriveSecretKey(cookie, 'session'), dataKey, 'session'),
    };

    // A request with the cookie reads the PII.
    const fromCookie = crypto.unwrapDataKey(crypto.deriveSecretKey(cookie, 'session'), sessionRow.wrappedDataKey, 'session');
    const privateKey = crypto.unwrapPrivateKey(org.wrappedPrivateKey, fromCookie);
    expect(crypto.openPii(privateKey, envelope)).toEqual({ name: 'Ada', email: 'ada@example.com' });

    // Without the cookie, the stored lookup hash does not stand in for it.
    expect(() =>
      crypto.unwrapDataKey(crypto.deriveSecretKey(sessionRow.id, 'session'), sessionRow.wrappedDataKey, 'session'),
    ).toThrow(crypto.CryptoError);
  });

  it('exports the root keyring and AEAD helpers', () => {
    const ring = crypto.createRootKeyring(randomBytes(32));
    expect(ring.openSecret(ring.sealSecret('x', 'c'), 'c')).toBe('x');
    const key = randomBytes(32);
    expect(crypto.openString(key, crypto.seal(key, 'y'))).toBe('y');
    expect(crypto.DEFAULT_KDF_PARAMS.logN).toBe(17);
  });
});
