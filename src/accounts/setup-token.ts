import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { constantTimeEqual, randomToken } from '../crypto';

/**
 * The one-time token that opens /setup once any account exists (finding 3): a file in
 * DATA_DIR, mode 0600, that `ops init` prints as a link. Whoever can read the data folder
 * already owns the install; a stranger who finds /setup on a live install does not.
 */
export class SetupToken {
  constructor(private readonly dataDir: string) {}

  get file(): string {
    return path.join(this.dataDir, 'setup.token');
  }

  /** The token, created on first use. */
  ensure(): string {
    if (existsSync(this.file)) return readFileSync(this.file, 'utf8').trim();
    const token = randomToken(24);
    try {
      writeFileSync(this.file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process won the race: use its token.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(this.file, 'utf8').trim();
      throw e;
    }
    return token;
  }

  matches(given: unknown): boolean {
    if (typeof given !== 'string' || given.length === 0 || given.length > 200 || !existsSync(this.file)) return false;
    return constantTimeEqual(given, readFileSync(this.file, 'utf8').trim());
  }

  consume(): void {
    rmSync(this.file, { force: true });
  }
}
