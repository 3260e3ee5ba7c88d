// A session's copy of an event's walk (DecryptedContacts.walkCopy) lives in the session's
// group: never visible to another scope or event, forgotten with the group, and counted in
// the same row bound as the decrypted rows.
import { DecryptedContacts } from '../../../src/bookings/decrypted-contacts';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, quantity: 1, tail: `t${i}` }));
const copy = (n: number, changes = 0) => ({ shard: 'shard-a', generation: 1, changes, rows: rows(n), opened: [] });

describe('a session’s copy of the walk', () => {
  let now = 1_000_000;
  let c: DecryptedContacts;
  beforeEach(() => {
    now = 1_000_000;
    c = new DecryptedContacts({ ttlSeconds: 600, maxEntries: 5, now: () => now });
  });
  afterEach(() => c.close());

  it('is served only to its scope and event', () => {
    c.setWalkCopy('s1', 7, copy(3));
    expect(c.walkCopy('s1', 7)?.rows).toHaveLength(3);
    expect(c.walkCopy('s2', 7)).toBeUndefined();
    expect(c.walkCopy('s1', 8)).toBeUndefined();
  });

  it('counts in the row bound, is replaced whole, and is not kept past the bound', () => {
    c.set('s1', 7, 1, 'ek1.x.y.z.envelope-tail-long-enough-000000000', { name: 'A' });
    c.setWalkCopy('s1', 7, copy(3));
    expect(c.size).toBe(4);
    c.setWalkCopy('s1', 7, copy(4, 1));
    expect(c.size).toBe(5);
    expect(c.walkCopy('s1', 7)?.changes).toBe(1);
    c.setWalkCopy('s1', 7, copy(5, 2));
    expect(c.walkCopy('s1', 7)).toBeUndefined();
    expect(c.size).toBe(1);
  });

  it('is forgotten with its group', () => {
    c.setWalkCopy('s1', 7, copy(2));
    now += 600_000;
    expect(c.walkCopy('s1', 7)).toBeUndefined();
    expect(c.size).toBe(0);
  });
});
