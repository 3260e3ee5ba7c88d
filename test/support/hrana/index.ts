/** An in-process Hrana-over-HTTP server for tests that talk to "remote" shards with @libsql/client. */
export type { DatabaseStats } from './database';
export type { Faults } from './faults';
export { type DatabaseHandle, type HranaServer, type HranaServerOptions, startHranaServer } from './server';
