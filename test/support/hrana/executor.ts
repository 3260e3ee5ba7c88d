import type Database from 'libsql';
import { StmtError, stmtErrorFrom } from './errors';
import {
  type BatchCond,
  type BatchResult,
  type Col,
  type DescribeResult,
  type ProtoBatch,
  type ProtoStmt,
  ProtocolError,
  type StmtResult,
  type StreamRequest,
  type StreamResult,
} from './protocol';
import { classify, firstWord, paramSlots, type SqlStatement, type StmtClass, splitStatements } from './sql-text';
import type { Stream } from './stream';
import { type SqlValue, valueFromProto, valueToProto } from './values';

/** sqld caps the SQL texts a stream may store; the client evicts from an LRU of 30 before that. */
const MAX_STORED_SQLS = 150;

interface Compiled {
  stmt: SqlStatement;
  cls: StmtClass;
  args: SqlValue[];
}

function resolveSql(stream: Stream, sql: string | null | undefined, sqlId: number | null | undefined): string {
  const hasSql = sql !== undefined && sql !== null;
  const hasId = sqlId !== undefined && sqlId !== null;
  if (hasSql && hasId) throw new ProtocolError('Both sql and sql_id were given');
  if (hasSql) return sql;
  if (!hasId) throw new ProtocolError('Neither sql nor sql_id was given');
  const stored = stream.sqls.get(sqlId);
  if (stored === undefined) throw new ProtocolError(`SQL text ${sqlId} was not stored`);
  return stored;
}

function single(sql: string): SqlStatement {
  const stmts = splitStatements(sql);
  if (stmts.length === 0) throw new StmtError('SQL string does not contain any statement', 'SQL_NO_STATEMENT');
  if (stmts.length > 1) throw new StmtError('SQL string contains more than one statement', 'SQL_MANY_STATEMENTS');
  return stmts[0]!;
}

/**
 * Binds arguments into one positional array sized to the statement's parameters: named
 * arguments go to their slot (a name given without prefix matches `:`, `@` or `$`, as in
 * sqld), unset slots are NULL, as SQLite leaves unbound parameters.
 */
function bindArgs(stmt: SqlStatement, proto: ProtoStmt): SqlValue[] {
  const positional = proto.args ?? [];
  const named = proto.named_args ?? [];
  if (positional.length > 0 && named.length > 0) {
    throw new StmtError('Specifying both positional and named arguments is not supported', 'ARGS_BOTH_POSITIONAL_AND_NAMED');
  }
  const slots = paramSlots(stmt.tokens);
  if (positional.length > slots.count) {
    throw new StmtError(
      `Arguments do not match SQL parameters: ${positional.length} given, the statement has ${slots.count}`,
      'ARGS_INVALID',
    );
  }
  const args: SqlValue[] = new Array<SqlValue>(slots.count).fill(null);
  positional.forEach((v, i) => {
    args[i] = valueFromProto(v);
  });
  for (const arg of named) {
    const candidates = /^[:@$]/.test(arg.name) ? [arg.name] : [`:${arg.name}`, `@${arg.name}`, `$${arg.name}`];
    for (const name of candidates) {
      const index = slots.named.get(name);
      if (index !== undefined) args[index - 1] = valueFromProto(arg.value);
    }
  }
  return args;
}

function compile(stmt: SqlStatement, proto: ProtoStmt): Compiled {
  try {
    return { stmt, cls: classify(stmt.tokens), args: bindArgs(stmt, proto) };
  } catch (e) {
    throw stmtErrorFrom(e, 'run');
  }
}

// One counter statement per connection: reading changes through SQL keeps 64-bit rowids exact
// (libsql's run() hands them back as JS numbers).
const counterStmts = new WeakMap<Database.Database, Database.Statement>();

function counters(conn: Database.Database): { total: bigint; changes: bigint; rowid: bigint } {
  let stmt = counterStmts.get(conn);
  if (stmt === undefined) {
    stmt = conn.prepare('SELECT total_changes(), changes(), last_insert_rowid()').raw(true);
    counterStmts.set(conn, stmt);
  }
  const [total, changes, rowid] = stmt.get([]) as [bigint, bigint, bigint];
  return { total, changes, rowid };
}

function runCompiled(stream: Stream, c: Compiled, wantRows: boolean): Promise<StmtResult> {
  return stream.runStatement(c.cls, (): StmtResult => {
    const conn = stream.conn;
    let prepared: Database.Statement;
    try {
      prepared = conn.prepare(c.stmt.text);
    } catch (e) {
      throw stmtErrorFrom(e, 'prepare');
    }
    try {
      const before = counters(conn).total;
      let cols: Col[] = [];
      let rows: unknown[] = [];
      if (prepared.reader) {
        prepared.raw(true);
        cols = prepared.columns().map((col) => ({ name: col.name, decltype: col.type }));
        rows = prepared.all(c.args);
      } else {
        prepared.run(c.args);
      }
      const after = counters(conn);
      // changes() keeps the count of the last INSERT/UPDATE/DELETE, even across a later SELECT
      // or CREATE; only a moving total_changes() says this statement changed rows itself.
      const changed = after.total !== before;
      return {
        cols,
        rows: wantRows ? rows.map((row) => (row as unknown[]).map(valueToProto)) : [],
        affected_row_count: changed ? Number(after.changes) : 0,
        last_insert_rowid: changed ? after.rowid.toString() : null,
      };
    } catch (e) {
      throw stmtErrorFrom(e, 'run');
    }
  });
}

