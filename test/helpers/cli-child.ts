// The BUILT ops CLI (dist/ops/cli.js) as a child process, so a crash test can SIGKILL it at an
// exact point and run the command again on the same DATA_DIR.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const cliEntry = path.resolve(__dirname, '..', '..', 'dist', 'ops', 'cli.js');

export function runCli(env: Record<string, string>, args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  if (!existsSync(cliEntry)) throw new Error(`${cliEntry} is missing: run npm run build first`);
  const clean: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[k] !== undefined) clean[k] = process.env[k];
  const child = spawn(process.execPath, [cliEntry, ...args], { env: { ...clean, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

