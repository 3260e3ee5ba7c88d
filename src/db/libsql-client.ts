import { createClient, type Client } from '@libsql/client';

export type { Client };

/** Settings of every connection to a local file (see openDatabase for why). */
export const LOCAL_PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = FULL', 'PRAGMA busy_timeout = 5000', 'PRAGMA foreign_keys = ON'];

/**
 * Opens a libSQL client. Local files get WAL (readers never block the writer) and
 * synchronous=FULL (every commit durable: each 2xx promises the booking survives a crash).
 */
export async function openDatabase(url: string, authToken?: string): Promise<Client> {
  const client = createClient(authToken ? { url, authToken } : { url });
  if (url.startsWith('file:')) for (const pragma of LOCAL_PRAGMAS) await client.execute(pragma);
  return client;
}
