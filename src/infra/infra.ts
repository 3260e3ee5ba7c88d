import type { Client } from '@libsql/client';
import { openCatalog } from '../catalog/catalog-db';
import { verifyRootKey } from '../catalog/root-key-check';
import { WebhookSecrets } from '../catalog/webhook-secrets';
import { EventDirectory } from '../catalog/event-directory';
import { OrganiserStore } from '../catalog/organiser-store';
import { ShardRegistry } from '../catalog/shard-registry';
import type { Config } from '../config/load-config';
import { createRootKeyring, type RootKeyring } from '../crypto';
import { shardTokenContext } from '../crypto/contexts';
import { migrateFleet, type ShardMigrationResult } from '../fleet/fleet-migrator';
import { provisionShard } from '../fleet/provision-shard';
import type { Logger } from '../lib/logger';
import { ShardPool } from '../shards/shard-pool';
import { ShardRouter } from '../shards/shard-router';
import { FileUndoJournal } from '../shards/undo-journal';
import path from 'node:path';
import { clusterPeers, type ClusterPeers } from './cluster-peers';
import { createMetrics, type Metrics } from './metrics';

/** Everything the app tier and the ops CLI share: catalog, shards, keys, metrics. */
export interface Infra {
  readonly config: Config;
  readonly logger: Logger;
  readonly catalog: Client;
  readonly keyring: RootKeyring;
  readonly registry: ShardRegistry;
  readonly directory: EventDirectory;
  readonly organisers: OrganiserStore;
  readonly pool: ShardPool;
  readonly router: ShardRouter;
  readonly metrics: Metrics;
  /** The other app processes under WEB_CONCURRENCY>1 (their metrics and writer figures); alone, just this one. */
  readonly peers: ClusterPeers;
  /** Organisers' webhook signing secrets and 410-disabled URLs (one cache per process). */
  readonly webhookSecrets: WebhookSecrets;
  readonly migrations: ShardMigrationResult[];
  /** Undo jobs owed to stalled shards, on disk until they ran (see shards/undo-journal). */
  readonly undoJournal: FileUndoJournal;
  close(): Promise<void>;
}

export const DEFAULT_SHARED_SHARD = 'shared-1';

/**
 * Opens the catalog (migrating it), creates `shared-1` on a blank install, migrates every
 * shard (a failing shard is marked and reported, the others carry on) and wires the router.
 */
export async function openInfra(config: Config, logger: Logger, opts: { migrationConcurrency?: number } = {}): Promise<Infra> {
  const { db: catalog } = await openCatalog(config.catalogUrl, config.catalogAuthToken);
  const keyring = createRootKeyring(config.rootKey);
  try {
    await verifyRootKey(catalog, keyring);
  } catch (e) {
    catalog.close();
    throw e;
  }
  const registry = new ShardRegistry(catalog);
  const directory = new EventDirectory(catalog);
  const organisers = new OrganiserStore(catalog);
  const webhookSecrets = new WebhookSecrets(catalog, keyring);
  const metrics = createMetrics();
  const pool = new ShardPool({
    openToken: (sealed, name) => keyring.openSecret(sealed, shardTokenContext(name)),
    simRttMs: config.simRttMs,
    simCommitMs: config.simCommitMs,
    onRoundTrip: (shard, via) => metrics.shardRoundTrips.inc({ shard, via }),
    deadlineMs: config.shardDeadlineMs,
    // Name and reason only: never the token, nor the driver's text.
    onCredentialFailure: (shard, reason) => logger.error({ shard, reason }, 'shard.credentials.refused'),
  });
  const undoJournal = new FileUndoJournal(path.join(config.dataDir, 'undo'));
  const router = new ShardRouter({
    registry,
    pool,
    undoJournal,
    mode: config.writeMode,
    maxBatch: config.coalesceMaxBatch,
    targetWaitMs: config.queueTargetWaitMs,
    maxInFlight: config.shardMaxInflight,
    simulatedLatencyMs: config.simRttMs + config.simCommitMs,
    metrics: metrics.writer,
  });

  if ((await registry.list()).length === 0) {
    await provisionShard({ registry, pool, keyring, config, catalog }, { name: DEFAULT_SHARED_SHARD, provider: 'local', dedicated: false });
  }
  const migrations = await migrateFleet(registry, pool, { concurrency: opts.migrationConcurrency ?? 4 });
  for (const m of migrations) {
    if (m.ok) metrics.shardSchema.set({ shard: m.name }, m.version);
    else logger.error({ shard: m.name, err: m.error }, 'shard.migration.failed');
  }
  await router.refresh();
  const peers = clusterPeers(async (query) => (query === 'metrics' ? metrics.registry.getMetricsAsJSON() : router.samples()));

  return {
    config,
    logger,
    catalog,
    keyring,
    registry,
    directory,
    organisers,
    pool,
    router,
    metrics,
    peers,
    migrations,
    webhookSecrets,
    undoJournal,
    async close() {
      peers.close();
      await router.drain();
      webhookSecrets.close();
      directory.close();
      organisers.close();
      pool.closeAll();
      catalog.close();
    },
  };
}
