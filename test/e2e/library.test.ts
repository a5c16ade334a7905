import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

// The package as a library: `import { ... } from 'pybase'` resolves through package.json `exports`
// to the built module, and its declarations exist.
describe('the built library', () => {
  it('imports by package name and answers', () => {
    if (!existsSync(resolve(repoRoot, 'dist/index.js'))) throw new Error("run 'npm run build' first");
    const script = [
      "import { createCatalog, describeReference, parseReference } from 'pybase';",
      "const r = describeReference('python:3.12-slim', { catalog: createCatalog(), date: '2025-06-01' });",
      "console.log(JSON.stringify({ full: r.resolution.fullTag, python: parseReference('python:3.13').isPython }));",
    ].join('\n');
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(out.stderr).toBe('');
    const json = JSON.parse(out.stdout);
    expect(json.full).toMatch(/^3\.12\.\d+-slim-bookworm$/);
    expect(json.python).toBe(true);
    expect(existsSync(resolve(repoRoot, 'dist/types/index.d.ts'))).toBe(true);
  });
});
