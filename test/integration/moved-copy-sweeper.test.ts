import { moveEvent } from '../../src/fleet/event-mover';
import { MovedCopySweeper } from '../../src/fleet/moved-copy-sweeper';
import { provisionShard } from '../../src/fleet/provision-shard';
import { purgeMovedCopy } from '../../src/shards/tables/event-copy';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

const HOUR_MS = 3_600_000;

/** A moved event's old copy is purged once MOVED_COPY_RETENTION_HOURS have passed, not before. */
describe('purging moved copies later', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await provisionShard(app.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await app.services.infra.router.refresh();
  });
  afterAll(() => app.close());

  const count = async (shard: string, sql: string, id: number) => Number((await (await app.services.infra.router.db(shard)).execute({ sql, args: [id] })).rows[0]!.n);
  const attendeesOn = (shard: string, id: number) => count(shard, 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', id);

  async function movedEvent(slug: string, bookings: number): Promise<number> {
    const org = await createOrganiserFixture(app.services, `${slug}-org`);
    await createEventFixture(app.services, org.id, { slug, name: slug, capacity: 500, shard: 'shared-1' });
    for (let i = 0; i < bookings; i++) expect((await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `P ${i}`, email: `p${i}@example.com`, quantity: 1 })).status).toBe(201);
    await moveEvent(app.services.infra, slug, 'shared-2');
    return (await app.services.infra.directory.fresh(slug))!.id;
  }

  it('keeps the copy until the retention has passed, then leaves only the tombstone', async () => {
    const id = await movedEvent('sweep-gig', 12);
    expect(await attendeesOn('shared-1', id)).toBe(12);
    const sweeper = new MovedCopySweeper(app.services.infra, 24);
    expect(await sweeper.sweep(Date.now() + 23 * HOUR_MS)).toBe(0);
    expect(await attendeesOn('shared-1', id)).toBe(12);

    expect(await sweeper.sweep(Date.now() + 25 * HOUR_MS)).toBe(1);
    expect(await attendeesOn('shared-1', id)).toBe(0);
    expect(await count('shared-1', "SELECT COUNT(*) AS n FROM events WHERE id = ? AND state = 'moved'", id)).toBe(1);
    // The live copy is untouched, and the event still sells where it lives now.
    expect(await attendeesOn('shared-2', id)).toBe(12);
    expect((await postJson(app.baseUrl, '/api/v1/events/sweep-gig/bookings', { name: 'After', email: 'after@example.com', quantity: 1 })).status).toBe(201);
    expect(await attendeesOn('shared-2', id)).toBe(13);
    // Nothing left to do: a second pass purges nothing.
    expect(await sweeper.sweep(Date.now() + 26 * HOUR_MS)).toBe(0);
  });

  it('purges in short chunks until every row is gone, and never a copy that is not moved', async () => {
    const id = await movedEvent('chunk-gig', 23);
    const old = await app.services.infra.router.db('shared-1');
    expect(await purgeMovedCopy(old, id, 5)).toBe(true);
    expect(await attendeesOn('shared-1', id)).toBe(0);
    expect(await count('shared-1', 'SELECT COUNT(*) AS n FROM activity_log WHERE event_id = ?', id)).toBe(0);
    // The live copy is not 'moved': refused, every row kept.
    expect(await purgeMovedCopy(await app.services.infra.router.db('shared-2'), id, 5)).toBe(false);
    expect(await attendeesOn('shared-2', id)).toBe(23);
  });
});
