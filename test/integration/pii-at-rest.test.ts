// After real bookings, no database file (WAL included) and no log line holds an attendee's
// name, email, phone or address in plaintext, nor the ROOT_KEY.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createTenant, request } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

const people = [
  { name: 'Zebedee Quixotic', email: 'zebedee.quixotic@example.org', phone: '+44 7700 900123', address: '42 Wallaby Way, Sydney' },
  { name: 'Ottoline Marchbanks', email: 'ottoline.marchbanks@example.net', phone: '07700 900456', address: '221B Baker Street' },
];

describe('PII at rest', () => {
  let app: TestApp;
  const logs: string[] = [];

  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
    app = await startTestApp({}, { logStream: stream });
    const t = await createTenant(app, 'pii-org');
    // A webhook URL that refuses connections: the outbox keeps its (sealed) payload on disk.
    for (const slug of ['pii-a', 'pii-b']) {
      const r = await request(app.baseUrl, '/api/v1/admin/events', {
        token: t.token,
        json: { slug, name: slug, capacity: 50, fields: ['email', 'phone', 'address'], webhookUrl: 'http://127.0.0.1:9/unreachable' },
      });
      expect(r.status).toBe(201);
    }
    for (const p of people) {
      expect((await postJson(app.baseUrl, '/api/v1/events/pii-a/bookings', { ...p, quantity: 1 })).status).toBe(201);
    }
    const multi = await postJson(app.baseUrl, '/api/v1/bookings', { items: [{ slug: 'pii-a', quantity: 1 }, { slug: 'pii-b', quantity: 1 }], attendee: people[0] });
    expect(multi.status).toBe(201);
    // A rejected booking must not leak the value it rejected either.
    await postJson(app.baseUrl, '/api/v1/events/pii-a/bookings', { ...people[1], email: 'not-an-email Ottoline', quantity: 1 });
    const list = await request(app.baseUrl, '/api/v1/admin/events/pii-a/attendees', { token: t.token });
    expect(JSON.stringify(list.json)).toContain('Zebedee Quixotic'); // the owner can read them
  });
  afterAll(() => app.close());

  const needles = () => [
    ...people.flatMap((p) => [p.name, p.email, p.phone, p.address]),
    app.config.rootKey.toString('base64'),
  ];

  const databaseFiles = () => readdirSync(app.dataDir).filter((f) => /\.db(-wal|-shm)?$/.test(f)).map((f) => path.join(app.dataDir, f));

  it('finds no attendee detail and no ROOT_KEY in any database file, WAL included', () => {
    const files = databaseFiles();
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const needle of needles()) {
        expect({ file: path.basename(file), found: bytes.includes(Buffer.from(needle, 'utf8')) }).toEqual({ file: path.basename(file), found: false });
      }
      expect(bytes.includes(app.config.rootKey)).toBe(false);
    }
  });

  it('writes no attendee detail into the logs', () => {
    const text = logs.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const needle of needles()) expect(text.includes(needle)).toBe(false);
  });
});