function executeStmt(stream: Stream, proto: ProtoStmt): Promise<StmtResult> {
  const sql = resolveSql(stream, proto.sql, proto.sql_id);
  let compiled: Compiled;
  try {
    compiled = compile(single(sql), proto);
  } catch (e) {
    return Promise.reject(e);
  }
  return runCompiled(stream, compiled, proto.want_rows ?? true);
}

type Outcome = 'ok' | 'error' | 'skipped';

function evalCond(cond: BatchCond, outcomes: Outcome[], stream: Stream): boolean {
  switch (cond.type) {
    case 'ok':
    case 'error': {
      if (cond.step < 0 || cond.step >= outcomes.length) {
        throw new ProtocolError(`Batch condition refers to step ${cond.step}, which has not run yet`);
      }
      return outcomes[cond.step] === cond.type;
    }
    case 'not':
      return !evalCond(cond.cond, outcomes, stream);
    case 'and':
      return cond.conds.every((c) => evalCond(c, outcomes, stream));
    case 'or':
      return cond.conds.some((c) => evalCond(c, outcomes, stream));
    case 'is_autocommit':
      return stream.autocommit;
  }
}

/**
 * Steps run in order; a step whose condition is false is skipped (neither ok nor error, so
 * `ok(step)` and `error(step)` are both false for it). A failing step does not stop the batch:
 * the client's conditions (BEGIN ok → stmt ok → COMMIT, else ROLLBACK) make it atomic.
 */
async function executeBatch(stream: Stream, batch: ProtoBatch): Promise<BatchResult> {
  const result: BatchResult = { step_results: [], step_errors: [] };
  const outcomes: Outcome[] = [];
  for (const step of batch.steps) {
    const run = step.condition === undefined || step.condition === null || evalCond(step.condition, outcomes, stream);
    if (!run) {
      result.step_results.push(null);
      result.step_errors.push(null);
      outcomes.push('skipped');
      continue;
    }
    try {
      result.step_results.push(await executeStmt(stream, step.stmt));
      result.step_errors.push(null);
      outcomes.push('ok');
    } catch (e) {
      if (!(e instanceof StmtError)) throw e;
      result.step_results.push(null);
      result.step_errors.push(e.toProto());
      outcomes.push('error');
    }
  }
  return result;
}

// sqld (connection_core.rs): once the transaction was rolled back for another writer, every
// step of the next program fails with this, whatever its condition.
const transactionTimeout = (): StmtError => new StmtError('Transaction timed out', 'TRANSACTION_TIMEOUT');

function timedOutBatch(batch: ProtoBatch): BatchResult {
  return { step_results: batch.steps.map(() => null), step_errors: batch.steps.map(() => transactionTimeout().toProto()) };
}

/** Runs each statement of a script in turn and stops at the first error, as sqld does. */
async function executeSequence(stream: Stream, sql: string): Promise<void> {
  for (const stmt of splitStatements(sql)) {
    await runCompiled(stream, compile(stmt, {}), false);
  }
}

function describe(stream: Stream, sql: string): DescribeResult {
  const stmt = single(sql);
  let prepared: Database.Statement;
  try {
    prepared = stream.conn.prepare(stmt.text);
  } catch (e) {
    throw stmtErrorFrom(e, 'prepare');
  }
  const slots = paramSlots(stmt.tokens);
  const params: { name: string | null }[] = Array.from({ length: slots.count }, () => ({ name: null }));
  for (const [name, index] of slots.named) params[index - 1] = { name };
  return {
    params,
    cols: prepared.reader ? prepared.columns().map((c) => ({ name: c.name, decltype: c.type })) : [],
    is_explain: firstWord(stmt.tokens) === 'EXPLAIN',
    is_readonly: classify(stmt.tokens) === 'read',
  };
}

/**
 * One stream request. Statement failures become a result of type "error"; stream and protocol
 * failures propagate, because sqld fails the whole HTTP request for those.
 */
export async function handleStreamRequest(stream: Stream, req: StreamRequest): Promise<StreamResult> {
  try {
    switch (req.type) {
      case 'close':
        stream.close();
        return { type: 'ok', response: { type: 'close' } };
      case 'execute':
        if (stream.takeForcedRollback()) throw transactionTimeout();
        return { type: 'ok', response: { type: 'execute', result: await executeStmt(stream, req.stmt) } };
      case 'batch':
        if (stream.takeForcedRollback()) return { type: 'ok', response: { type: 'batch', result: timedOutBatch(req.batch) } };
        return { type: 'ok', response: { type: 'batch', result: await executeBatch(stream, req.batch) } };
      case 'sequence':
        if (stream.takeForcedRollback()) throw transactionTimeout();
        await executeSequence(stream, resolveSql(stream, req.sql, req.sql_id));
        return { type: 'ok', response: { type: 'sequence' } };
      case 'describe':
        return { type: 'ok', response: { type: 'describe', result: describe(stream, resolveSql(stream, req.sql, req.sql_id)) } };
      case 'store_sql':
        if (stream.sqls.has(req.sql_id)) throw new ProtocolError(`SQL text ${req.sql_id} is already stored`);
        if (stream.sqls.size >= MAX_STORED_SQLS) throw new ProtocolError('Too many SQL texts stored on this stream');
        stream.sqls.set(req.sql_id, req.sql);
        return { type: 'ok', response: { type: 'store_sql' } };
      case 'close_sql':
        stream.sqls.delete(req.sql_id);
        return { type: 'ok', response: { type: 'close_sql' } };
      case 'get_autocommit':
        return { type: 'ok', response: { type: 'get_autocommit', is_autocommit: stream.autocommit } };
    }
  } catch (e) {
    if (e instanceof StmtError) return { type: 'error', error: e.toProto() };
    throw e;
  }
}
