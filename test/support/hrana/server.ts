import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type DatabaseStats, Namespace } from './database';
import { StreamError } from './errors';
import { handleStreamRequest } from './executor';
import { FaultPlan, type Faults, sleep } from './faults';
import { type HranaVersion, type PipelineRespBody, ProtocolError, parsePipelineBody, type StreamResult } from './protocol';
import { type Stream, StreamRegistry } from './stream';

/*
 * Choosing the database. sqld picks a namespace from the Host header's first label
 * (`<db>.<domain>`), but a test cannot rely on that here: Node's fetch does not resolve
 * `concert-1.localhost` on this Linux (getaddrinfo answers ENOTFOUND; only systemd-resolved
 * maps *.localhost), and @libsql/client sends requests to exactly the URL it was given. So every
 * database shares the server's URL and gets its own bearer token, and the token selects the
 * database. That is also how the app meets production: one URL and one token per shard.
 * An unknown token answers 401; the token of a deleted database answers as sqld does for a
 * namespace that does not exist (error.rs NamespaceDoesntExist: 400 JSON {"error"}), so "this
 * shard is gone" and "these credentials are wrong" stay distinguishable.
 */

export interface HranaServerOptions {
  /** Folder for the database files (`<name>.db`); created if missing. */
  dir: string;
  /** Idle streams (and the transactions they hold) are dropped after this; default 10 s as sqld. */
  streamIdleMs?: number;
  /**
   * A transaction that has held the writer this long while another stream waits to write is
   * rolled back and the waiter goes on (its next request fails TRANSACTION_TIMEOUT); default
   * 5 s as sqld (connection_manager.rs). A waiting writer never fails SQLITE_BUSY.
   */
  transactionTimeoutMs?: number;
}

export interface DatabaseHandle {
  name: string;
  /** The URL for createClient (the same for every database of a server). */
  url: string;
  authToken: string;
  /** The libSQL file behind it, for inspection after the server is closed. */
  path: string;
}

