/**
 * Wire types of Hrana over HTTP (JSON encoding), as @libsql/client 0.18 sends them to
 * `/v2/pipeline` (docs/HTTP_V2_SPEC.md and docs/HRANA_3_SPEC.md of the libSQL repository).
 * The parser below checks the shape of a request body before anything runs, so a malformed
 * pipeline is refused whole with HTTP 400 (as sqld does when deserialising fails) instead of
 * failing half-way after some statements already committed.
 */

export type ProtoValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

export interface NamedArg {
  name: string;
  value: ProtoValue;
}

export interface ProtoStmt {
  sql?: string | null;
  sql_id?: number | null;
  args?: ProtoValue[];
  named_args?: NamedArg[];
  want_rows?: boolean;
}

export type BatchCond =
  | { type: 'ok'; step: number }
  | { type: 'error'; step: number }
  | { type: 'not'; cond: BatchCond }
  | { type: 'and'; conds: BatchCond[] }
  | { type: 'or'; conds: BatchCond[] }
  | { type: 'is_autocommit' };

export interface BatchStep {
  condition?: BatchCond | null;
  stmt: ProtoStmt;
}

export interface ProtoBatch {
  steps: BatchStep[];
}

export type StreamRequest =
  | { type: 'close' }
  | { type: 'execute'; stmt: ProtoStmt }
  | { type: 'batch'; batch: ProtoBatch }
  | { type: 'sequence'; sql?: string | null; sql_id?: number | null }
  | { type: 'describe'; sql?: string | null; sql_id?: number | null }
  | { type: 'store_sql'; sql_id: number; sql: string }
  | { type: 'close_sql'; sql_id: number }
  | { type: 'get_autocommit' };

export interface ProtoError {
  message: string;
  code?: string;
}

export interface Col {
  name: string | null;
  decltype: string | null;
}

export interface StmtResult {
  cols: Col[];
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

export interface BatchResult {
  step_results: (StmtResult | null)[];
  step_errors: (ProtoError | null)[];
}

export interface DescribeResult {
  params: { name: string | null }[];
  cols: Col[];
  is_explain: boolean;
  is_readonly: boolean;
}

export type StreamResponse =
  | { type: 'close' }
  | { type: 'execute'; result: StmtResult }
  | { type: 'batch'; result: BatchResult }
  | { type: 'sequence' }
  | { type: 'describe'; result: DescribeResult }
  | { type: 'store_sql' }
  | { type: 'close_sql' }
  | { type: 'get_autocommit'; is_autocommit: boolean };

export type StreamResult = { type: 'ok'; response: StreamResponse } | { type: 'error'; error: ProtoError };

export interface PipelineReqBody {
  baton: string | null;
  requests: StreamRequest[];
}

export interface PipelineRespBody {
  baton: string | null;
  base_url: string | null;
  results: StreamResult[];
}

/** A request that is not Hrana: answered with HTTP 400 text/plain, like sqld's ProtocolError. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Protocol version of the endpoint a request came in on; v3 adds get_autocommit and is_autocommit. */
export type HranaVersion = 2 | 3;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(what: string): never {
  throw new ProtocolError(`Invalid request body: ${what}`);
}

function optString(o: Obj, key: string, where: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'string') fail(`${where}.${key} must be a string`);
}

function optInt(o: Obj, key: string, where: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && !Number.isInteger(v)) fail(`${where}.${key} must be an integer`);
}

function checkValue(v: unknown, where: string): void {
  if (!isObj(v)) fail(`${where} must be an object`);
  switch (v.type) {
    case 'null':
      return;
    case 'integer':
      if (typeof v.value !== 'string' || !/^-?\d+$/.test(v.value)) fail(`${where}.value must be an integer string`);
      return;
    case 'float':
      if (typeof v.value !== 'number') fail(`${where}.value must be a number`);
      return;
    case 'text':
      if (typeof v.value !== 'string') fail(`${where}.value must be a string`);
      return;
    case 'blob':
      if (typeof v.base64 !== 'string') fail(`${where}.base64 must be a string`);
      return;
    default:
      fail(`${where}.type is not a Hrana value type`);
  }
}

