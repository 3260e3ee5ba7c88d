import { DecryptedContacts, envelopeTail } from '../../../src/bookings/decrypted-contacts';

const env = (v: string) => `ek1.wrapped.iv.ct.${v.padStart(40, 'x')}`;

describe('decrypted contacts kept per session and event', () => {
  let now = 1_000_000;
  let c: DecryptedContacts;
  beforeEach(() => {
    now = 1_000_000;
    c = new DecryptedContacts({ ttlSeconds: 600, maxEntries: 3, now: () => now });
  });
  afterEach(() => c.close());

  it('serves a row only to its scope and event, and only for the same envelope', () => {
    c.set('s1', 7, 1, env('a'), { name: 'Ada Lovelace', email: 'ADA@example.com' });
    expect(c.get('s1', 7, 1, env('a'))).toEqual({ name: 'Ada Lovelace', email: 'ADA@example.com' });
    expect(c.rowsOf('s1', 7).get(1, envelopeTail(env('a')))?.haystack).toBe('ada lovelace\nada@example.com');
    expect(c.get('s2', 7, 1, env('a'))).toBeUndefined();
    expect(c.get('s1', 8, 1, env('a'))).toBeUndefined();
    expect(c.get('s1', 7, 1, env('b'))).toBeUndefined();
    expect(c.hits).toBe(2);
  });

  it('forgets a group ten minutes after its last use', () => {
    c.set('s1', 7, 1, env('a'), { name: 'A' });
    now += 599_000;
    expect(c.get('s1', 7, 1, env('a'))).toBeDefined();
    now += 599_000;
    expect(c.get('s1', 7, 1, env('a'))).toBeDefined();
    now += 600_000;
    expect(c.get('s1', 7, 1, env('a'))).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('holds at most maxEntries rows; an update of a held row still lands', () => {
    for (let i = 1; i <= 4; i++) c.set('s1', 7, i, env(`v${i}`), { name: `N${i}` });
    expect(c.size).toBe(3);
    expect(c.get('s1', 7, 4, env('v4'))).toBeUndefined();
    c.set('s1', 7, 1, env('new'), { name: 'Renamed' });
    expect(c.size).toBe(3);
    expect(c.get('s1', 7, 1, env('new'))).toEqual({ name: 'Renamed' });
    expect(c.get('s1', 7, 1, env('v1'))).toBeUndefined();
  });
});
