// The crypto layer's public API. Import from here, not from the individual files.
export { open, openString, seal } from './aead';
export { CryptoError, type CryptoErrorCode, isCryptoError } from './crypto-error';
export { b64u, constantTimeEqual, fromB64u, randomToken, sha256Hex } from './encoding';
export {
  generateOrganiserKeys,
  type OrganiserKeys,
  publicKeyFromPem,
  unwrapDataKey,
  unwrapPrivateKey,
  wrapDataKey,
} from './organiser-keys';
export {
  DEFAULT_KDF_PARAMS,
  derivePasswordSecrets,
  dummyVerify,
  type KdfParams,
  needsRehash,
  type PasswordCheck,
  type PasswordSecrets,
  verifyPassword,
} from './password-kdf';
export { openPii, openPiiMany, type PiiFields, PiiKeyCache, piiStats, sealPii } from './pii-envelope';
export { PiiSealer, piiSealer, sealPiiEpoch } from './pii-epoch-sealer';
export { createRootKeyring, type RootKeyring } from './root-keyring';
export { deriveSecretKey, lookupHash, type SecretPurpose } from './session-key';
