import { randomBytes } from 'node:crypto';
import { CryptoError } from '../../../src/crypto/crypto-error';
import { unwrapDataKey, wrapDataKey } from '../../../src/crypto/organiser-keys';
import {
  DEFAULT_KDF_PARAMS,
  derivePasswordSecrets,
  dummyVerify,
  type KdfParams,
  needsRehash,
  verifyPassword,
} from '../../../src/crypto/password-kdf';

// Small N keeps the suite fast; one test below runs the real defaults.
const FAST: KdfParams = { logN: 10, r: 8, p: 1 };

describe('password KDF', () => {
  it('writes a self-describing record holding the params, salt and verifier hash only', async () => {
    const { record, kek } = await derivePasswordSecrets('correct horse', FAST);
    const parts = record.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '10', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64url')).toHaveLength(32);
    expect(kek).toHaveLength(32);
    expect(record).not.toContain('correct');
    expect(record).not.toContain(kek.toString('base64url'));
  });

  it('verifies the right password and returns the same KEK as at derivation', async () => {
    const { record, kek } = await derivePasswordSecrets('correct horse', FAST);
    const check = await verifyPassword('correct horse', record);
    expect(check.ok).toBe(true);
    expect(check.kek?.equals(kek)).toBe(true);
  });

  it('rejects a wrong password and returns no KEK', async () => {
    const { record } = await derivePasswordSecrets('correct horse', FAST);
    expect(await verifyPassword('correct horsE', record)).toEqual({ ok: false, kek: null });
    expect(await verifyPassword('', record)).toEqual({ ok: false, kek: null });
  });

  it('uses a fresh salt, so the same password gives different records and KEKs', async () => {
    const a = await derivePasswordSecrets('same', FAST);
    const b = await derivePasswordSecrets('same', FAST);
    expect(a.record).not.toBe(b.record);
    expect(a.kek.equals(b.kek)).toBe(false);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const { record } = await derivePasswordSecrets('caf\u00e9', FAST);
    expect((await verifyPassword('cafe\u0301', record)).ok).toBe(true);
  });

  it('lets the KEK from the right password unwrap the data key, and not one from a wrong password', async () => {
    const dataKey = randomBytes(32);
    const { record, kek } = await derivePasswordSecrets('organiser pass', FAST);
    const wrapped = wrapDataKey(kek, dataKey, 'user:12:org:3');

    const right = await verifyPassword('organiser pass', record);
    expect(unwrapDataKey(right.kek!, wrapped, 'user:12:org:3').equals(dataKey)).toBe(true);

    // Even a KEK derived from a wrong password with the same salt cannot open it.
    const other = await derivePasswordSecrets('wrong pass', FAST);
    expect(() => unwrapDataKey(other.kek, wrapped, 'user:12:org:3')).toThrow(CryptoError);
  });

  it('recomputes with the params stored in the record, not the defaults', async () => {
    const { record } = await derivePasswordSecrets('pw', { logN: 11, r: 4, p: 2 });
    expect(record.startsWith('scrypt$11$4$2$')).toBe(true);
    expect((await verifyPassword('pw', record)).ok).toBe(true);
  });

  it('reports whether a record needs re-deriving with newer params', async () => {
    const { record } = await derivePasswordSecrets('pw', FAST);
    expect(needsRehash(record)).toBe(true);
    expect(needsRehash(record, FAST)).toBe(false);
  });

  it('always fails the dummy check, including for an empty password', async () => {
    expect(await dummyVerify('anything', FAST)).toEqual({ ok: false, kek: null });
    expect(await dummyVerify('', FAST)).toEqual({ ok: false, kek: null });
  });

  it('throws bad_format for malformed records instead of answering "wrong password"', async () => {
    const { record } = await derivePasswordSecrets('pw', FAST);
    const parts = record.split('$');
    const bad = [
      '',
      'pbkdf2$600000$salt$hash',
      record.replace('scrypt$', 'scryp$'),
      [...parts.slice(0, 5)].join('$'),
      ['scrypt', '0x0a', ...parts.slice(2)].join('$'),
      ['scrypt', '30', ...parts.slice(2)].join('$'), // would need 16 GiB
      ['scrypt', '4', ...parts.slice(2)].join('$'), // too weak to be ours
      [...parts.slice(0, 4), 'c2hvcnQ', parts[5]].join('$'),
      [...parts.slice(0, 5), `${parts[5]}AA`].join('$'),
    ];
    for (const r of bad) {
      await expect(verifyPassword('pw', r)).rejects.toMatchObject({ name: 'CryptoError', code: 'bad_format' });
    }
  });

  it('refuses params outside the supported range when deriving', async () => {
    await expect(derivePasswordSecrets('pw', { logN: 18, r: 8, p: 1 })).rejects.toBeInstanceOf(CryptoError);
    await expect(derivePasswordSecrets('pw', { logN: 10.5, r: 8, p: 1 })).rejects.toBeInstanceOf(CryptoError);
  });

  it('uses N=2^17, r=8, p=1 by default and verifies with them', async () => {
    expect(DEFAULT_KDF_PARAMS).toEqual({ logN: 17, r: 8, p: 1 });
    const { record, kek } = await derivePasswordSecrets('default params');
    expect(record.startsWith('scrypt$17$8$1$')).toBe(true);
    const check = await verifyPassword('default params', record);
    expect(check.ok).toBe(true);
    expect(check.kek?.equals(kek)).toBe(true);
  });
});
