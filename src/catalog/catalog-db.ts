import type { Client } from '@libsql/client';
import { openDatabase } from '../db/libsql-client';
import { migrate, readMigrations } from '../db/migrator';
import { migrationsDir } from '../lib/paths';

/** Opens the control-plane database and brings its schema up to date. */
export async function openCatalog(url: string, authToken?: string): Promise<{ db: Client; schemaVersion: number }> {
  const db = await openDatabase(url, authToken);
  const schemaVersion = await migrate(db, readMigrations(migrationsDir('catalog')));
  return { db, schemaVersion };
}

export const nowIso = (): string => new Date().toISOString();
