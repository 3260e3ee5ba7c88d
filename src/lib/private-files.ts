import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';

/**
 * DATA_DIR, backups and keys hold secrets (sealed or not): folders are 0700 and files 0600
 * whatever the umask (finding 14).
 */
export function ensurePrivateDir(dir: string, variable = 'DATA_DIR'): void {
  if (existsSync(dir)) return;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  } catch (e) {
    throw new Error(`${variable}: cannot create ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Creates an empty 0600 file if there is none (SQLite then gives its -wal and -shm the same mode). */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) {
    try {
      writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  restrictFile(file);
}

export function restrictFile(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
}

/** The path of a `file:` libSQL URL (without its query), or undefined for remote URLs. */
export function localPathOf(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const rest = url.slice('file:'.length).split('?')[0]!;
  if (rest === '' || rest === ':memory:') return undefined;
  return rest.startsWith('//') ? rest.slice(2) : rest;
}
