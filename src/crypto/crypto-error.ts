/**
 * The one error type the crypto layer throws.
 *
 * Messages are fixed strings chosen here: they never carry plaintext, key bytes or the
 * sealed input, because callers log errors and a sealed value next to its failure reason
 * is exactly what an attacker probing a decryption endpoint would like to collect.
 * The original library error is deliberately not attached as `cause` for the same reason.
 */
export type CryptoErrorCode =
  /** The input is not in the expected shape (wrong prefix, segment count, length, encoding). */
  | 'bad_format'
  /** Well-formed, but authentication failed: tampered, wrong key, or wrong context/AAD. */
  | 'auth_failed'
  /** A key has the wrong size or type for the operation. */
  | 'bad_key'
  /** A caller passed an argument the API does not accept (empty purpose, bad KDF params). */
  | 'bad_input';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isCryptoError(err: unknown): err is CryptoError {
  return err instanceof CryptoError;
}
