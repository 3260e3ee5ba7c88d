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
/** @typedef {import('@libsql/client').InStatement} InStatement */
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
/** Every booking sends the same few SQL texts: prepare each once, not once per booking. */
const prepared = new Map();
/** @param {string} sql @returns {Statement} */
function prepare(sql) {
  let s = prepared.get(sql);
  if (!s) {
    if (prepared.size >= MAX_PREPARED) prepared.clear();
    s = db.prepare(sql);
    if (s.reader) s.raw(true);
    prepared.set(sql, s);
  }
  return s;
}

/** @param {unknown} v */
const bindable = (v) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);
const WRITE_VERB = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/** @param {InStatement} stmt @returns {PlainResult} */
function runOne(stmt) {
  const sql = typeof stmt === 'string' ? stmt : stmt.sql;
  const raw = typeof stmt === 'string' ? [] : (stmt.args ?? []);
  const args = Array.isArray(raw) ? raw.map(bindable) : raw;
  const s = prepare(sql);
  if (s.reader) {
    const rows = /** @type {PlainResult['rows']} */ (s.all(args));
    // A write with RETURNING is a "reader" to the driver; its changes are the rows it returned.
    const changed = WRITE_VERB.test(sql) ? rows.length : 0;
    return { columns: s.columns().map((c) => c.name), rows, rowsAffected: changed, lastInsertRowid: null };
  }
  const r = s.run(args);
  return { columns: [], rows: [], rowsAffected: r.changes, lastInsertRowid: String(r.lastInsertRowid) };
}

/** @type {Record<string, string>} */
const BEGIN = { write: 'BEGIN IMMEDIATE', read: 'BEGIN DEFERRED', deferred: 'BEGIN DEFERRED' };

/** @param {InStatement[]} stmts @param {string | undefined} mode */
function batch(stmts, mode) {
  db.exec(BEGIN[mode ?? 'deferred'] ?? 'BEGIN DEFERRED');
  try {
    const results = stmts.map(runOne);
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
    reply = { id: msg.id, results: msg.op === 'batch' ? batch(msg.stmts, msg.mode) : [runOne(msg.stmts[0])] };
  } catch (e) {
    const err = /** @type {{ message?: string; code?: string }} */ (e);
    reply = { id: msg.id, error: { message: String(err?.message ?? e), ...(err?.code ? { code: err.code } : {}) } };
  }
  port.postMessage(reply);
});
