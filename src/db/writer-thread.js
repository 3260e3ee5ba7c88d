// @ts-check
/**
 * A local shard's single write connection, on its own thread. It owns the connection through
 * the `libsql` driver (the engine under @libsql/client), keeps prepared statements, and answers
 * with plain arrays. A batch is one transaction: BEGIN IMMEDIATE, every statement, COMMIT; any
 * error rolls all of it back. Plain JavaScript (type-checked through JSDoc) so the same file
 * runs from dist/ and under the test runner, which cannot start a TypeScript file as a worker.
 */
const { parentPort, workerData } = require('node:worker_threads');

/** @typedef {import('./writer-messages').WriterThreadData} WriterThreadData */
/** @typedef {import('./writer-messages').WriterRequest} WriterRequest */
/** @typedef {import('./writer-messages').WriterReply} WriterReply */
/** @typedef {import('./writer-messages').PlainResult} PlainResult */
/** @typedef {import('./writer-messages').WireStatement} WireStatement */
/**
 * The slice of the driver's better-sqlite3-style API used here.
 * @typedef {{ reader: boolean; raw(on: boolean): unknown; all(args: unknown): unknown[][]; run(args: unknown): { changes: number; lastInsertRowid: number | bigint }; columns(): Array<{ name: string }> }} Statement
 * @typedef {{ exec(sql: string): void; prepare(sql: string): Statement; close(): void; inTransaction: boolean }} Connection
 */

if (!parentPort) throw new Error('writer-thread.js runs only as a worker thread');
const port = parentPort;
const data = /** @type {WriterThreadData} */ (workerData);
/** @type {new (path: string) => Connection} */
const Database = require(data.libsqlModule);
const db = new Database(data.path);
for (const pragma of data.pragmas) db.exec(pragma);

/** Cap on cached statements: bookings send a few texts, admin work may send many distinct ones. */
const MAX_PREPARED = 500;
/**
 * @typedef {{ stmt: Statement; columns: string[] | null; changesAreRows: boolean }} Prepared
 * Every booking sends the same few SQL texts: prepare each once, not once per booking, and
 * read its column names and verb once too.
 */
/** @type {Map<string, Prepared>} */
const prepared = new Map();
/** SQL texts by the number the main thread gave them (worker-writer.ts sends a text once). */
/** @type {Map<number, string>} */
const texts = new Map();

const WRITE_VERB = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/** @param {string} sql @returns {Prepared} */
function prepare(sql) {
  let p = prepared.get(sql);
  if (!p) {
    if (prepared.size >= MAX_PREPARED) prepared.clear();
    const stmt = db.prepare(sql);
    if (stmt.reader) stmt.raw(true);
    // A write with RETURNING is a "reader" to the driver; its changes are the rows it returned.
    p = { stmt, columns: stmt.reader ? stmt.columns().map((c) => c.name) : null, changesAreRows: stmt.reader && WRITE_VERB.test(sql) };
    prepared.set(sql, p);
  }
  return p;
}

/** @param {WireStatement} w @returns {string} */
function textOf(w) {
  if (w.sql !== undefined) {
    if (w.t !== 0) texts.set(w.t, w.sql);
    return w.sql;
  }
  const sql = texts.get(w.t);
  if (sql === undefined) throw new Error(`writer thread: no SQL text numbered ${w.t}`);
  return sql;
}

/** @param {unknown} v */
const bindable = (v) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** @param {string} sql @param {WireStatement['args']} raw @returns {PlainResult} */
function runOne(sql, raw) {
  const args = Array.isArray(raw) ? raw.map(bindable) : (raw ?? []);
  const { stmt, columns, changesAreRows } = prepare(sql);
  if (columns) {
    const rows = /** @type {PlainResult['rows']} */ (stmt.all(args));
    return { columns, rows, rowsAffected: changesAreRows ? rows.length : 0, lastInsertRowid: null };
  }
  const r = stmt.run(args);
  return { columns: [], rows: [], rowsAffected: r.changes, lastInsertRowid: String(r.lastInsertRowid) };
}

/** @type {Record<string, string>} */
const BEGIN = { write: 'BEGIN IMMEDIATE', read: 'BEGIN DEFERRED', deferred: 'BEGIN DEFERRED' };

/** @param {WireStatement[]} stmts @param {string | undefined} mode */
function batch(stmts, mode) {
  // Every text is learnt before anything runs, so a failing batch still teaches its new texts.
  const sqls = stmts.map(textOf);
  db.exec(BEGIN[mode ?? 'deferred'] ?? 'BEGIN DEFERRED');
  try {
    const results = sqls.map((sql, i) => runOne(sql, stmts[i]?.args));
    db.exec('COMMIT');
    return results;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

port.on('message', (/** @type {WriterRequest} */ msg) => {
  if (msg.op === 'close') {
    db.close();
    port.close();
    return;
  }
  /** @type {WriterReply} */
  let reply;
  try {
    reply = { id: msg.id, results: msg.op === 'batch' ? batch(msg.stmts, msg.mode) : [runOne(textOf(msg.stmts[0]), msg.stmts[0].args)] };
  } catch (e) {
    const err = /** @type {{ message?: string; code?: string }} */ (e);
    reply = { id: msg.id, error: { message: String(err?.message ?? e), ...(err?.code ? { code: err.code } : {}) } };
  }
  port.postMessage(reply);
});
