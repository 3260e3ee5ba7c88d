import { provisionShard } from '../../src/fleet/provision-shard';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** A local shard has exactly one writer thread, however many callers ask for it first at once. */
describe('shard writer threads', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await provisionShard(app.services.infra, { name: 'fresh-1', provider: 'local', dedicated: false });
  });
  afterAll(() => app.close());

  it('gives simultaneous first callers the same writer', async () => {
    const record = (await app.services.infra.registry.get('fresh-1'))!;
    const writers = await Promise.all(Array.from({ length: 5 }, () => app.services.infra.pool.writerDb(record)));
    expect(new Set(writers).size).toBe(1);
    // And it works: one writer commits what it is given.
    await writers[0]!.execute('CREATE TABLE IF NOT EXISTS pool_probe (id INTEGER PRIMARY KEY)');
    await writers[0]!.execute('INSERT INTO pool_probe DEFAULT VALUES');
    expect((await writers[0]!.execute('SELECT COUNT(*) AS n FROM pool_probe')).rows[0]!.n).toBe(1);
  });
});
