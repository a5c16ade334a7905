import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../../test/support/run-main.js';
import { writeProject } from '../../check/test-project.js';
import type { CompatibilityReport } from '../../model/compat.js';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures');
const numpy = path.join(fixtures, 'deps-numpy-1.24.4');
// Results are cached under XDG_CACHE_HOME: a directory of the test's own, never the user's.
const cacheHome = mkdtempSync(path.join(tmpdir(), 'pybase-cli-cache-'));

function run(argv: string[], cwd = numpy) {
  return runMain(argv, { cwd, env: { XDG_CACHE_HOME: cacheHome }, now: '2026-08-13T12:00:00Z' });
}

describe('pybase deps', () => {
  it('a lock that cannot be parsed is an input error up front, not a project without dependencies', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-deps-broken-'));
    writeFileSync(path.join(dir, 'Pipfile.lock'), '{"default": {"a": [[[}}');
    const r = await run(['deps', '--offline'], dir);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const error = r.err.split('\n').find((l) => l.includes('not valid JSON')) ?? '';
    expect(error).toMatch(/^pybase: error: \S*Pipfile\.lock:1:\d+: not valid JSON/);
    expect(error.split('Pipfile.lock')).toHaveLength(2);
  });

  it.each(['deps', 'recommend', 'matrix', 'init', 'report'])(
    '%s: a uv.lock cut short exits 2 naming the file and line',
    async (command) => {
      const text = readFileSync(path.join(fixtures, 'deps-uv-groups', 'uv.lock'), 'utf8');
      const dir = writeProject({ 'uv.lock': text.slice(0, 2500) });
      const argv = [
        command,
        '--offline',
        '--date',
        '2026-11-27',
        ...(command === 'report' ? ['--html', '-'] : []),
      ];
      const r = await run(argv, dir);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/pybase: error: \S*uv\.lock:\d+:\d+: not valid TOML/);
      expect(r.out).not.toMatch(/every dependency is pure Python|Every package installs from a wheel/);
      if (command === 'init') expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    },
  );

  it.each(['deps', 'recommend', 'matrix', 'init', 'fix'])(
    '%s: a uv.lock cut between two packages (still TOML) exits 2: its dependencies are incomplete',
    async (command) => {
      const text = readFileSync(path.join(fixtures, 'deps-uv-groups', 'uv.lock'), 'utf8');
      // Cut before the last [[package]]: every line is valid TOML, a package named as a dependency is missing.
      const cut = text.slice(0, text.lastIndexOf('[[package]]'));
      const dockerfile = 'FROM python:3.11.4-slim-bookworm\n';
      const dir = writeProject({ 'uv.lock': cut, ...(command === 'fix' ? { Dockerfile: dockerfile } : {}) });
      const extra = command === 'fix' ? ['--to', 'recommended'] : [];
      const r = await run([command, '--offline', '--date', '2026-11-27', ...extra], dir);
      if (command === 'fix') expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(dockerfile);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/pybase: error: \S*uv\.lock/);
      if (command === 'init') expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    },
  );

  it('an include cycle is reported after the matrix and exits 2', async () => {
    const r = await run(
      ['deps', '--offline', '--date', '2026-11-27'],
      path.join(fixtures, 'deps-include-cycle'),
    );
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/requirements\.txt: 2 packages/);
    expect(r.err).toMatch(/pybase: error: \S*a\.txt:2: including \S*requirements\.txt forms a cycle/);
    const rec = await run(
      ['recommend', '--offline', '--date', '2026-11-27'],
      path.join(fixtures, 'deps-include-cycle'),
    );
    expect(rec.code).toBe(2);
    expect(rec.err).toMatch(/forms a cycle/);
  });

  it.each(['deps', 'recommend'])(
    '%s: every architecture spelling the error suggests is accepted; an unknown one exits 2',
    async (command) => {
      const project = path.join(fixtures, 'recommend-flask-app');
      const bad = await run(
        [command, '--offline', '--no-cache', '--date', '2026-11-27', '--arch', 'sparc'],
        project,
      );
      expect(bad.code).toBe(2);
      const listed = /write one of ([^()]+) \(/.exec(bad.err)?.[1]?.split(', ') ?? [];
      expect(listed).toEqual(expect.arrayContaining(['arm/v7', 'arm/v6', 'arm64', '386', 's390x']));
      for (const arch of [...listed, 'linux/arm/v7', 'arm32v7', 'armv7', 'arm32v6', 'arm64/v8']) {
        const r = await run(
          [command, '--offline', '--no-cache', '--date', '2026-11-27', '--arch', arch, '--json'],
          project,
        );
        expect(r.err, arch).not.toMatch(/unknown Linux architecture/);
        if (arch === 'mips64le') continue;
        expect((JSON.parse(r.out) as { archs: string[] }).archs).toHaveLength(1);
      }
    },
  );

  it.each(['deps', 'recommend'])(
    '%s: an architecture no image of the date is built for exits 2',
    async (command) => {
      const project = path.join(fixtures, 'recommend-flask-app');
      const r = await run(
        [command, '--offline', '--no-cache', '--date', '2026-11-27', '--arch', 'mips64le'],
        project,
      );
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(
        /no python image published at 2026-11-27 is built for mips64le; they are built for amd64, /,
      );
    },
  );

  it('a date before the architecture data says so instead of calling the images unpublished', async () => {
    const project = path.join(fixtures, 'recommend-flask-app');
    const r = await run(['deps', '--offline', '--no-cache', '--date', '2019-01-01'], project);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /the architectures of the \d+ python images published at 2019-01-01 are not in the data \(it records them from \d{4}-\d{2}-\d{2} on\)/,
    );
    expect(r.out).not.toContain('No candidate image is published');
    const partly = await run(['deps', '--offline', '--no-cache', '--date', '2021-06-01'], project);
    expect(partly.code).toBe(0);
    expect(partly.out).toMatch(
      /Not judged: \d+ images published at 2021-06-01 whose architectures the data does not record/,
    );
    const rec = await run(['recommend', '--offline', '--no-cache', '--date', '2019-01-01'], project);
    expect(rec.code).toBe(2);
    expect(rec.err).toMatch(/are not in the data/);
  });

  it.each([
    ['deps', 'read another with --deps FILE'],
    ['recommend', 'read another with --deps FILE'],
    ['init', 'the Dockerfile installs that one; edit it to install another'],
  ])('%s: reads requirements-prod.txt over requirements-dev.txt and says so', async (command, how) => {
    const dir = writeProject({
      'requirements-dev.txt': 'pytest==8.3.3\nflask==3.0.3\n',
      'requirements-prod.txt': 'flask==3.0.3\n',
    });
    const r = await run(
      [command, '--offline', '--date', '2026-11-27', ...(command === 'init' ? [] : ['--no-cache'])],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      `pybase: note: dependencies read from requirements-prod.txt; also found requirements-dev.txt (${how})`,
    );
    if (command === 'deps') expect(r.out.split('\n')[0]).toMatch(/requirements-prod\.txt: 1 package/);
    if (command === 'init') expect(r.out).toContain('dependencies: installed from requirements-prod.txt');
    const named = await run(
      [command, '--offline', '--date', '2026-11-27', '--deps', 'requirements-dev.txt'],
      dir,
    );
    if (command !== 'init') expect(named.err).not.toContain('also found');
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
    expect(r.out).toMatch(/3\.12\.14-slim-trixie arm64: 1 need a compiler/);
    expect(r.out).not.toContain('arm64v8');
    expect(r.out).toMatch(/numpy\s+1\.24\.4\s+sdist-build\s+numpy 1\.24\.4 publishes no cp312 wheel/);
    expect(r.out).not.toMatch(/amd64/);
  });

  it('spells the architectures of the matrix as recommend and the report do; --json keeps their ids', async () => {
    const r = await run(['deps', '--offline', '--arch', 'amd64,arm64,arm/v7']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/images published at 2026-08-13, amd64, arm64, arm\/v7$/);
    expect(lines.find((l) => l.startsWith('image '))?.split(/\s{2,}/)).toEqual([
      'image',
      'amd64',
      'arm64',
      'arm/v7',
    ]);
    expect(r.out).not.toMatch(/arm64v8|arm32v7/);
    const json = JSON.parse(
      (await run(['deps', '--offline', '--json', '--arch', 'arm64'])).out,
    ) as CompatibilityReport;
    expect(json.archs).toEqual(['arm64v8']);
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
    expect(r.err).toMatch(/python:2\.9-slim was never published\n {2}hint: did you mean /);
  });

  it('--image judges a tag no longer published on the image it named last, as check does, and says so', async () => {
    for (const [tag, last, since] of [
      ['python:3.11.9-alpine3.20', '3.11.9-alpine3.20', '2024-09-09'],
      ['python:3.9-alpine', '3.9.25-alpine3.22', '2025-11-03'],
      ['3.9.25-alpine3.22', '3.9.25-alpine3.22', '2025-11-03'],
    ] as const) {
      const r = await runMain(['deps', '--image', tag, '--offline'], {
        cwd: numpy,
        env: { XDG_CACHE_HOME: cacheHome },
        now: '2026-11-27T12:00:00Z',
      });
      expect(r.code, tag).toBe(0);
      expect(r.err, tag).toContain(
        `note: ${tag.startsWith('python:') ? tag : `python:${tag}`} is no longer published (frozen since ${since}): judged on the image it named last, ${last}; the data does not record which architectures that image was built for, so it is judged on amd64, arm64 as asked`,
      );
      expect(r.out, tag).toMatch(new RegExp(`^${last.replaceAll('.', '\\.')} amd64: `, 'm'));
      expect(r.out, tag).toMatch(new RegExp(`^${last.replaceAll('.', '\\.')} arm64: `, 'm'));
    }
    // check judges the same tag on the same image: PB201 for numpy, which has no musllinux wheel.
    const project = writeProject({
      Dockerfile: 'FROM python:3.11.9-alpine3.20\n',
      'pdm.lock': readFileSync(path.join(numpy, 'pdm.lock'), 'utf8'),
    });
    const check = await runMain(['check', project, '--format', 'json', '--fail-on', 'never'], {
      env: { XDG_CACHE_HOME: cacheHome },
      now: '2026-11-27T12:00:00Z',
    });
    const codes = (JSON.parse(check.out).findings as { code: string }[]).map((f) => f.code);
    expect(codes).toContain('PB201');
    const deps = await runMain(['deps', project, '--image', 'python:3.11.9-alpine3.20', '--offline'], {
      env: { XDG_CACHE_HOME: cacheHome },
      now: '2026-11-27T12:00:00Z',
    });
    expect(deps.out).toMatch(/3\.11\.9-alpine3\.20 amd64: 1 need a compiler/);
  });

  it('--image of a tag no image stands behind at the date is an error whose hint names real tags or dates', async () => {
    const typo = await run(['deps', '--image', '3.8.20-slim-bulseye', '--offline']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('deps: python:3.8.20-slim-bulseye was never published');
    expect(typo.err).toMatch(/hint: did you mean 3\.8\.20-slim-bullseye \(last listed: --date 2024-10-06\)/);
    const early = await run([
      'deps',
      '--image',
      '3.15.0rc1-slim-trixie',
      '--date',
      '2024-01-01',
      '--offline',
    ]);
    expect(early.code).toBe(2);
    expect(early.err).toContain('was not yet published at 2024-01-01 (first listed 2026-08-05)');
    expect(early.err).toContain('--date 2026-08-05');
    const digest = await run(['deps', '--image', `python@sha256:${'0'.repeat(64)}`, '--offline']);
    expect(digest.code).toBe(2);
    expect(digest.err).toMatch(/is a digest without a tag: which image it names is unknown offline/);
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
