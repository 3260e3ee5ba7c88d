import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Client } from '@libsql/client';
import { openCatalog } from '../../../src/catalog/catalog-db';
import { FleetJobs, INTERRUPTED } from '../../../src/fleet/fleet-jobs';
import type { FleetProgress } from '../../../src/fleet/fleet-service';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * Console promotions and drains live in the catalog: under WEB_CONCURRENCY=N the page's
 * refresh is answered by any process (here: a second FleetJobs on the same catalog file).
 */
describe('fleet jobs in the catalog', () => {
  const tmp = makeTempDir();
  let catalog: Client;
  let other: Client;
  beforeAll(async () => {
    const url = `file:${path.join(tmp.dir, 'catalog.db')}`;
    catalog = (await openCatalog(url)).db;
    other = (await openCatalog(url)).db;
  });
  afterAll(() => {
    catalog.close();
    other.close();
    tmp.cleanup();
  });

  it('shows a running job, its progress and its end to another process', async () => {
    const runner = new FleetJobs(catalog);
    const viewer = new FleetJobs(other);
    let step!: (p: FleetProgress) => void;
    let finish!: () => void;
    const { done } = await runner.start('promote', 'gig', (progress) => {
      step = progress;
      return new Promise<string>((resolve) => {
        finish = () => resolve('ok');
      });
    }, String);
    step({ kind: 'provisioned', shard: 'gig-hot' });
    await new Promise((r) => setTimeout(r, 50));
    expect(await viewer.running()).toBe(true);
    expect((await viewer.list())[0]).toMatchObject({ kind: 'promote', target: 'gig', state: 'running', lines: ['provisioned dedicated shard gig-hot'] });
    step({ kind: 'moved', slug: 'gig', to: 'gig-hot' });
    finish();
    await expect(done).resolves.toBe('ok');
    expect(await viewer.running()).toBe(false);
    expect((await viewer.list())[0]).toMatchObject({ state: 'done', error: null, lines: ['provisioned dedicated shard gig-hot', 'moved gig to gig-hot'] });
  });

  it('records a failure with its text', async () => {
    const jobs = new FleetJobs(catalog);
    const { done } = await jobs.start('drain', 'shared-2', async () => {
      throw new Error('no room');
    }, (e) => `refused: ${(e as Error).message}`);
    await expect(done).rejects.toThrow('no room');
    expect((await new FleetJobs(other).list())[0]).toMatchObject({ kind: 'drain', target: 'shared-2', state: 'failed', error: 'refused: no room' });
  });

  it('shows a job whose process died as interrupted, not running forever', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await catalog.execute({
      sql: "INSERT INTO fleet_jobs (kind, target, state, started_at, owner_host, owner_pid, lines) VALUES ('promote', 'crashed', 'running', ?, ?, ?, ?)",
      args: [new Date().toISOString(), hostname(), Number(gone), JSON.stringify(['provisioned dedicated shard crashed-hot'])],
    });
    // And one that names this very pid but was not started by this FleetJobs (an earlier process with the same pid).
    await catalog.execute({
      sql: "INSERT INTO fleet_jobs (kind, target, state, started_at, owner_host, owner_pid) VALUES ('drain', 'reused', 'running', ?, ?, ?)",
      args: [new Date().toISOString(), hostname(), process.pid],
    });
    const viewer = new FleetJobs(other);
    expect(await viewer.running()).toBe(false);
    const [reused, crashed] = await viewer.list();
    expect(crashed).toMatchObject({ target: 'crashed', state: 'failed', error: INTERRUPTED, lines: ['provisioned dedicated shard crashed-hot'] });
    expect(crashed!.finishedAt).not.toBeNull();
    expect(reused).toMatchObject({ target: 'reused', state: 'failed', error: INTERRUPTED });
  });

  it('keeps the 20 most recent jobs', async () => {
    const jobs = new FleetJobs(catalog);
    for (let i = 0; i < 25; i++) await (await jobs.start('drain', `s-${i}`, async () => undefined, String)).done;
    const listed = await jobs.list();
    expect(listed).toHaveLength(20);
    expect(listed[0]!.target).toBe('s-24');
    expect(Number((await catalog.execute('SELECT COUNT(*) AS n FROM fleet_jobs')).rows[0]!.n)).toBe(20);
  });
});
