import { constants, createDecipheriv, type KeyObject, privateDecrypt } from 'node:crypto';
import { CryptoError } from '../../../src/crypto/crypto-error';
import { generateOrganiserKeys, publicKeyFromPem, unwrapPrivateKey } from '../../../src/crypto/organiser-keys';
import { openPii, openPiiMany, sealPii } from '../../../src/crypto/pii-envelope';
import { everyOneCharEdit } from './tamper';

const booking = {
  name: 'Zoë Ångström',
  email: 'zoe.angstrom@example.org',
  phone: '+44 20 7946 0958',
  address: '221B Baker Street, London NW1 6XE',
  specialInstructions: 'Wheelchair access, please',
};

describe('PII envelope', () => {
  let publicKey: KeyObject;
  let privateKey: KeyObject;
  let otherPrivateKey: KeyObject;

  beforeAll(async () => {
    const [mine, other] = await Promise.all([generateOrganiserKeys(), generateOrganiserKeys()]);
    publicKey = publicKeyFromPem(mine.publicKeyPem);
    privateKey = unwrapPrivateKey(mine.wrappedPrivateKey, mine.dataKey);
    otherPrivateKey = unwrapPrivateKey(other.wrappedPrivateKey, other.dataKey);
  });

  it('round-trips all fields of a booking', () => {
    expect(openPii(privateKey, sealPii(publicKey, booking))).toEqual(booking);
  });

  it('round-trips an empty record and empty values', () => {
    expect(openPii(privateKey, sealPii(publicKey, {}))).toEqual({});
    expect(openPii(privateKey, sealPii(publicKey, { phone: '' }))).toEqual({ phone: '' });
  });

  it('contains none of the plaintext field values', () => {
    const envelope = sealPii(publicKey, booking);
    for (const value of Object.values(booking)) {
      expect(envelope).not.toContain(value);
      expect(envelope).not.toContain(Buffer.from(value).toString('base64url'));
    }
    expect(envelope).not.toContain('zoe');
  });

  it('wraps one 32-byte AES key with one RSA-OAEP op, and that key opens the whole record', () => {
    const envelope = sealPii(publicKey, booking);
    const parts = envelope.split('.');
    expect(parts).toHaveLength(5);
    const [version, wrappedKey, iv, ct, tag] = parts as [string, string, string, string, string];
    expect(version).toBe('e1');
    // One RSA block (2048-bit modulus = 256 bytes), not one per field.
    expect(Buffer.from(wrappedKey, 'base64url')).toHaveLength(256);

    const aesKey = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(wrappedKey, 'base64url'),
    );
    expect(aesKey).toHaveLength(32);

    const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from('pii-envelope:e1'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const json = Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    expect(JSON.parse(json)).toEqual(booking);
  });

  it('uses a fresh AES key per booking', () => {
    const a = sealPii(publicKey, booking).split('.');
    const b = sealPii(publicKey, booking).split('.');
    expect(a[1]).not.toBe(b[1]);
    expect(a[3]).not.toBe(b[3]);
  });

  it('fails with another organiser private key', () => {
    expect(() => openPii(otherPrivateKey, sealPii(publicKey, booking))).toThrow(CryptoError);
  });

  it('fails when any character of the envelope is changed', () => {
    const envelope = sealPii(publicKey, { name: 'A', email: 'a@b.c' });
    for (const edited of everyOneCharEdit(envelope)) {
      expect(() => openPii(privateKey, edited)).toThrow(CryptoError);
    }
  });

  it('fails when segments are swapped between envelopes', () => {
    const a = sealPii(publicKey, booking).split('.');
    const b = sealPii(publicKey, { name: 'Mallory' }).split('.');
    // b's key with a's ciphertext, and a's ciphertext with b's tag.
    expect(() => openPii(privateKey, [a[0], b[1], a[2], a[3], a[4]].join('.'))).toThrow(CryptoError);
    expect(() => openPii(privateKey, [a[0], a[1], a[2], a[3], b[4]].join('.'))).toThrow(CryptoError);
  });

  it('fails on malformed envelopes with bad_format', () => {
    const envelope = sealPii(publicKey, booking);
    for (const bad of ['', 'e1', envelope.replace(/^e1/, 'e2'), `${envelope}.x`, envelope.split('.').slice(0, 4).join('.')]) {
      expect(() => openPii(privateKey, bad)).toThrow(expect.objectContaining({ code: 'bad_format' }));
    }
  });

  it('refuses the wrong kind of key for each direction', () => {
    expect(() => sealPii(privateKey, booking)).toThrow(CryptoError);
    expect(() => openPii(publicKey, sealPii(publicKey, booking))).toThrow(CryptoError);
  });

  it('refuses non-string field values without echoing them', () => {
    const fields = { name: 'Bob', age: 42 } as unknown as Record<string, string>;
    expect(() => sealPii(publicKey, fields)).toThrow(CryptoError);
    expect(() => sealPii(publicKey, fields)).toThrow(/"age"/);
  });

  it('keeps a field called __proto__ as data, not as a prototype', () => {
    const fields = JSON.parse('{"__proto__":"x","name":"n"}') as Record<string, string>;
    const opened = openPii(privateKey, sealPii(publicKey, fields));
    expect(Object.getPrototypeOf(opened)).toBe(Object.prototype);
    expect(Object.keys(opened)).toEqual(['__proto__', 'name']);
  });

  it('opens many envelopes with one private key', () => {
    const others: Record<string, string>[] = [{ name: 'One' }, { name: 'Two', email: 'two@example.com' }];
    const envelopes = others.map((f) => sealPii(publicKey, f));
    expect(openPiiMany(privateKey, envelopes)).toEqual(others);
  });
});
