// The text search walks an event in keyset pages of (id, quantity, envelope tail), fetches
// envelopes only for rows the session has not opened, and whole rows only for the page shown.
// A tiny page size makes a 40-row event cross many walk pages, in both directions, with
// filters, and with rows of another event interleaved on the same shard.
import { ActivityLogStore } from '../../src/shards/tables/activity-log';
import { AttendeeStore } from '../../src/shards/tables/attendee-store';
import { AttendeeService } from '../../src/bookings/attendee-service';
import { DecryptedContacts } from '../../src/bookings/decrypted-contacts';
import { createEventFixture, createOrganiserFixture, type OrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('attendee search across many walk pages', () => {
  let app: TestApp;
  let org: OrganiserFixture;
  let service: AttendeeService;
  let contacts: DecryptedContacts;
  const N = 40;

  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrganiserFixture(app.services);
    await createEventFixture(app.services, org.id, { slug: 'walk', name: 'Walk', capacity: 200, maxPerPurchase: 4 });
    await createEventFixture(app.services, org.id, { slug: 'other', name: 'Other', capacity: 200, maxPerPurchase: 4 });
    for (let i = 0; i < N; i++) {
      const name = i % 3 === 0 ? `Rosa Parks ${i}` : `Guest ${i}`;
      expect((await postJson(app.baseUrl, '/api/v1/events/walk/bookings', { name, email: `b${i}@example.com`, quantity: (i % 4) + 1 })).status).toBe(201);
      expect((await postJson(app.baseUrl, '/api/v1/events/other/bookings', { name: `Rosa Other ${i}`, email: `o${i}@example.com`, quantity: 1 })).status).toBe(201);
    }
    const { infra, bookings } = app.services;
    contacts = new DecryptedContacts();
    service = new AttendeeService({ keyring: infra.keyring, config: infra.config, events: bookings.events, attendees: new AttendeeStore(infra.router), log: new ActivityLogStore(infra.router), contacts, walkChunk: 7 });
  });
  afterAll(async () => {
    contacts.close();
    await app.close();
  });

  const rosas = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === 0);

  it('finds every match in order, oldest or newest first, with totals, only from its own event', async () => {
    const oldest = await service.search(org.id, 'walk', org.privateKey, { filter: {}, q: 'rosa', perPage: 100, scope: 's1' });
    expect(oldest.attendees.map((a) => a.name)).toEqual(rosas.map((i) => `Rosa Parks ${i}`));
    expect(oldest.total).toEqual({ bookings: rosas.length, tickets: rosas.reduce((n, i) => n + (i % 4) + 1, 0) });
    expect(oldest.attendees.every((a) => a.ticketUrl.includes('/t/') && a.email.endsWith('@example.com'))).toBe(true);

    const newest = await service.search(org.id, 'walk', org.privateKey, { filter: {}, q: 'ROSA', sort: '-created', perPage: 100, scope: 's1' });
    expect(newest.attendees.map((a) => a.name)).toEqual(rosas.map((i) => `Rosa Parks ${i}`).reverse());
  });

  it('pages through matches, stopping early when the page is full, and sorts by name and quantity', async () => {
    const p2 = await service.search(org.id, 'walk', org.privateKey, { filter: {}, q: 'guest', perPage: 5, page: 2, scope: 's2' });
    const guests = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 !== 0);
    expect(p2.attendees.map((a) => a.name)).toEqual(guests.slice(5, 10).map((i) => `Guest ${i}`));
    expect(p2.hasMore).toBe(true);
    expect(p2.total).toBeNull(); // stopped before the end of the list

    const byQty = await service.search(org.id, 'walk', org.privateKey, { filter: {}, q: 'rosa', sort: '-quantity', perPage: 3, scope: 's2' });
    const expected = [...rosas].sort((a, b) => ((b % 4) + 1) - ((a % 4) + 1) || b - a).slice(0, 3);
    expect(byQty.attendees.map((a) => a.name)).toEqual(expected.map((i) => `Rosa Parks ${i}`));
    expect(byQty.total?.bookings).toBe(rosas.length);
  });

  it('gives the same answers from the session’s memory, and applies SQL filters during the walk', async () => {
    const before = contacts.hits;
    const again = await service.search(org.id, 'walk', org.privateKey, { filter: {}, q: 'rosa', perPage: 100, scope: 's1' });
    expect(again.attendees.map((a) => a.name)).toEqual(rosas.map((i) => `Rosa Parks ${i}`));
    expect(contacts.hits - before).toBe(N);

    const none = await service.search(org.id, 'walk', org.privateKey, { filter: { checkedIn: true }, q: 'rosa', perPage: 100, scope: 's1' });
    expect(none.attendees).toEqual([]);
    expect(none.total).toEqual({ bookings: 0, tickets: 0 });
  });
});
