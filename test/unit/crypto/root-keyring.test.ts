import { createHmac, randomBytes } from 'node:crypto';
import { CryptoError } from '../../../src/crypto/crypto-error';
import { createRootKeyring } from '../../../src/crypto/root-keyring';
import { everyOneCharEdit } from './tamper';

const rootKey = randomBytes(32);

describe('root keyring', () => {
  it('requires a root key of exactly 32 bytes', () => {
    expect(() => createRootKeyring(randomBytes(16))).toThrow(CryptoError);
    expect(() => createRootKeyring(randomBytes(33))).toThrow(CryptoError);
    expect(() => createRootKeyring(Buffer.alloc(0))).toThrow(CryptoError);
  });

  describe('secrets', () => {
    const ring = createRootKeyring(rootKey);

    it('round-trips a secret under its context', () => {
      const sealed = ring.sealSecret('sk_test_123', 'settings:7:stripe_secret_key');
      expect(sealed).not.toContain('sk_test_123');
      expect(ring.openSecret(sealed, 'settings:7:stripe_secret_key')).toBe('sk_test_123');
    });

    it('cannot open a secret moved to another row or column', () => {
      const sealed = ring.sealSecret('sk_test_123', 'settings:7:stripe_secret_key');
      expect(() => ring.openSecret(sealed, 'settings:8:stripe_secret_key')).toThrow(CryptoError);
      expect(() => ring.openSecret(sealed, 'settings:7:webhook_secret')).toThrow(CryptoError);
    });

    it('cannot open a secret under another root key', () => {
      const sealed = ring.sealSecret('token', 'shard:1:auth_token');
      const other = createRootKeyring(randomBytes(32));
      expect(() => other.openSecret(sealed, 'shard:1:auth_token')).toThrow(CryptoError);
    });

    it('opens a secret sealed by another keyring made from the same root key', () => {
      const sealed = ring.sealSecret('token', 'shard:1:auth_token');
      expect(createRootKeyring(Buffer.from(rootKey)).openSecret(sealed, 'shard:1:auth_token')).toBe('token');
    });

    it('fails when any character of a sealed secret is changed', () => {
      const sealed = ring.sealSecret('outbox payload', 'outbox:5');
      for (const edited of everyOneCharEdit(sealed)) {
        expect(() => ring.openSecret(edited, 'outbox:5')).toThrow(CryptoError);
      }
    });

    it('refuses an empty context', () => {
      expect(() => ring.sealSecret('x', '')).toThrow(CryptoError);
    });

    it('is not affected when the caller later overwrites its root key buffer', () => {
      const mine = Buffer.from(rootKey);
      const local = createRootKeyring(mine);
      const sealed = local.sealSecret('x', 'c');
      mine.fill(0);
      expect(local.openSecret(sealed, 'c')).toBe('x');
    });
  });

  describe('blind index', () => {
    const ring = createRootKeyring(rootKey);

    it('is deterministic for the same purpose and value', () => {
      const a = ring.blindIndex('ticket-token', 'Xy7_abcDEFg');
      expect(a).toBe(ring.blindIndex('ticket-token', 'Xy7_abcDEFg'));
      expect(a).toBe(createRootKeyring(Buffer.from(rootKey)).blindIndex('ticket-token', 'Xy7_abcDEFg'));
      expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    });

    it('differs across purposes for the same value', () => {
      const email = 'alice@example.com';
      expect(ring.blindIndex('email', email)).not.toBe(ring.blindIndex('ip-lockout', email));
    });

    it('differs across values and across root keys', () => {
      expect(ring.blindIndex('email', 'a@example.com')).not.toBe(ring.blindIndex('email', 'b@example.com'));
      expect(createRootKeyring(randomBytes(32)).blindIndex('email', 'a@example.com')).not.toBe(
        ring.blindIndex('email', 'a@example.com'),
      );
    });

    it('does not reveal the value', () => {
      expect(ring.blindIndex('email', 'alice@example.com')).not.toContain('alice');
    });

    it('refuses an empty purpose', () => {
      expect(() => ring.blindIndex('', 'x')).toThrow(CryptoError);
    });
  });

  describe('hmac keys', () => {
    const ring = createRootKeyring(rootKey);

    it('gives a stable 32-byte key per purpose, different across purposes and from the root key', () => {
      const csrf = ring.hmacKey('csrf');
      expect(csrf).toHaveLength(32);
      expect(csrf.equals(ring.hmacKey('csrf'))).toBe(true);
      expect(csrf.equals(ring.hmacKey('unsubscribe-link'))).toBe(false);
      expect(csrf.equals(rootKey)).toBe(false);
    });

    it('hands out copies, so a caller cannot corrupt the cached key', () => {
      const first = ring.hmacKey('csrf');
      const expected = Buffer.from(first);
      first.fill(0);
      expect(ring.hmacKey('csrf').equals(expected)).toBe(true);
    });

    it('keeps hmac keys separate from blind-index keys of the same purpose name', () => {
      const viaHmacKey = createHmac('sha256', ring.hmacKey('email')).update('x').digest('base64url');
      expect(viaHmacKey).not.toBe(ring.blindIndex('email', 'x'));
    });
  });
});
