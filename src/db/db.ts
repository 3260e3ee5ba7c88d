import type { Client } from '@libsql/client';

/**
 * The part of a libSQL client that Boxoffice uses. Every adapter (the libSQL client itself,
 * the local writer thread, the benchmark's latency model) implements just this.
 */
export type Db = Pick<Client, 'execute' | 'batch' | 'close'>;
