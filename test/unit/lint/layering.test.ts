// The layer rules must fail the lint on a real violation, not just pass on today's tree.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '../../helpers/temp-dir';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const DEPCRUISE = path.join(ROOT, 'node_modules/.bin/depcruise');

/** A tiny tree with the repo's lint config, so a deliberate violation can be cruised. */
function fixture(files: Record<string, string>) {
  const tmp = makeTempDir('layering-');
  copyFileSync(path.join(ROOT, '.dependency-cruiser.js'), path.join(tmp.dir, '.dependency-cruiser.js'));
  writeFileSync(path.join(tmp.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', esModuleInterop: true } }));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp.dir, 'node_modules'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tmp.dir, name)), { recursive: true });
    writeFileSync(path.join(tmp.dir, name), text);
  }
  return tmp;
}

async function cruise(files: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  const tmp = fixture(files);
  try {
    const r = await run(DEPCRUISE, ['src', '--config', '.dependency-cruiser.js'], { cwd: tmp.dir });
    return { ok: true, output: r.stdout };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  } finally {
    tmp.cleanup();
  }
}

describe('npm run lint: layer rules', () => {
  it('passes a tree that keeps the rules', async () => {
    const r = await cruise({
      'src/domain/rule.ts': 'export const rule = 1;\n',
      'src/bookings/service.ts': "import { rule } from '../domain/rule';\nexport const service = rule;\n",
      'src/http/route.ts': "import express from 'express';\nimport { service } from '../bookings/service';\nexport const r = [express, service];\n",
    });
    expect(r.output).toContain('no dependency violations');
    expect(r.ok).toBe(true);
  });

  it.each([
    ['the domain importing express', { 'src/domain/rule.ts': "import express from 'express';\nexport const rule = express;\n" }, 'domain-is-pure'],
    ['the domain importing libSQL', { 'src/domain/rule.ts': "import { createClient } from '@libsql/client';\nexport const rule = createClient;\n" }, 'domain-is-pure'],
    ['the domain importing Stripe', { 'src/domain/rule.ts': "import Stripe from 'stripe';\nexport const rule = Stripe;\n" }, 'domain-is-pure'],
    [
      'the domain importing http/',
      { 'src/http/view.ts': 'export const view = 1;\n', 'src/domain/rule.ts': "import { view } from '../http/view';\nexport const rule = view;\n" },
      'domain-is-pure',
    ],
    [
      'the data plane importing http/',
      { 'src/http/view.ts': 'export const view = 1;\n', 'src/shards/store.ts': "import { view } from '../http/view';\nexport const store = view;\n" },
      'data-plane-never-imports-http',
    ],
    [
      'a feature importing the composition root',
      { 'src/app/services.ts': 'export const services = 1;\n', 'src/bookings/service.ts': "import { services } from '../app/services';\nexport const s = services;\n" },
      'features-never-import-the-composition-root',
    ],
    [
      'an import cycle',
      { 'src/events/a.ts': "import { b } from './b';\nexport const a = () => b;\n", 'src/events/b.ts': "import { a } from './a';\nexport const b = () => a;\n" },
      'no-cycles',
    ],
  ])('fails on %s', async (_what, files, rule) => {
    const r = await cruise(files);
    expect(r.ok).toBe(false);
    expect(r.output).toContain(rule);
  });
});
