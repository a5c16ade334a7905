/**
 * A repository full of hostile files, read in one process: every kind pybase reads, each made of
 * 50 to 100 kB of one character that parsers nest or quote on. The process must end normally (no
 * fatal error, which no `try` can catch) with each unreadable file reported by name and line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const prefixes: Record<string, string> = {
  'docker-compose.yml': 'services: ',
  '.gitlab-ci.yml': 'image: ',
  '.github/workflows/ci.yml': 'on: push\njobs: ',
  '.github/actions/setup/action.yml': 'runs: ',
  Dockerfile: 'CMD ',
  'pyproject.toml': 'x = ',
  Pipfile: '[requires]\npython_version = ',
  'setup.cfg': '[options]\npython_requires = ',
  'tox.ini': '[tox]\nenvlist = ',
  '.tool-versions': 'python ',
  'runtime.txt': 'python-',
};
const units = ['"', '[', '{', "'", '('];

const root = mkdtempSync(join(tmpdir(), 'pybase-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a repository of hostile files', () => {
  it('is checked in one process without a fatal error, each bad file reported', () => {
    let n = 0;
    // Quoted runs first: the crash this guards against needed other files parsed before the deep one.
    for (const size of [50_000, 100_000]) {
      for (const unit of units) {
        for (const [name, prefix] of Object.entries(prefixes)) {
          const id = `p${n++}`;
          // Workflows and actions are read where GitHub reads them: under the root's .github.
          const file = name.startsWith('.github/workflows/')
            ? join(root, '.github', 'workflows', `${id}.yml`)
            : name.startsWith('.github/actions/')
              ? join(root, '.github', 'actions', id, 'action.yml')
              : join(root, id, name);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, `${prefix}${unit.repeat(size)}\n`);
        }
      }
    }
    const r = runCli([
      'check',
      root,
      '--format',
      'json',
      '--fail-on',
      'never',
      '--offline',
      '--date',
      '2026-08-20',
    ]);
    expect(r.stderr).not.toMatch(/FATAL|internal error/);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      findings: { code: string; message: string; location?: { file: string; startLine: number } }[];
    };
    const deep = out.findings.filter((f) => f.message.includes('nest more than 256 levels'));
    // Every YAML file made of '[' or '{' is refused before the parser sees it.
    expect(deep.length).toBe(2 * 2 * 4);
    for (const f of deep)
      expect(f).toMatchObject({ code: 'PBE006', location: { startLine: expect.any(Number) } });
  }, 120_000);
});
