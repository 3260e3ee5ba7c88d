import { provisionShard } from '../../src/fleet/provision-shard';
import { type HranaServer, startHranaServer } from '../support/hrana';
import { makeTempDir } from './temp-dir';
import { startTestApp, type TestApp } from './test-app';

export interface RemoteTestApp extends TestApp {
  hrana: HranaServer;
  /** Name of the shard registered (as `static`) on the Hrana server. */
  remoteShard: string;
  /** Its bearer token in plaintext (the catalog holds it only sealed). */
  remoteToken: string;
  /** The catalog's bearer token on the Hrana server (a second app process can share the catalog). */
  catalogToken: string;
}

/**
 * The real app with its catalog on a Hrana-over-HTTP server and one extra shard there too,
 * registered as a `static` shard: every remote call goes through @libsql/client over HTTP.
 * `shared-1` stays a local file, so tests can move events between the two kinds.
 */
export async function startRemoteTestApp(
  env: Record<string, string> = {},
  opts: { remoteShard?: string; dedicated?: boolean; logStream?: NodeJS.WritableStream } = {},
): Promise<RemoteTestApp> {
  const tmp = makeTempDir('hrana-app-');
  const hrana = await startHranaServer({ dir: tmp.dir });
  const catalog = hrana.createDatabase('catalog');
  let app: TestApp;
  try {
    app = await startTestApp({ CATALOG_URL: catalog.url, CATALOG_AUTH_TOKEN: catalog.authToken, ...env }, opts.logStream ? { logStream: opts.logStream } : {});
  } catch (e) {
    await hrana.close();
    tmp.cleanup();
    throw e;
  }
  const remoteShard = opts.remoteShard ?? 'remote-1';
  const db = hrana.createDatabase(remoteShard);
  const result = await provisionShard(app.services.infra, {
    name: remoteShard,
    provider: 'static',
    dedicated: opts.dedicated ?? false,
    url: db.url,
    authToken: db.authToken,
  });
  if (!result.ok) throw new Error(`remote shard did not migrate: ${result.error}`);
  await app.services.infra.router.refresh();
  return {
    ...app,
    hrana,
    remoteShard,
    remoteToken: db.authToken,
    catalogToken: catalog.authToken,
    async close() {
      await app.close();
      await hrana.close();
      tmp.cleanup();
    },
  };
}
