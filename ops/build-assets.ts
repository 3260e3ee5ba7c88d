import path from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../src/lib/paths';

/**
 * Bundles the browser scripts that need npm libraries (the door scanner uses jsQR) into
 * dist/assets/. Run by `npm run build` (so by `npm start` and the Dockerfile), and by tests
 * that open those pages. Reproducible: no timestamps, no source maps, pinned versions.
 */
export async function buildAssets(root = projectRoot()): Promise<string[]> {
  const outfile = path.join(root, 'dist', 'assets', 'scanner.js');
  await build({
    entryPoints: [path.join(root, 'client', 'scanner.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2019'],
    legalComments: 'inline',
    outfile,
    logLevel: 'warning',
  });
  return [outfile];
}

if (require.main === module) {
  buildAssets().then(
    (files) => console.error(`built ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
