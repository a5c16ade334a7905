/**
 * A `deps` or `recommend` run answered from the result cache must not load the lock readers, the
 * TOML-heavy lock parsing or the wheel engine, and `recommend` not the decision code either: that is
 * what makes a repeated run fast. Checked on the
 * built CLI by recording every module Node loads.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/cli.js';
import { corpusDir, repoRoot, requireShared } from '../support/paths.js';

const recorder = path.resolve(repoRoot, 'test/support/register-load-recorder.mjs');

/** Source modules that only a run computing the analysis (and, for recommend, deciding) needs. */
const analysisOnly = ['src/files/lockfiles/index.ts', 'src/deps/engine.ts', 'src/wheels/verdict.ts'];
const computeOnly: Record<string, string[]> = {
  deps: analysisOnly,
  recommend: [...analysisOnly, 'src/recommend/decide.ts'],
};

function run(args: string[], log?: string) {
  const r = spawnSync(process.execPath, [...(log ? ['--import', recorder] : []), cliPath, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...(log ? { PYBASE_LOAD_LOG: log } : {}) },
    timeout: 60_000,
  });
  return r;
}

/** The source modules bundled in the files a run loaded (esbuild marks each with `// src/...`). */
function sourcesLoaded(log: string): Set<string> {
  const out = new Set<string>();
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    if (!url.startsWith('file:') || !url.endsWith('.js')) continue;
    const text = readFileSync(fileURLToPath(url), 'utf8');
    for (const m of text.matchAll(/^\/\/ (src\/\S+\.ts)$/gm)) out.add(m[1]!);
  }
  return out;
}

describe.runIf(requireShared())('a run served from the result cache', () => {
  for (const command of ['deps', 'recommend'] as const) {
    it(`${command}: loads neither the lock readers nor the wheel engine${command === 'recommend' ? ' nor the decision code' : ''}`, () => {
      const unneeded = computeOnly[command] ?? [];
      const dir = mkdtempSync(path.join(tmpdir(), 'pybase-cached-'));
      const project = path.join(dir, 'project');
      mkdirSync(project);
      copyFileSync(
        path.join(corpusDir, 'lockfiles/fastapi__full-stack-fastapi-template/uv.lock'),
        path.join(project, 'uv.lock'),
      );
      const args = [
        command,
        project,
        '--offline',
        '--date',
        '2026-11-27',
        '--cache-dir',
        path.join(dir, 'cache'),
      ];
      const first = run(args);
      expect(first.status, first.stderr).toBe(0);
      const log = path.join(dir, 'loads.txt');
      writeFileSync(log, '');
      const cached = run(args, log);
      expect(cached.status, cached.stderr).toBe(0);
      expect(cached.stdout).toBe(first.stdout);
      const loaded = sourcesLoaded(log);
      // The recorder works: the command's own module was seen.
      expect(loaded.has(`src/cli/commands/${command}.ts`)).toBe(true);
      expect(unneeded.filter((m) => loaded.has(m))).toEqual([]);
      // Without the cache, the same run does load them (so the check above can fail).
      const cold = path.join(dir, 'cold.txt');
      writeFileSync(cold, '');
      expect(run([...args, '--no-cache'], cold).status).toBe(0);
      expect(unneeded.filter((m) => sourcesLoaded(cold).has(m))).toEqual(unneeded);
    });
  }
});

describe('pybase tag', () => {
  it('starts without loading node:crypto (only result caches and data identities need it)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-tag-loads-'));
    const log = path.join(dir, 'loads.txt');
    writeFileSync(log, '');
    const r = run(['tag', 'python:3.12-slim', '--offline', '--date', '2026-08-13'], log);
    expect(r.status, r.stderr).toBe(0);
    const loaded = readFileSync(log, 'utf8').split('\n');
    // The recorder sees builtins too: node:fs is loaded by every run.
    expect(loaded).toContain('node:fs');
    expect(loaded).not.toContain('node:crypto');
  });
});
