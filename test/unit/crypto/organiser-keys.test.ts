import { constants, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { CryptoError } from '../../../src/crypto/crypto-error';
import {
  generateOrganiserKeys,
  type OrganiserKeys,
  publicKeyFromPem,
  unwrapDataKey,
  unwrapPrivateKey,
  wrapDataKey,
} from '../../../src/crypto/organiser-keys';
import { everyOneCharEdit } from './tamper';

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

describe('organiser keys', () => {
  let keys: OrganiserKeys;
  beforeAll(async () => {
    keys = await generateOrganiserKeys();
  });

  it('generates an RSA-2048 pair with e=65537 and a 32-byte data key', () => {
    const pub = publicKeyFromPem(keys.publicKeyPem);
    expect(pub.asymmetricKeyType).toBe('rsa');
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(pub.asymmetricKeyDetails?.publicExponent).toBe(65537n);
    expect(keys.dataKey).toHaveLength(32);
  });

  it('stores the private key only wrapped, never as PEM text', () => {
    expect(keys.wrappedPrivateKey.startsWith('a1.')).toBe(true);
    expect(keys.wrappedPrivateKey).not.toContain('PRIVATE KEY');
  });

  it('unwraps a private key that matches the public key', () => {
    const priv = unwrapPrivateKey(keys.wrappedPrivateKey, keys.dataKey);
    const secret = randomBytes(32);
    const ct = publicEncrypt({ key: publicKeyFromPem(keys.publicKeyPem), ...OAEP }, secret);
    expect(privateDecrypt({ key: priv, ...OAEP }, ct).equals(secret)).toBe(true);
  });

  it('cannot unwrap the private key with another data key', () => {
    expect(() => unwrapPrivateKey(keys.wrappedPrivateKey, randomBytes(32))).toThrow(CryptoError);
  });

  it('cannot unwrap a tampered private key', () => {
    // Every position would be ~2,300 opens; a spread of positions covers each segment.
    const edits = everyOneCharEdit(keys.wrappedPrivateKey);
    for (let i = 0; i < edits.length; i += 7) {
      expect(() => unwrapPrivateKey(edits[i]!, keys.dataKey)).toThrow(CryptoError);
    }
    const last = edits.at(-1)!;
    expect(() => unwrapPrivateKey(last, keys.dataKey)).toThrow(CryptoError);
  });

  describe('data key wrapping', () => {
    const kek = randomBytes(32);
    const dataKey = randomBytes(32);

    it('round-trips under the same KEK and context', () => {
      const wrapped = wrapDataKey(kek, dataKey, 'user:12:org:3');
      expect(unwrapDataKey(kek, wrapped, 'user:12:org:3').equals(dataKey)).toBe(true);
    });

    it('fails under a wrong KEK', () => {
      const wrapped = wrapDataKey(kek, dataKey, 'user:12:org:3');
      expect(() => unwrapDataKey(randomBytes(32), wrapped, 'user:12:org:3')).toThrow(CryptoError);
    });

    it('fails when moved to another user or organiser', () => {
      const wrapped = wrapDataKey(kek, dataKey, 'user:12:org:3');
      expect(() => unwrapDataKey(kek, wrapped, 'user:13:org:3')).toThrow(CryptoError);
      expect(() => unwrapDataKey(kek, wrapped, 'user:12:org:4')).toThrow(CryptoError);
    });

    it('fails when any character is changed', () => {
      const wrapped = wrapDataKey(kek, dataKey, 'token:7:org:3');
      for (const edited of everyOneCharEdit(wrapped)) {
        expect(() => unwrapDataKey(kek, edited, 'token:7:org:3')).toThrow(CryptoError);
      }
    });

    it('refuses a data key that is not 32 bytes and an empty context', () => {
      expect(() => wrapDataKey(kek, randomBytes(16), 'user:1:org:1')).toThrow(CryptoError);
      expect(() => wrapDataKey(kek, dataKey, '')).toThrow(CryptoError);
    });
  });

  describe('public key cache', () => {
    it('returns the same KeyObject for the same PEM', () => {
      expect(publicKeyFromPem(keys.publicKeyPem)).toBe(publicKeyFromPem(keys.publicKeyPem));
    });

    it('rejects text that is not an RSA public key', () => {
      expect(() => publicKeyFromPem('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----')).toThrow(
        CryptoError,
      );
    });
  });
});
