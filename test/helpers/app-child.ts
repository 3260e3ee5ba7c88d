// The BUILT app (dist/src/main.js) as a child process, so a test can SIGKILL it mid-write and
// start it again on the same DATA_DIR: the only honest way to test what survives a crash.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const builtEntry = path.resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface AppChild {
  baseUrl: string;
  child: ChildProcess;
  /** kill -9: no shutdown hook, no flush. Resolves once the process is gone. */
  kill9(): Promise<void>;
  /** A clean stop (SIGTERM), for the end of a test. */
  stop(): Promise<void>;
  stderr(): string;
}

const gone = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

export async function startAppChild(env: Record<string, string>, port: number): Promise<AppChild> {
  if (!existsSync(builtEntry)) throw new Error(`${builtEntry} is missing: run npm run build first`);
  const clean: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[k] !== undefined) clean[k] = process.env[k];
  const child = spawn(process.execPath, [builtEntry], {
    env: { ...clean, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    err = (err + d).slice(-8000);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}: ${err}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      await res.text();
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app did not answer /healthz in 20 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    baseUrl,
    child,
    async kill9() {
      child.kill('SIGKILL');
      await gone(child);
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone(child);
      clearTimeout(timer);
    },
    stderr: () => err,
  };
}
