import path from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { ensurePrivateDir, ensurePrivateFile, localPathOf, restrictFile } from '../lib/private-files';

export type { Client };

/** Settings of every connection to a local file (see openDatabase for why). */
export const LOCAL_PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = FULL', 'PRAGMA busy_timeout = 5000', 'PRAGMA foreign_keys = ON'];

/**
 * Opens a libSQL client. Local files get WAL (readers never block the writer) and
 * synchronous=FULL (every commit durable: each 2xx promises the booking survives a crash).
 */
export async function openDatabase(url: string, authToken?: string): Promise<Client> {
  const file = localPathOf(url);
  // A missing folder used to surface as the driver's raw "Unable to open connection … : 14".
  // Database files are 0600 before SQLite first writes, so its -wal and -shm are too.
  if (file) {
    ensurePrivateDir(path.dirname(path.resolve(file)));
    ensurePrivateFile(file);
    for (const extra of ['-wal', '-shm']) restrictFile(`${file}${extra}`);
  }
  const client = createClient(authToken ? { url, authToken } : { url });
  if (url.startsWith('file:')) for (const pragma of LOCAL_PRAGMAS) await client.execute(pragma);
  return client;
}
