import type { Principal } from '../accounts/principal';
import type { Logger } from '../lib/logger';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authenticate middleware when the caller presented valid credentials. */
    principal?: Principal;
    /** A child logger carrying the request id (see request-context). */
    log: Logger;
  }
}
