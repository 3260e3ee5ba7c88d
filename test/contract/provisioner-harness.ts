import { readMigrations } from '../../src/db/migrator';
import { migrationsDir } from '../../src/lib/paths';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type HranaServer, startHranaServer } from '../support/hrana';

export const SHARD_VERSION = readMigrations(migrationsDir('shard')).length;

/** A Hrana server for the stand-ins to hand databases out on, and the app built with `env(hrana)`. */
export async function startProvisionerHarness<S extends { close(): Promise<void> }>(
  makeStandin: (hrana: HranaServer) => Promise<S>,
  env: (standin: S) => Record<string, string>,
): Promise<{ app: TestApp; hrana: HranaServer; standin: S; close(): Promise<void> }> {
  const tmp = makeTempDir('provisioner-');
  const hrana = await startHranaServer({ dir: tmp.dir });
  const standin = await makeStandin(hrana);
  const app = await startTestApp(env(standin));
  return {
    app,
    hrana,
    standin,
    async close() {
      await app.close();
      await standin.close();
      await hrana.close();
      tmp.cleanup();
    },
  };
}

export async function failure(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}
