import { createClient, type Client } from '@libsql/client';

export type { Client };

/**
 * Opens a libSQL client. Local files get WAL (readers never block the writer) and
 * synchronous=FULL (every commit durable: each 2xx promises the booking survives a crash).
 */
export async function openDatabase(url: string, authToken?: string): Promise<Client> {
  const client = createClient(authToken ? { url, authToken } : { url });
  if (url.startsWith('file:')) {
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = FULL');
    await client.execute('PRAGMA busy_timeout = 5000');
    await client.execute('PRAGMA foreign_keys = ON');
  }
  return client;
}
