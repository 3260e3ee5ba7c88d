import type { InStatement, TransactionMode, Value } from '@libsql/client';

/**
 * The messages between a local shard's writer thread (writer-thread.js) and the main thread
 * (worker-writer.ts). Both sides import these types, so a change to one side that the other
 * does not follow fails the type check.
 */
export interface WriterThreadData {
  /** Path of the database file (no `file:` prefix). */
  path: string;
  /** Resolved path of the `libsql` driver, so the thread loads the same build as the app. */
  libsqlModule: string;
  pragmas: string[];
}

/**
 * A statement as sent to the thread. Bookings send the same few SQL texts thousands of times a
 * second, and structured clone copies every string: a text is sent once with its number `t`,
 * and afterwards only the number. `t: 0` marks a text that is not numbered (too many distinct).
 */
export interface WireStatement {
  t: number;
  sql?: string;
  args: InArgs;
}

/** Positional or named arguments, as @libsql/client takes them. */
export type InArgs = Exclude<InStatement, string>['args'];

export type WriterRequest =
  | { id: number; op: 'batch'; stmts: WireStatement[]; mode?: TransactionMode }
  | { id: number; op: 'execute'; stmts: [WireStatement] }
  | { op: 'close' };

/** One statement's result as plain data (structured clone cannot carry libSQL's Row objects). */
export interface PlainResult {
  columns: string[];
  rows: Value[][];
  rowsAffected: number;
  lastInsertRowid: string | null;
}

export type WriterReply = { id: number; results: PlainResult[] } | { id: number; error: { message: string; code?: string } };
