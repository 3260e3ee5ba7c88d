import http from 'node:http';
import { createEventFixture, createOrganiserFixture } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * A quiet event's buyer is not held up by a burst of another event's buyers in the same
 * process (admission/fair-turns), and the turns lose or add nothing.
 */
describe('booking in turns across events', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrganiserFixture(app.services);
    await createEventFixture(app.services, org.id, { slug: 'hot-show', name: 'Hot show', capacity: 1000, maxPerPurchase: 4 });
    await createEventFixture(app.services, org.id, { slug: 'quiet-talk', name: 'Quiet talk', capacity: 100, maxPerPurchase: 4 });
  });

  /**
   * Bookings over keep-alive connections opened before the burst (as buyers' browsers hold
   * them), so a burst reaches the server at once rather than one TCP connect at a time.
   */
  const hotAgent = new http.Agent({ keepAlive: true, maxSockets: 150 });
  const quietAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  afterAll(async () => {
    hotAgent.destroy();
    quietAgent.destroy();
    await app.close();
  });
  const send = (agent: http.Agent, method: string, path: string, json?: unknown) =>
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, asserted field by field
    new Promise<{ status: number; body: Record<string, any> }>((resolve, reject) => {
      const body = json === undefined ? '' : JSON.stringify(json);
      const headers = json === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = http.request(`${app.baseUrl}${path}`, { method, agent, headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const book = (agent: http.Agent, slug: string, i: number, quantity: number) =>
    send(agent, 'POST', `/api/v1/events/${slug}/bookings`, { name: `Buyer ${i}`, email: `b-${slug}-${i}@example.com`, quantity });

  it('answers the quiet event early in a burst of the hot one, and sells exactly what it confirms', async () => {
    await Promise.all(Array.from({ length: 150 }, () => send(hotAgent, 'GET', '/api/v1/events/hot-show')));
    // Both events booked lately: the process takes turns.
    expect((await book(hotAgent, 'hot-show', 0, 1)).status).toBe(201);
    expect((await book(quietAgent, 'quiet-talk', 0, 1)).status).toBe(201);

    const finished: string[] = [];
    const track = <T>(label: string, p: Promise<T>) =>
      p.then((r) => {
        finished.push(label);
        return r;
      });
    const hot = Array.from({ length: 150 }, (_, i) => track('hot', book(hotAgent, 'hot-show', i + 1, (i % 4) + 1)));
    // The quiet buyer asks once the hot burst is waiting in the process (or, without turns,
    // once it has been answered): it must not wait behind the burst.
    const turns = app.services.bookings.turns;
    while (turns.depth < 100 && finished.length < 150) await new Promise((r) => setImmediate(r));
    // Operators see the queue of turns in /metrics.
    expect((await app.services.infra.metrics.bookingTurnsWaiting.get()).values[0]!.value).toBe(turns.depth);
    const quiet = track('quiet', book(quietAgent, 'quiet-talk', 1, 2));
    const answers = await Promise.all([...hot, quiet]);

    expect(answers.every((r) => r.status === 201)).toBe(true);
    // Its turn comes after at most one more hot request; the burst is still being served.
    expect(finished.indexOf('quiet')).toBeLessThan(50);

    const sold = async (slug: string) => {
      const entry = (await app.services.infra.directory.resolve(slug))!;
      const db = await app.services.infra.router.db(entry.shard);
      const ev = (await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
      const att = (await db.execute({ sql: 'SELECT COUNT(*) AS n, SUM(quantity) AS q FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
      return { sold: Number(ev.sold), rows: Number(att.n), tickets: Number(att.q) };
    };
    const hotTickets = 1 + answers.slice(0, 150).reduce((n, r) => n + r.body.booking.tickets[0].quantity, 0);
    expect(await sold('hot-show')).toEqual({ sold: hotTickets, rows: 151, tickets: hotTickets });
    expect(await sold('quiet-talk')).toEqual({ sold: 3, rows: 2, tickets: 3 });
    expect(turns.depth).toBe(0);
    expect((await app.services.infra.metrics.bookingTurnsWaiting.get()).values[0]!.value).toBe(0);
  });
});
