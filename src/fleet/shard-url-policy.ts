import path from 'node:path';
import { AppError } from '../errors';

/**
 * Which database URLs a platform admin may register as a shard. In production only TLS
 * remotes (`libsql:`/`https:`); a `file:` URL only inside DATA_DIR (never a path elsewhere on
 * the host, e.g. the catalog or /etc); plaintext http/ws only outside production (local servers).
 */
export function checkShardUrl(url: string, ctx: { env: string; dataDir: string; catalogUrl?: string }): void {
  const fail = (why: string): never => {
    throw new AppError('invalid_request', `shard URL refused: ${why}`, { issues: [{ path: 'url', message: `shard URL refused: ${why}` }] });
  };
  if (url.startsWith('file:')) {
    const file = path.resolve(url.slice('file:'.length).replace(/^\/\//, ''));
    const root = path.resolve(ctx.dataDir);
    if (!file.startsWith(root + path.sep)) fail('file: URLs must point inside DATA_DIR');
    const catalog = ctx.catalogUrl?.startsWith('file:') ? path.resolve(ctx.catalogUrl.slice('file:'.length).replace(/^\/\//, '')) : null;
    // The catalog under its default name or under CATALOG_URL's, including its -wal/-shm files.
    if (path.basename(file).startsWith('catalog.db') || (catalog !== null && file.startsWith(catalog))) fail('that file is the catalog');
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail('not a URL');
    return;
  }
  const tls = parsed.protocol === 'libsql:' || parsed.protocol === 'https:' || parsed.protocol === 'wss:';
  const plain = parsed.protocol === 'http:' || parsed.protocol === 'ws:';
  if (!tls && !plain) fail('use libsql:// or https://');
  if (ctx.env === 'production' && (plain || parsed.searchParams.get('tls') === '0')) fail('production shards must use libsql:// or https:// with TLS');
  if (parsed.username || parsed.password) fail('put credentials in the auth token, not the URL');
}
