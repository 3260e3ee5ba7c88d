import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { ensurePrivateFile, restrictFile } from '../lib/private-files';
import path from 'node:path';
import type { Client, Value } from '@libsql/client';

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

function literal(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof ArrayBuffer) return `X'${Buffer.from(v).toString('hex')}'`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

/**
 * A consistent copy of one database. Local files use VACUUM INTO (a snapshot taken inside one
 * read transaction); remote databases are dumped as SQL inside one read batch, which libSQL
 * also runs as a single transaction.
 */
export async function backupDatabase(client: Client, url: string, outDir: string, name: string): Promise<string> {
  // Backups hold everything the databases hold: a 0700 folder, 0600 files (finding 14).
  if (!existsSync(outDir)) {
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    chmodSync(outDir, 0o700);
  }
  if (url.startsWith('file:')) {
    const target = path.join(outDir, `${name}.db`);
    // VACUUM INTO accepts an empty file: made 0600 first, the copy never exists world-readable.
    ensurePrivateFile(target);
    await client.execute({ sql: 'VACUUM INTO ?', args: [target] });
    restrictFile(target);
    return target;
  }
  const tables = await client.execute(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream%' ORDER BY name",
  );
  const reads = tables.rows.map((t) => `SELECT * FROM ${quoteIdent(String(t.name))}`);
  const data = await client.batch(reads, 'read');
  const lines = ['PRAGMA foreign_keys = OFF;', 'BEGIN;'];
  tables.rows.forEach((t, i) => {
    lines.push(`${String(t.sql)};`);
    const rs = data[i]!;
    for (const row of rs.rows) {
      const values = rs.columns.map((c) => literal(row[c] as Value));
      lines.push(`INSERT INTO ${quoteIdent(String(t.name))} VALUES (${values.join(', ')});`);
    }
  });
  lines.push('COMMIT;');
  const target = path.join(outDir, `${name}.sql`);
  writeFileSync(target, `${lines.join('\n')}\n`, { mode: 0o600 });
  return target;
}
