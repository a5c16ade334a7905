// Builds the package: one esbuild pass bundles the CLI and the library entry point (shared code is
// split into chunks beside them, so `import.meta.url` of every chunk is dist/), tsc writes the type
// declarations, and the data snapshot and JSON schemas are copied next to the bundles.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { directImportsPlugin } from './direct-imports.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// `--outdir DIR` builds elsewhere (to measure a build while others use dist/); default dist/.
const outdirFlag = process.argv.indexOf('--outdir');
const dist = outdirFlag > 0 ? resolve(process.argv[outdirFlag + 1]) : resolve(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  absWorkingDir: root,
  outdir: dist,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'inline',
  logLevel: 'warning',
  // Bundled CommonJS dependencies may call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __pybaseCreateRequire } from 'node:module'; const require = __pybaseCreateRequire(import.meta.url);",
  },
};

// The CLI: dependencies bundled in, every command in its own lazily loaded chunk, so start-up only
// loads what the command in hand needs. The CLI's imports of the public API barrel are pointed at the
// declaring modules (see direct-imports.mjs): without that, every chunk would load the whole library.
await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  splitting: true,
  chunkNames: 'cli-[hash]',
  plugins: [
    directImportsPlugin({
      barrel: resolve(root, 'src/index.ts'),
      importersDir: resolve(root, 'src/cli'),
    }),
  ],
});

// The library: one module; its dependencies stay ordinary npm dependencies.
await build({ ...common, entryPoints: { index: 'src/index.ts' }, packages: 'external' });

// The CLI entry needs the shebang first; esbuild puts the banner first, so prepend it here.
const { readFileSync, writeFileSync, chmodSync } = await import('node:fs');
const cliPath = resolve(dist, 'cli.js');
writeFileSync(cliPath, `#!/usr/bin/env node\n${readFileSync(cliPath, 'utf8')}`);
chmodSync(cliPath, 0o755);

if (existsSync(resolve(root, 'src/data/snapshot.json'))) {
  cpSync(resolve(root, 'src/data/snapshot.json'), resolve(dist, 'snapshot.json'));
}
if (existsSync(resolve(root, 'schemas')))
  cpSync(resolve(root, 'schemas'), resolve(dist, 'schemas'), { recursive: true });

execFileSync(
  process.execPath,
  [
    resolve(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    'tsconfig.build.json',
    '--outDir',
    resolve(dist, 'types'),
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
