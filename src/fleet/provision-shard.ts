import type { Client } from '@libsql/client';
import { ShardCleanupStore } from '../catalog/shard-cleanup-store';
import type { ShardProvider, ShardRegistry } from '../catalog/shard-registry';
import type { Config } from '../config/load-config';
import type { RootKeyring } from '../crypto';
import { shardTokenContext } from '../crypto/contexts';
import { openDatabase } from '../db/libsql-client';
import { migrate, readMigrations, schemaVersion } from '../db/migrator';
import { isTransientDbError } from '../db/sql-errors';
import { REGIONAL_PROVIDERS, SHARD_NAME, SHARD_NAME_RULE, SHARD_REGION_RULE, shardRegionSchema } from '../domain/inputs';
import { AppError } from '../errors';
import { migrationsDir } from '../lib/paths';
import type { ShardPool } from '../shards/shard-pool';
import { migrateShard, type ShardMigrationResult } from './fleet-migrator';
import { LeftOverDatabaseError, ProvisionError, type ProvisionedDatabase, type Provisioner, provisionerFor } from './provisioners';
import { checkShardUrl } from './shard-url-policy';

export interface ProvisionRequest {
  name: string;
  provider: ShardProvider;
  dedicated: boolean;
  url?: string;
  authToken?: string;
  region?: string;
}

export interface ProvisionDeps {
  registry: ShardRegistry;
  pool: ShardPool;
  keyring: RootKeyring;
  config: Config;
  catalog: Client;
}

/** Tables every migrated shard has; the check after migrating reads each of them. */
const CHECK_TABLES = ['events', 'attendees', 'schema_migrations'];

/** Migrates a database that is not registered yet and checks it answers as a shard. */
async function migrateAndCheck(db: ProvisionedDatabase): Promise<number> {
  const client = await openDatabase(db.url, db.authToken ?? undefined);
  try {
    const migrations = readMigrations(migrationsDir('shard'));
    await migrate(client, migrations);
    const version = await schemaVersion(client);
    if (version !== migrations.length) throw new Error(`schema version ${version} after migrating, expected ${migrations.length}`);
    await client.batch(CHECK_TABLES.map((t) => `SELECT COUNT(*) FROM ${t}`), 'read');
    return version;
  } finally {
    client.close();
  }
}

const urlPolicy = (config: Config) => ({ env: config.env, dataDir: config.dataDir, catalogUrl: config.catalogUrl });

/** Undoes a created database; when that fails too, keeps it recorded for `ops shard:cleanup`. */
async function undo(cleanup: ShardCleanupStore, intent: number, provisioner: Provisioner, db: ProvisionedDatabase, reason: string): Promise<string> {
  try {
    await provisioner.destroy(db);
    await cleanup.done(intent);
    return 'the new database was deleted again';
  } catch {
    await cleanup.failed(intent, reason);
    return CLEANUP_HINT;
  }
}

const CLEANUP_HINT = 'the new database could not be deleted: run `npm run ops -- shard:cleanup` to delete it';

const originOf = (url: string): string => (url.startsWith('file:') ? 'its file' : (() => { try { return new URL(url).host; } catch { return 'its URL'; } })());
const publicOrigin = (url: string): string => `the database at ${originOf(url)}`;

function publicReason(e: unknown, url: string): string {
  if (e instanceof ProvisionError || e instanceof AppError) return e.message;
  const origin = originOf(url);
  // A dropped or refused connection reaches us as fetch's TypeError; never show driver text.
  if (isTransientDbError(e)) return `the new database at ${origin} could not be reached`;
  return `the new database at ${origin} did not migrate (${e instanceof Error && e.name === 'MigrationError' ? e.message.slice(0, 200) : 'it answered with an error'})`;
}

/**
 * Creates the database, migrates and checks it, then registers it (token sealed with
 * ROOT_KEY). A database we created that fails any later step is deleted again (or recorded
 * for clean-up), so the registry never lists a half-made shard. A `static` database is the
 * operator's: it is registered first and marked `migration_failed` if it does not migrate.
 */
