/**
 * Bundle a TypeScript snippet that imports pybase's sources into one runnable ESM file, for tests
 * that must run code in another process: as another user, or killed by a signal.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './paths.js';

/**
 * Write `<dir>/runner.mjs` from `contents`, whose relative imports are resolved from `from` (a folder
 * of the repository, `src/fix`), readable by every user; returns its path.
 */
export async function bundleRunner(dir: string, from: string, contents: string): Promise<string> {
  const runner = join(dir, 'runner.mjs');
  await build({
    stdin: { contents, resolveDir: join(repoRoot, from), sourcefile: 'runner.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: runner,
    logLevel: 'warning',
  });
  chmodSync(runner, 0o644);
  return runner;
}
