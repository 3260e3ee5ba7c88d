import type { ProtoValue } from './protocol';

/** What a libsql connection binds and returns once safe integers are on. */
export type SqlValue = null | bigint | number | string | Buffer;

const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

/** Thrown for an argument SQLite cannot take; becomes an ARGS_INVALID statement error. */
export class ValueError extends Error {
  override name = 'ValueError';
}

/**
 * Hrana integers travel as decimal strings because JSON numbers lose precision past 2^53;
 * floats stay JSON numbers, so a float argument binds as REAL (as sqld binds it) even when
 * it has no fraction: @libsql/client sends every JS number as a float.
 */
export function valueFromProto(v: ProtoValue): SqlValue {
  switch (v.type) {
    case 'null':
      return null;
    case 'integer': {
      const n = BigInt(v.value);
      if (n < MIN_I64 || n > MAX_I64) throw new ValueError(`integer ${v.value} does not fit in 64 bits`);
      return n;
    }
    case 'float':
      return v.value;
    case 'text':
      return v.value;
    case 'blob':
      return Buffer.from(v.base64, 'base64');
  }
}

/**
 * Connections run with safe integers, so an INTEGER column arrives as bigint and a REAL one
 * as number: the storage class survives the trip, which is what lets the client tell 2 from 2.0.
 */
export function valueToProto(v: unknown): ProtoValue {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() };
  if (typeof v === 'number') return { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'text', value: v };
  if (v instanceof Uint8Array) return { type: 'blob', base64: Buffer.from(v).toString('base64') };
  throw new ValueError(`SQLite returned a value of unexpected type ${typeof v}`);
}