function checkSqlRef(o: Obj, where: string): void {
  optString(o, 'sql', where);
  optInt(o, 'sql_id', where);
}

function checkStmt(v: unknown, where: string): void {
  if (!isObj(v)) fail(`${where} must be an object`);
  checkSqlRef(v, where);
  if (v.args !== undefined) {
    if (!Array.isArray(v.args)) fail(`${where}.args must be an array`);
    for (const [i, a] of v.args.entries()) checkValue(a, `${where}.args[${i}]`);
  }
  if (v.named_args !== undefined) {
    if (!Array.isArray(v.named_args)) fail(`${where}.named_args must be an array`);
    v.named_args.forEach((a, i) => {
      if (!isObj(a) || typeof a.name !== 'string') fail(`${where}.named_args[${i}].name must be a string`);
      checkValue(a.value, `${where}.named_args[${i}].value`);
    });
  }
  if (v.want_rows !== undefined && typeof v.want_rows !== 'boolean') fail(`${where}.want_rows must be a boolean`);
}

function checkCond(v: unknown, where: string, version: HranaVersion): void {
  if (!isObj(v)) fail(`${where} must be an object`);
  switch (v.type) {
    case 'ok':
    case 'error':
      if (!Number.isInteger(v.step)) fail(`${where}.step must be an integer`);
      return;
    case 'not':
      checkCond(v.cond, `${where}.cond`, version);
      return;
    case 'and':
    case 'or':
      if (!Array.isArray(v.conds)) fail(`${where}.conds must be an array`);
      for (const [i, c] of v.conds.entries()) checkCond(c, `${where}.conds[${i}]`, version);
      return;
    case 'is_autocommit':
      // sqld refuses this condition below Hrana 3; so do we, so a v2 client never depends on it.
      if (version < 3) fail(`${where}: is_autocommit needs Hrana 3 (/v3/pipeline)`);
      return;
    default:
      fail(`${where}.type is not a batch condition`);
  }
}

function checkRequest(v: unknown, where: string, version: HranaVersion): void {
  if (!isObj(v)) fail(`${where} must be an object`);
  switch (v.type) {
    case 'close':
      return;
    case 'execute':
      checkStmt(v.stmt, `${where}.stmt`);
      return;
    case 'batch': {
      const batch = v.batch;
      if (!isObj(batch) || !Array.isArray(batch.steps)) fail(`${where}.batch.steps must be an array`);
      batch.steps.forEach((s, i) => {
        if (!isObj(s)) fail(`${where}.batch.steps[${i}] must be an object`);
        if (s.condition !== undefined && s.condition !== null) {
          checkCond(s.condition, `${where}.batch.steps[${i}].condition`, version);
        }
        checkStmt(s.stmt, `${where}.batch.steps[${i}].stmt`);
      });
      return;
    }
    case 'sequence':
    case 'describe':
      checkSqlRef(v, where);
      return;
    case 'store_sql':
      if (!Number.isInteger(v.sql_id) || typeof v.sql !== 'string') fail(`${where} needs sql_id and sql`);
      return;
    case 'close_sql':
      if (!Number.isInteger(v.sql_id)) fail(`${where}.sql_id must be an integer`);
      return;
    case 'get_autocommit':
      if (version < 3) fail(`${where}: get_autocommit needs Hrana 3 (/v3/pipeline)`);
      return;
    default:
      fail(`${where}.type is not a stream request`);
  }
}

/** Checks an untrusted JSON body; after this the casts to the wire types are safe. */
export function parsePipelineBody(body: unknown, version: HranaVersion): PipelineReqBody {
  if (!isObj(body)) fail('body must be an object');
  if (body.baton !== undefined && body.baton !== null && typeof body.baton !== 'string') fail('baton must be a string');
  if (!Array.isArray(body.requests)) fail('requests must be an array');
  for (const [i, r] of body.requests.entries()) checkRequest(r, `requests[${i}]`, version);
  return { baton: (body.baton as string | null | undefined) ?? null, requests: body.requests as StreamRequest[] };
}
