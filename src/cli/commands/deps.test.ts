import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../../test/support/run-main.js';
import type { CompatibilityReport } from '../../model/compat.js';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures');
const numpy = path.join(fixtures, 'deps-numpy-1.24.4');
// Results are cached under XDG_CACHE_HOME: a directory of the test's own, never the user's.
const cacheHome = mkdtempSync(path.join(tmpdir(), 'pybase-cli-cache-'));

function run(argv: string[], cwd = numpy) {
  return runMain(argv, { cwd, env: { XDG_CACHE_HOME: cacheHome }, now: '2026-08-13T12:00:00Z' });
}

describe('pybase deps', () => {
  it('names the file and line of a note once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-deps-broken-'));
    writeFileSync(path.join(dir, 'Pipfile.lock'), '{"default": {"a": [[[}}');
    const r = await run(['deps', '--offline'], dir);
    const note = r.out.split('\n').find((l) => l.includes('not valid JSON')) ?? '';
    expect(note).toMatch(/^ {2}error: \S*Pipfile\.lock:1:\d+: not valid JSON/);
    expect(note.split('Pipfile.lock')).toHaveLength(2);
  });

  it('prints the matrix of candidate images, newest Python first, and names the problem package', async () => {
    const r = await run(['deps', '--offline']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    const row = (tag: string) => lines.find((l) => l.startsWith(`${tag} `)) ?? '';
    expect(row('3.11.16-slim-trixie')).toMatch(/all wheels\s+all wheels/);
    expect(row('3.12.14-slim-trixie')).toMatch(/1 need a compiler/);
    expect(row('3.12.14-trixie')).toMatch(/1 built here/);
    const first314 = lines.findIndex((l) => l.startsWith('3.14'));
    const first311 = lines.findIndex((l) => l.startsWith('3.11'));
    expect(first314).toBeGreaterThan(0);
    expect(first314).toBeLessThan(first311);
    expect(r.out).toMatch(/numpy 1\.24\.4: built from source on \d+ of \d+/);
  });

  it('agrees with recommend on sdist-only packages: built from source, a compiler only for native code', async () => {
    const corpus = path.resolve('..', 'shared', 'corpus', 'lockfiles');
    const fastapi = path.join(corpus, 'fastapi__full-stack-fastapi-template');
    const r = await run(['deps', fastapi, '--offline', '--date', '2026-11-27', '--no-cache'], '/');
    expect(r.code).toBe(0);
    const row = (tag: string) => r.out.split('\n').find((l) => l.startsWith(`${tag} `)) ?? '';
    // dkimpy publishes only an sdist (pure Python): slim builds it without a compiler.
    expect(row('3.14.7-slim-trixie')).toMatch(
      /^3\.14\.7-slim-trixie\s+1 built from source\s+1 built from source$/,
    );
    expect(r.out).not.toMatch(/need a compiler/);
    const json = await run(
      ['deps', fastapi, '--offline', '--date', '2026-11-27', '--no-cache', '--json'],
      '/',
    );
    const report = JSON.parse(json.out) as CompatibilityReport;
    const slim = report.images.filter((c) => c.image.tag === '3.14.7-slim-trixie');
    expect(slim.map((c) => [c.counts['sdist-build'], c.installable])).toEqual([
      [1, true],
      [1, true],
    ]);
    // mealie's lock: on 3.12 slim, 3 packages with native code need a compiler, 6 sdist-only ones do not.
    const mealie = await run(
      [
        'deps',
        path.join(corpus, 'mealie-recipes__mealie'),
        '--offline',
        '--date',
        '2026-11-27',
        '--no-cache',
      ],
      '/',
    );
    const slim312 = mealie.out.split('\n').find((l) => l.startsWith('3.12.14-slim-trixie ')) ?? '';
    expect(slim312).toMatch(/3 need a compiler, 6 built from source/);
  });

  it('the summary counts only the images the project allows, and names the lock relative to the directory', async () => {
    const repo = path.resolve(import.meta.dirname, '../../..');
    const r = await run(['deps', 'examples/reports-api', '--offline', '--date', '2026-11-27'], repo);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^examples\/reports-api\/uv\.lock: 14 packages/);
    expect(r.out).not.toContain(repo);
    const rows = r.out.split('\n').filter((l) => /^3\.\d+\.\d+-/.test(l));
    const excludedRows = rows.filter((l) => l.includes('project excludes this Python')).length;
    expect(excludedRows).toBeGreaterThan(0);
    const summary = r.out.slice(r.out.indexOf('Packages without a wheel'));
    expect(summary.split('\n')[0]).toContain(
      `the ${excludedRows} images whose Python the project excludes not counted`,
    );
    // numpy, scipy and markupsafe only miss the cp310 wheels of the excluded Python 3.10.
    expect(summary).not.toMatch(/numpy|scipy|markupsafe/);
    const allowed = (rows.length - excludedRows) * 2;
    expect(summary).toContain(`scikit-learn 1.9.0: built from source on 16 of ${allowed}`);
  });

  it('--image resolves a floating tag and prints the per-package table', async () => {
    const r = await run(['deps', '--image', 'python:3.12-slim', '--arch', 'arm64', '--offline']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3\.12\.14-slim-trixie arm64v8: 1 need a compiler/);
    expect(r.out).toMatch(/numpy\s+1\.24\.4\s+sdist-build\s+numpy 1\.24\.4 publishes no cp312 wheel/);
    expect(r.out).not.toMatch(/amd64/);
  });

  it('--json prints the compatibility report', async () => {
    const r = await run(['deps', '--json', '--image', '3.11-slim', '--offline']);
    const report = JSON.parse(r.out) as CompatibilityReport;
    expect(report.date).toBe('2026-08-13');
    expect(report.archs).toEqual(['amd64', 'arm64v8']);
    expect(report.images.map((c) => c.arch)).toEqual(['amd64', 'arm64v8']);
    expect(report.images.every((c) => c.allFromWheels)).toBe(true);
    expect(report.packages[0]).toMatchObject({ name: 'numpy', hasMusllinuxWheel: false });
  });

  it('exits 2 with the directory and the files looked for when there is no dependency file', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'pybase-deps-empty-'));
    const r = await run(['deps', empty, '--offline']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(empty);
    expect(r.err).toMatch(
      /uv\.lock, poetry\.lock, pdm\.lock, Pipfile\.lock, requirements\*\.txt, pyproject\.toml/,
    );
  });

  it('exits 2 for an unknown architecture or image', async () => {
    expect((await run(['deps', '--arch', 'sparc', '--offline'])).code).toBe(2);
    const r = await run(['deps', '--image', 'python:2.9-slim', '--offline']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not published/);
  });

  it('stores the report and serves the next run from it; --no-cache neither reads nor writes', async () => {
    const { existsSync, readdirSync, rmSync } = await import('node:fs');
    const dir = path.join(cacheHome, 'pybase', 'deps');
    rmSync(dir, { recursive: true, force: true });
    const argv = ['deps', '--json', '--offline', '--date', '2026-05-01'];
    const uncached = await run([...argv, '--no-cache']);
    expect(existsSync(dir)).toBe(false);
    const first = await run(argv);
    expect(readdirSync(dir)).toHaveLength(1);
    const second = await run(argv);
    expect(second.code).toBe(0);
    expect(second.out).toBe(first.out);
    expect(first.out).toBe(uncached.out);
    const text = await run(['deps', '--offline', '--date', '2026-05-01']);
    expect(text.out).toBe((await run(['deps', '--offline', '--date', '2026-05-01', '--no-cache'])).out);
  });
});