export async function provisionShard(deps: ProvisionDeps, req: ProvisionRequest): Promise<ShardMigrationResult> {
  if (!SHARD_NAME.test(req.name)) throw new AppError('invalid_request', SHARD_NAME_RULE);
  if (await deps.registry.get(req.name)) throw new AppError('conflict', `a shard named ${req.name} already exists`);
  if (req.region !== undefined) {
    if (!REGIONAL_PROVIDERS.includes(req.provider)) throw new AppError('invalid_request', `--region applies to --provider bunny or turso only; a ${req.provider} shard lives where its URL says`);
    const region = shardRegionSchema.safeParse(req.region);
    if (!region.success) throw new AppError('invalid_request', SHARD_REGION_RULE);
  }
  if (req.provider === 'static' && req.url) checkShardUrl(req.url, urlPolicy(deps.config));
  const provisioner = provisionerFor(req.provider, deps.config, { ...(req.url ? { url: req.url } : {}), ...(req.authToken ? { authToken: req.authToken } : {}) });
  if (!provisioner.created) {
    const db = await provisionOrExplain(provisioner, req);
    await deps.registry.insert(recordOf(deps, req, db));
    const result = await migrateShard(deps.registry, deps.pool, (await deps.registry.get(req.name))!);
    // The driver's own text stays in the registry (shard:list, detailed health), never in the answer (finding 12).
    return result.ok ? result : { ...result, error: `${publicOrigin(db.url)} could not be migrated; see \`npm run ops -- shard:list\`` };
  }
  // The intent first: a crash anywhere from here to the registration leaves a row shard:cleanup
  // finds (with the provider's id as soon as it answers), and success clears it.
  const cleanup = new ShardCleanupStore(deps.catalog);
  const intent = await cleanup.intend({ shardName: req.name, provider: req.provider });
  let db: ProvisionedDatabase;
  try {
    db = await provisionOrExplain(provisioner, { ...req, onCreated: (remoteId) => cleanup.located(intent, { remoteId }) });
  } catch (e) {
    const left = e instanceof AppError && e.cause instanceof LeftOverDatabaseError ? e.cause : undefined;
    if (left) {
      await cleanup.failed(intent, left.message);
      throw new AppError('conflict', `shard ${req.name} was not registered: ${left.message}; ${CLEANUP_HINT}`, { cause: left });
    }
    // Nothing was created, or the provisioner deleted it again.
    await cleanup.done(intent);
    throw e;
  }
  let version: number;
  try {
    await cleanup.located(intent, { remoteId: db.remoteId ?? db.url, url: db.url });
    checkShardUrl(db.url, urlPolicy(deps.config));
    version = await migrateAndCheck(db);
    await deps.registry.insert({ ...recordOf(deps, req, db), schemaVersion: version });
  } catch (e) {
    const reason = publicReason(e, db.url);
    const outcome = await undo(cleanup, intent, provisioner, db, reason);
    throw new AppError('conflict', `shard ${req.name} was not registered: ${reason}; ${outcome}`, { cause: e });
  }
  // Registered: the intent is spent (were this to fail, shard:cleanup sees the registration and keeps the database).
  await cleanup.done(intent);
  return { name: req.name, ok: true, version };
}

/** The provisioner's database, or its failure as an AppError whose cause is the ProvisionError. */
async function provisionOrExplain(provisioner: Provisioner, req: ProvisionRequest & { onCreated?: (remoteId: string) => Promise<void> }): Promise<ProvisionedDatabase> {
  try {
    return await provisioner.provision(req.name, { ...(req.region ? { region: req.region } : {}), ...(req.onCreated ? { onCreated: req.onCreated } : {}) });
  } catch (e) {
    if (e instanceof ProvisionError) throw new AppError(e.reason === 'not_configured' || e.reason === 'unknown_region' ? 'invalid_request' : 'conflict', e.message, { cause: e });
    throw e;
  }
}

function recordOf(deps: ProvisionDeps, req: ProvisionRequest, db: ProvisionedDatabase) {
  const sealedToken = db.authToken ? deps.keyring.sealSecret(db.authToken, shardTokenContext(req.name)) : null;
  return { name: req.name, provider: req.provider, url: db.url, sealedToken, dedicated: req.dedicated, remoteId: db.remoteId ?? null };
}
