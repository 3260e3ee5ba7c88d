// Finding 9: deliberate headersTimeout, requestTimeout and keepAliveTimeout, and a connection
// cap, tested with real slow sockets against the real server (short values via env).
import { connect, type Socket } from 'node:net';
import { loadConfig } from '../../../src/config/load-config';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(60_000);

/** Resolves with the ms until the server closes the socket (and whatever it sent). */
function openSocket(port: number): Promise<{ socket: Socket; closed: Promise<{ afterMs: number; data: string }> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let data = '';
    socket.on('data', (d) => {
      data += d.toString();
    });
    const closed = new Promise<{ afterMs: number; data: string }>((r) => socket.on('close', () => r({ afterMs: Date.now() - started, data })));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

describe('slow clients', () => {
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await startTestApp({ HTTP_HEADERS_TIMEOUT_MS: '600', HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_KEEPALIVE_TIMEOUT_MS: '400', HTTP_MAX_CONNECTIONS: '20' });
    port = Number(new URL(app.baseUrl).port);
  });
  afterAll(() => app.close());

  it('applies the configured timeouts to the server', () => {
    expect(app.server.headersTimeout).toBe(600);
    expect(app.server.requestTimeout).toBe(1500);
    expect(app.server.keepAliveTimeout).toBe(400);
    expect(app.server.maxConnections).toBe(20);
  });

  it('drops a client that trickles its headers (slowloris)', async () => {
    const { socket, closed } = await openSocket(port);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    const { afterMs, data } = await closed;
    clearInterval(drip);
    expect(afterMs).toBeLessThan(5_000);
    expect(data).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('drops a client that trickles its body past the request timeout', async () => {
    const { socket, closed } = await openSocket(port);
    socket.write('POST /api/v1/events/x/bookings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const drip = setInterval(() => socket.writable && socket.write(' '), 100);
    const { afterMs } = await closed;
    clearInterval(drip);
    expect(afterMs).toBeLessThan(6_000);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    const { socket, closed } = await openSocket(port);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const { afterMs, data } = await closed;
    expect(data).toMatch(/^HTTP\/1\.1 200/);
    expect(afterMs).toBeLessThan(3_000);
  });

  it('defaults to 10 s, 30 s and 5 s and a connection cap', () => {
    const c = loadConfig({ NODE_ENV: 'test', ROOT_KEY: Buffer.alloc(32, 1).toString('base64'), DATA_DIR: app.dataDir }, () => {});
    expect(c.http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1024 });
  });
});

describe('connection cap', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ HTTP_MAX_CONNECTIONS: '2' });
  });
  afterAll(() => app.close());

  it('refuses connections past server.maxConnections', async () => {
    const port = Number(new URL(app.baseUrl).port);
    const held = [await openSocket(port), await openSocket(port)];
    const third = await openSocket(port);
    const { afterMs } = await third.closed;
    expect(afterMs).toBeLessThan(2_000);
    for (const h of held) h.socket.destroy();
  });
});
