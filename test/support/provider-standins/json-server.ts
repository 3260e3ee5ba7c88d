import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface JsonReply {
  status: number;
  body?: unknown;
}

export interface JsonServer {
  url: string;
  /** Every request seen, in order (method and path), for assertions. */
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

/** A tiny JSON-over-HTTP server on 127.0.0.1 for provider stand-ins. */
export async function startJsonServer(handle: (req: JsonRequest) => JsonReply | Promise<JsonReply>): Promise<JsonServer> {
  const requests: JsonServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ method: req.method ?? 'GET', path: url.pathname });
      const text = Buffer.concat(chunks).toString('utf8');
      let reply: JsonReply;
      try {
        const body = text ? JSON.parse(text) : undefined;
        reply = await handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      } catch (e) {
        reply = { status: 400, body: { message: `bad request: ${(e as Error).message}` } };
      }
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
