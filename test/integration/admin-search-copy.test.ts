// A session keeps a copy of what a text search walks (id, quantity, envelope tail of every
// row). A warm search reads the event's change counter and only the rows added since; an edit,
// a new quantity or a deletion bumps the counter (shard migration 0014), so the next search
// reads everything again and never shows a stale name or a removed attendee. Check-ins are
// not walked: the page shown is read whole, so its state is current without a re-read.
import type { KeyObject } from 'node:crypto';
import { AppError } from '../../src/errors';
import { ActivityLogStore } from '../../src/shards/tables/activity-log';
import { AttendeeAdminStore } from '../../src/shards/tables/attendee-admin-store';
import { AttendeeStore } from '../../src/shards/tables/attendee-store';
import { AttendeeService, type AttendeeSearch } from '../../src/bookings/attendee-service';
import { DecryptedContacts } from '../../src/bookings/decrypted-contacts';
import { createEventFixture, createOrganiserFixture, type OrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('attendee search from a session’s copy of the walk', () => {
  let app: TestApp;
  let org: OrganiserFixture;
  let store: AttendeeStore;
  let service: AttendeeService;
  let contacts: DecryptedContacts;
  const N = 30;
  const actor = () => ({ organiserId: org.id, userId: 1 });

  const book = async (slug: string, name: string, quantity = 1) => {
    const res = await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name, email: `${name.replace(/\W/g, '').toLowerCase()}@example.com`, quantity });
    expect(res.status).toBe(201);
  };
  /** The names found and how many walk rows the search read from the shard. */
  const search = async (q: string, scope: string, more: Partial<AttendeeSearch> = {}) => {
    const before = store.walkedRows;
    const page = await service.search(org.id, 'copy', org.privateKey, { filter: {}, q, perPage: 100, scope, ...more });
    return { names: page.attendees.map((a) => a.name), read: store.walkedRows - before, page };
  };
  const idOf = async (name: string) => (await search(name, 'lookup')).page.attendees.find((a) => a.name === name)!.id;

  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrganiserFixture(app.services);
    await createEventFixture(app.services, org.id, { slug: 'copy', name: 'Copy', capacity: 500, maxPerPurchase: 4 });
    await createEventFixture(app.services, org.id, { slug: 'noise', name: 'Noise', capacity: 500, maxPerPurchase: 4 });
    for (let i = 0; i < N; i++) {
      await book('copy', i % 5 === 0 ? `Rosa Parks ${i}` : `Guest ${i}`, (i % 3) + 1);
      await book('noise', `Rosa Noise ${i}`);
    }
    const { infra, bookings } = app.services;
    store = new AttendeeStore(infra.router);
    contacts = new DecryptedContacts();
    service = new AttendeeService({ keyring: infra.keyring, config: infra.config, events: bookings.events, attendees: store, log: new ActivityLogStore(infra.router), contacts, walkChunk: 7 });
  });
  afterAll(async () => {
    contacts.close();
    await app.close();
  });

  const rosas = Array.from({ length: N }, (_, i) => i).filter((i) => i % 5 === 0).map((i) => `Rosa Parks ${i}`);

  it('reads every row once, then only the rows added since', async () => {
    const cold = await search('rosa', 's1');
    expect(cold.names).toEqual(rosas);
    expect(cold.read).toBe(N);

    const warm = await search('rosa', 's1');
    expect(warm.names).toEqual(rosas);
    expect(warm.read).toBe(0);
    expect(warm.page.total).toEqual({ bookings: rosas.length, tickets: [0, 5, 10, 15, 20, 25].reduce((n, i) => n + (i % 3) + 1, 0) });

    await book('copy', 'Rosa Newcomer', 2);
    await book('copy', 'Guest Late');
    await book('noise', 'Rosa Elsewhere');
    const added = await search('rosa', 's1');
    expect(added.names).toEqual([...rosas, 'Rosa Newcomer']);
    expect(added.read).toBe(2);

    const newest = await search('rosa', 's1', { sort: '-created', perPage: 2 });
    expect(newest.names).toEqual(['Rosa Newcomer', rosas[rosas.length - 1]]);
    expect(newest.read).toBe(0);
  });

  it('keeps each session’s copy apart: another session reads every row itself', async () => {
    const other = await search('rosa', 's2');
    expect(other.names).toEqual([...rosas, 'Rosa Newcomer']);
    expect(other.read).toBe(N + 2);
  });

  it('shows an edited name after a warm search, never the old one', async () => {
    const id = await idOf('Rosa Parks 10');
    expect((await search('rosa', 's1')).read).toBe(0);
    await app.services.bookings.attendeeAdmin.edit(actor(), 'copy', id, { name: 'Renamed Person' }, org.privateKey);
    const after = await search('rosa', 's1');
    expect(after.names).not.toContain('Rosa Parks 10');
    expect(after.read).toBe(N + 2);
    expect((await search('renamed', 's1')).names).toEqual(['Renamed Person']);
  });

  it('drops a deleted attendee, and counts a new quantity in the totals', async () => {
    const gone = await idOf('Rosa Parks 20');
    const changed = await idOf('Rosa Parks 0');
    expect((await search('rosa', 's1')).read).toBe(0);
    await app.services.bookings.attendeeAdmin.remove(actor(), 'copy', gone);
    const after = await search('rosa', 's1');
    expect(after.names).not.toContain('Rosa Parks 20');
    expect(after.read).toBe(N + 1);

    await app.services.bookings.attendeeAdmin.edit(actor(), 'copy', changed, { quantity: 4 }, org.privateKey);
    const totals = await search('rosa', 's1');
    expect(totals.read).toBe(N + 1);
    expect(totals.page.attendees.find((a) => a.id === changed)?.quantity).toBe(4);
    expect(totals.page.total?.tickets).toBe(totals.page.attendees.reduce((n, a) => n + a.quantity, 0));
  });

  it('shows a check-in made after a warm search without reading the walk again', async () => {
    const before = await search('newcomer', 's1');
    expect(before.read).toBe(0);
    const attendee = before.page.attendees[0]!;
    expect(attendee.checkedIn).toBe(false);
    expect((await app.services.bookings.checkIn.checkIn(org.id, attendee.ticketToken)).status).toBe('checked_in');
    const after = await search('newcomer', 's1');
    expect(after.page.attendees[0]!.checkedIn).toBe(true);
    expect(after.read).toBe(0);
  });

  it('finds a row put back under its old id (a move undone)', async () => {
    const entry = await app.services.bookings.events.entryFor(org.id, 'copy');
    const id = await idOf('Rosa Parks 5');
    const admin = new AttendeeAdminStore(app.services.infra.router);
    const row = await admin.remove(entry, id, null, new Date().toISOString(), null, 'moved');
    expect(row).toBeDefined();
    expect((await search('rosa', 's1')).names).not.toContain('Rosa Parks 5');
    await admin.restore(entry, row!, new Date().toISOString());
    const back = await search('rosa', 's1');
    expect(back.names).toContain('Rosa Parks 5');
    expect(back.read).toBe(N + 1);
  });

  it('reads only as far as a first page needs, and the rest on the next search', async () => {
    const all = await search('rosa', 'p-all');
    // Oldest first, 5 a page: rows 0-6 hold 5 guests, one more chunk tells whether there are more.
    const early = await search('guest', 'p1', { perPage: 5 });
    expect(early.names).toHaveLength(5);
    expect(early.page.hasMore).toBe(true);
    expect(early.read).toBe(14);
    const rest = await search('rosa', 'p1');
    expect(rest.names).toEqual(all.names);
    expect(rest.read).toBe(all.read - 14);
    expect((await search('rosa', 'p1')).read).toBe(0);
  });

  it('opens the organiser key once for a cold session, and not at all for a search from memory', async () => {
    let opened = 0;
    const opener = () => {
      opened++;
      return org.privateKey;
    };
    const run = (scope: string, key: () => KeyObject) => service.search(org.id, 'copy', key, { filter: {}, q: 'rosa', perPage: 100, scope });
    await run('k1', opener);
    expect(opened).toBe(1);
    expect((await run('k1', opener)).attendees.length).toBeGreaterThan(0);
    expect(opened).toBe(1);
    // A cold session whose key does not open is refused, even before any row needs decrypting.
    await expect(run('k2', () => { throw new AppError('forbidden', 'no key for you'); })).rejects.toThrow('no key for you');
  });
});
