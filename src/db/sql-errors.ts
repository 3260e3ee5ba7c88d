import type { InStatement, TransactionMode } from '@libsql/client';
import { AppError } from '../errors';
import type { Db } from './db';

/**
 * SQLite result codes (and sqld's names for them over Hrana) that mean "the writer is taken,
 * try again shortly", as opposed to a bug. Remote primaries answer the same codes inside
 * their error objects, plus HTTP-level overload that @libsql/client reports as SERVER_ERROR.
 */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE']);
const BUSY_TRANSPORT = new Set(['SERVER_ERROR', 'HRANA_WEBSOCKET_ERROR', 'STREAM_EXPIRED', 'HRANA_CLOSED_ERROR', 'ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET']);
/**
 * sqld's own statement codes for a contended writer (hrana/stmt.rs): TRANSACTION_TIMEOUT when
 * a transaction held the write lock past its 5 s and was rolled back for a waiting writer (its
 * later statements fail with it), TRANSACTION_BUSY when the server takes no more transactions.
 * Nothing of the transaction was kept, so trying again is safe.
 */
const BUSY_SQLD = new Set(['TRANSACTION_TIMEOUT', 'TRANSACTION_BUSY']);

const messages = {
  busy: 'This event is very busy right now. Please try again in a moment.',
  conflict: 'That change conflicts with data that already exists.',
  internal: 'Something went wrong on our side. Please try again.',
};

/**
 * @libsql/client passes fetch's own failure through when the connection to a remote primary
 * drops or is refused: a TypeError('fetch failed') with the socket error as its cause, no code.
 */
const isFetchFailure = (e: unknown): boolean =>
  // By name, not instanceof: fetch's TypeError may come from another realm (undici, test VMs).
  (e as Error).name === 'TypeError' && /fetch failed|terminated|socket|other side closed/i.test(String((e as Error).message));

function codeOf(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  if (isFetchFailure(e)) return 'ECONNRESET';
  const { code, rawCode, cause } = e as { code?: unknown; rawCode?: unknown; cause?: unknown };
  if (typeof code === 'string' && code !== 'UNKNOWN') return code;
  if (typeof rawCode === 'number' && (rawCode & 0xff) === 5) return 'SQLITE_BUSY';
  return cause ? codeOf(cause) : undefined;
}

/**
 * A database error as the app's one error type: busy (503 with Retry-After), conflict (409)
 * or internal (500, whose cause is logged by the error handler and never sent to a client).
 * AppErrors pass through untouched.
 */
/** Whether a database error means "could not reach it / try again" rather than a bug. */
export const isTransientDbError = (e: unknown): boolean => translateDbError(e).code === 'busy';

export function translateDbError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const code = codeOf(e) ?? '';
  if (BUSY_CODES.has(code) || BUSY_TRANSPORT.has(code) || BUSY_SQLD.has(code)) return new AppError('busy', messages.busy, { retryAfterSeconds: 1, cause: e });
  if (code.startsWith('SQLITE_CONSTRAINT')) return new AppError('conflict', messages.conflict, { cause: e });
  return new AppError('internal', messages.internal, { cause: e });
}

export type CredentialFailure = 'authentication failed' | 'permission denied';

/**
 * Whether a remote primary refused the shard's token: @libsql/client reports sqld's 401
 * (bad or expired token) and 403 as SERVER_ERROR, which buyers hear as busy like any other
 * server trouble, but retrying never helps, so an operator must hear of it (see ShardPool).
 * Returns a fixed phrase, never the driver's text.
 */
export function credentialFailure(e: unknown): CredentialFailure | undefined {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const status = (cur as { status?: unknown }).status;
    const httpStatus = typeof status === 'number' ? status : Number(/HTTP status (\d{3})/.exec(String((cur as Error).message))?.[1]);
    if (httpStatus === 401) return 'authentication failed';
    if (httpStatus === 403) return 'permission denied';
  }
  return undefined;
}

/**
 * Wraps an adapter so every error it raises is already translated. `observe` sees each raw
 * error first (the pool uses it to report a refused token with the shard's name).
 */
export function withErrorTranslation(db: Db, observe?: (raw: unknown) => void): Db {
  const fail = (e: unknown): never => {
    observe?.(e);
    throw translateDbError(e);
  };
  return {
    execute: (async (stmt: InStatement | string, args?: unknown) => {
      try {
        return await (args === undefined ? db.execute(stmt as InStatement) : db.execute(stmt as string, args as never));
      } catch (e) {
        return fail(e);
      }
    }) as Db['execute'],
    batch: async (stmts: InStatement[], mode?: TransactionMode) => {
      try {
        return await db.batch(stmts, mode);
      } catch (e) {
        return fail(e);
      }
    },
    close: () => db.close(),
  };
}
