import type { Principal } from '../accounts/principal';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authenticate middleware when the caller presented valid credentials. */
    principal?: Principal;
  }
}