export interface HranaServer {
  url: string;
  createDatabase(name: string): DatabaseHandle;
  deleteDatabase(name: string): void;
  /** Issues the database a new token; the old one is refused (401) from now on, as a revoked or expired token is. */
  rotateToken(name: string): string;
  listDatabases(): string[];
  setFaults(name: string, faults: Faults): void;
  clearFaults(name: string): void;
  stats(name: string): DatabaseStats;
  /** Streams currently open (parked between requests or running one). */
  openStreams(): number;
  close(): Promise<void>;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/i;

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  // The client compares content-type exactly: no charset parameter.
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHranaServer(options: HranaServerOptions): Promise<HranaServer> {
  mkdirSync(options.dir, { recursive: true });
  const registry = new StreamRegistry({ idleMs: options.streamIdleMs ?? 10_000 });
  const transactionTimeoutMs = options.transactionTimeoutMs ?? 5_000;
  const byName = new Map<string, Namespace>();
  const byToken = new Map<string, Namespace>();
  const deletedTokens = new Map<string, string>();
  let closing = false;

  function namespaceOf(name: string): Namespace {
    const ns = byName.get(name);
    if (ns === undefined) throw new Error(`No database named ${name}`);
    return ns;
  }

  /** Resolves the bearer token, or answers 401/400 itself and returns undefined. */
  function authenticate(req: http.IncomingMessage, res: http.ServerResponse): Namespace | undefined {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const token = match?.[1]?.trim();
    const ns = token === undefined ? undefined : byToken.get(token);
    if (ns !== undefined) return ns;
    const deleted = token === undefined ? undefined : deletedTokens.get(token);
    if (deleted !== undefined) {
      sendJson(res, 400, { error: `Namespace \`${deleted}\` doesn't exist` });
    } else {
      // sqld's wording and shape: JSON {"error"}; the client reports it as SERVER_ERROR, status 401.
      sendJson(res, 401, { error: `Unauthorized: \`${token === undefined ? 'no authorization header' : 'invalid token'}\`` });
    }
    return undefined;
  }

  async function refuse(res: http.ServerResponse, ns: Namespace, baton: string | null): Promise<void> {
    // An HTTP error invalidates the stream (spec): drop its transaction as a crashed primary would.
    if (baton !== null) {
      try {
        registry.close(registry.take(baton, ns));
      } catch {
        // Unknown baton: nothing to drop.
      }
    }
    if (ns.faults.faults.failWith === 'streamExpired') {
      sendJson(res, 400, { message: 'The stream has expired due to inactivity', code: 'STREAM_EXPIRED' });
    } else {
      sendText(res, 500, 'Injected fault: internal server error');
    }
  }

  async function pipeline(req: http.IncomingMessage, res: http.ServerResponse, version: HranaVersion): Promise<void> {
    const ns = authenticate(req, res);
    if (ns === undefined) return;
    ns.stats.requests++;
    ns.stats.pipelines++;
    const raw = await readBody(req);
    const faults = ns.faults;
    await sleep(faults.faults.latencyMs ?? 0);
    if (faults.dropMode === 'beforeExecute') {
      req.socket.destroy();
      return;
    }
    let body: ReturnType<typeof parsePipelineBody>;
    try {
      body = parsePipelineBody(JSON.parse(raw), version);
    } catch (e) {
      sendText(res, 400, e instanceof ProtocolError ? e.message : `Invalid JSON body: ${(e as Error).message}`);
      return;
    }
    if (faults.nextPipelineFails()) {
      await refuse(res, ns, body.baton);
      return;
    }
    let stream: Stream;
    try {
      stream = body.baton === null ? registry.open(ns) : registry.take(body.baton, ns);
    } catch (e) {
      if (e instanceof StreamError) sendJson(res, 400, { message: e.message, code: e.code });
      else if (e instanceof ProtocolError) sendText(res, 400, e.message);
      else throw e;
      return;
    }
    const results: StreamResult[] = [];
    try {
      for (const request of body.requests) results.push(await handleStreamRequest(stream, request));
    } catch (e) {
      registry.close(stream);
      if (e instanceof StreamError) sendJson(res, 400, { message: e.message, code: e.code });
      else if (e instanceof ProtocolError) sendText(res, 400, e.message);
      else sendText(res, 500, `Internal error: ${(e as Error).message}`);
      return;
    }
    const resp: PipelineRespBody = { baton: registry.park(stream), base_url: null, results };
    await sleep(faults.faults.stallMs ?? 0);
    if (faults.dropMode === 'afterExecute') {
      req.socket.destroy();
      return;
    }
    sendJson(res, 200, resp);
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (closing) {
      sendText(res, 503, 'Server is shutting down');
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET') {
      // Version probes carry no credentials (the client's findEndpoint sends a bare GET), so
      // they are answered without a token. No protobuf: GET /v3-protobuf is 404, and a client
      // that probes falls back to /v2 with JSON.
      if (pathname === '/') return sendText(res, 200, 'Hello, this is HTTP API v2 (Hrana over HTTP)');
      if (pathname === '/v2' || pathname === '/v3' || pathname === '/health') return sendText(res, 200, 'ok');
      return sendText(res, 404, `Not found: GET ${pathname}`);
    }
    if (req.method === 'POST' && pathname === '/v2/pipeline') return pipeline(req, res, 2);
    if (req.method === 'POST' && pathname === '/v3/pipeline') return pipeline(req, res, 3);
    return sendText(res, 404, `Not found: ${req.method} ${pathname}`);
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) sendText(res, 500, `Internal error: ${(e as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    createDatabase(name) {
      if (!NAME.test(name)) throw new Error(`Invalid database name ${JSON.stringify(name)}`);
      if (byName.has(name)) throw new Error(`Database ${name} already exists`);
      const file = path.join(options.dir, `${name}.db`);
      const token = randomBytes(24).toString('base64url');
      const ns = new Namespace(name, file, token, transactionTimeoutMs);
      byName.set(name, ns);
      byToken.set(token, ns);
      return { name, url, authToken: token, path: file };
    },
    deleteDatabase(name) {
      const ns = namespaceOf(name);
      registry.closeNamespace(ns);
      ns.closeAll();
      byName.delete(name);
      byToken.delete(ns.token);
      deletedTokens.set(ns.token, name);
      for (const suffix of ['', '-wal', '-shm']) rmSync(ns.path + suffix, { force: true });
    },
    rotateToken(name) {
      const ns = namespaceOf(name);
      const token = randomBytes(24).toString('base64url');
      byToken.delete(ns.token);
      ns.token = token;
      byToken.set(token, ns);
      return token;
    },
    listDatabases: () => [...byName.keys()].sort(),
    setFaults(name, faults) {
      namespaceOf(name).faults = new FaultPlan({ ...faults });
    },
    clearFaults(name) {
      namespaceOf(name).faults = new FaultPlan();
    },
    stats: (name) => ({ ...namespaceOf(name).stats }),
    openStreams: () => registry.openCount,
    async close() {
      closing = true;
      registry.closeAll();
      for (const ns of byName.values()) ns.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
