/**
 * Just enough SQL lexing to do what libsql's JS binding cannot do for us:
 *  - split a `sequence` into statements (sqld splits with its own parser, then runs each);
 *  - refuse several statements in one `execute` (libsql would silently run only the first);
 *  - find parameter slots, because binding an object to a statement that mixes `?` and `:name`
 *    makes libsql 0.5 panic and abort the whole process: we always bind a positional array;
 *  - tell writes from reads so a stream takes the database's writer lock only when it must.
 */

export interface Token {
  kind: 'word' | 'ident' | 'string' | 'param' | 'semi' | 'other';
  text: string;
  start: number;
  end: number;
}

export interface SqlStatement {
  text: string;
  tokens: Token[];
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

function closing(sql: string, from: number, quote: string): number {
  // Quotes double to escape ('it''s'); `[` closes with `]` and has no escape.
  let i = from + 1;
  for (;;) {
    const j = sql.indexOf(quote, i);
    if (j < 0) return sql.length;
    if (quote !== ']' && sql[j + 1] === quote) {
      i = j + 2;
      continue;
    }
    return j + 1;
  }
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'") {
      const end = closing(sql, i, "'");
      out.push({ kind: 'string', text: sql.slice(i, end), start: i, end });
      i = end;
    } else if (c === '"' || c === '`' || c === '[') {
      const end = closing(sql, i, c === '[' ? ']' : c);
      out.push({ kind: 'ident', text: sql.slice(i, end), start: i, end });
      i = end;
    } else if (c === '?') {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++;
      out.push({ kind: 'param', text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else if ((c === ':' || c === '@' || c === '$') && i + 1 < sql.length && WORD_PART.test(sql[i + 1]!)) {
      let j = i + 1;
      while (j < sql.length && WORD_PART.test(sql[j]!)) j++;
      out.push({ kind: 'param', text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && WORD_PART.test(sql[j]!)) j++;
      out.push({ kind: 'word', text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else if (c === ';') {
      out.push({ kind: 'semi', text: ';', start: i, end: i + 1 });
      i++;
    } else {
      out.push({ kind: 'other', text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

function upperWords(tokens: Token[], n: number): string[] {
  return tokens
    .filter((t) => t.kind === 'word')
    .slice(0, n)
    .map((t) => t.text.toUpperCase());
}

function isTriggerDdl(tokens: Token[]): boolean {
  const w = upperWords(tokens, 3);
  return w[0] === 'CREATE' && (w[1] === 'TRIGGER' || ((w[1] === 'TEMP' || w[1] === 'TEMPORARY') && w[2] === 'TRIGGER'));
}

/**
 * Splits on top-level semicolons. A trigger body (BEGIN … END) holds semicolons of its own,
 * and CASE … END inside it must not be taken for the body's END.
 */
export function splitStatements(sql: string): SqlStatement[] {
  const tokens = tokenize(sql);
  const out: SqlStatement[] = [];
  let current: Token[] = [];
  let inBody = false;
  let caseDepth = 0;
  const flush = () => {
    if (current.length > 0) {
      const first = current[0]!;
      const last = current[current.length - 1]!;
      out.push({ text: sql.slice(first.start, last.end), tokens: current });
    }
    current = [];
    inBody = false;
    caseDepth = 0;
  };
  for (const t of tokens) {
    if (t.kind === 'semi' && !inBody) {
      flush();
      continue;
    }
    current.push(t);
    if (t.kind !== 'word' || !isTriggerDdl(current)) continue;
    const w = t.text.toUpperCase();
    if (w === 'BEGIN' && !inBody) inBody = true;
    else if (inBody && w === 'CASE') caseDepth++;
    else if (inBody && w === 'END') {
      if (caseDepth > 0) caseDepth--;
      else inBody = false;
    }
  }
  flush();
  return out;
}

export interface ParamSlots {
  /** Highest parameter index: the length of the positional array to bind. */
  count: number;
  /** Named parameters with their prefix (`:id`, `@id`, `$id`) and 1-based index. */
  named: Map<string, number>;
}

/** Numbers parameters the way SQLite does: `?` takes max+1, `?N` takes N, a name keeps its first index. */
export function paramSlots(tokens: Token[]): ParamSlots {
  let count = 0;
  const named = new Map<string, number>();
  for (const t of tokens) {
    if (t.kind !== 'param') continue;
    if (t.text === '?') {
      count++;
    } else if (t.text.startsWith('?')) {
      count = Math.max(count, Number(t.text.slice(1)));
    } else if (!named.has(t.text)) {
      count++;
      named.set(t.text, count);
    }
  }
  return { count, named };
}

/**
 * What a statement does to the database's single writer:
 *  - 'read': never writes (SELECT, VALUES, EXPLAIN, plain PRAGMA reads, ATTACH…);
 *  - 'begin': opens a deferred transaction (BEGIN [DEFERRED], BEGIN … READONLY, SAVEPOINT);
 *  - 'commit': COMMIT / END / RELEASE (commits when it ends the outermost transaction);
 *  - 'rollback': ROLLBACK [TO …];
 *  - 'write': anything else, including BEGIN IMMEDIATE/EXCLUSIVE. Unknown means write,
 *    since taking the lock needlessly only costs time, while skipping it costs SQLITE_BUSY.
 */
export type StmtClass = 'read' | 'begin' | 'commit' | 'rollback' | 'write';

const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE']);
const WRITING_PRAGMAS = new Set(['OPTIMIZE', 'WAL_CHECKPOINT', 'INCREMENTAL_VACUUM', 'SHRINK_MEMORY']);

export function classify(tokens: Token[]): StmtClass {
  const words = upperWords(tokens, 3);
  switch (words[0]) {
    case 'SELECT':
    case 'VALUES':
    case 'EXPLAIN':
    case 'ATTACH':
    case 'DETACH':
      return 'read';
    case 'WITH':
      return tokens.some((t) => t.kind === 'word' && DML.has(t.text.toUpperCase())) ? 'write' : 'read';
    case 'PRAGMA': {
      // `PRAGMA x = y` may write (user_version, journal_mode); `PRAGMA table_info(t)` only reads.
      const assigns = tokens.some((t) => t.kind === 'other' && t.text === '=');
      return assigns || WRITING_PRAGMAS.has(words[1] ?? '') ? 'write' : 'read';
    }
    case 'BEGIN':
      return words[1] === 'IMMEDIATE' || words[1] === 'EXCLUSIVE' ? 'write' : 'begin';
    case 'SAVEPOINT':
      return 'begin';
    case 'COMMIT':
    case 'END':
    case 'RELEASE':
      return 'commit';
    case 'ROLLBACK':
      return 'rollback';
    default:
      return 'write';
  }
}

export function firstWord(tokens: Token[]): string {
  return upperWords(tokens, 1)[0] ?? '';
}
