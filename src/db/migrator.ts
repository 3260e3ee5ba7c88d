import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@libsql/client';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Reads NNNN_name.sql files in version order; a gap or duplicate version is an error. */
export function readMigrations(dir: string): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new MigrationError(`${dir}/${file}: migration files must be named NNNN_snake_name.sql`);
    const sql = readFileSync(path.join(dir, file), 'utf8');
    return { version: Number(match[1]), name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`${dir}: expected migration ${i + 1}, found ${m.name}`);
  });
  return migrations;
}

/** Splits a migration into statements; our migrations keep one statement per `;`-terminated block. */
function statementsOf(sql: string): string[] {
  const withoutComments = sql.replace(/--[^\n]*/g, '');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Applies pending migrations in order, each in its own write batch (one transaction) together
 * with its schema_migrations row, so a failed migration leaves nothing half-applied.
 * An applied migration whose file changed since is refused: history must not be rewritten.
 * Returns the schema version after migrating.
 */
export async function migrate(client: Client, migrations: Migration[]): Promise<number> {
  await client.execute(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const applied = await client.execute('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
  const byVersion = new Map(applied.rows.map((r) => [Number(r.version), { name: String(r.name), checksum: String(r.checksum) }]));
  for (const [version, row] of byVersion) {
    const file = migrations.find((m) => m.version === version);
    if (!file) throw new MigrationError(`database has migration ${version} (${row.name}) that this release does not know`);
    if (file.checksum !== row.checksum) {
      throw new MigrationError(`migration ${file.name} was edited after it was applied; add a new migration instead`);
    }
  }
  for (const m of migrations) {
    if (byVersion.has(m.version)) continue;
    try {
      await client.batch(
        [
          ...statementsOf(m.sql),
          {
            sql: 'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
            args: [m.version, m.name, m.checksum, new Date().toISOString()],
          },
        ],
        'write',
      );
    } catch (cause) {
      throw new MigrationError(`migration ${m.name} failed: ${(cause as Error).message}`, { cause });
    }
  }
  return migrations.length;
}

/** The highest applied version, or 0 for a blank database. */
export async function schemaVersion(client: Client): Promise<number> {
  const rs = await client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
  );
  if (rs.rows.length === 0) return 0;
  const v = await client.execute('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
  return Number(v.rows[0]!.v);
}
