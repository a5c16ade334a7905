import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IndexServer, startIndexServer } from '../../test/support/index-server.js';
import { createCatalog } from '../catalog/catalog.js';
import { readDependencies } from '../files/lockfiles/index.js';
import type { ImageCandidate, ImageCompatibility } from '../model/compat.js';
import type { DependencySet } from '../model/dependencies.js';
import { wheelMachine } from '../model/platform.js';
import { createIndexClient } from '../sources/package-index.js';
import { evaluateMarker, makeWheelTarget, markerEnvironment, parseWheelFilename } from '../wheels/index.js';
import { candidateImages } from './candidates.js';
import { analyzeDependencies } from './engine.js';

const date = '2026-08-13';
const catalog = createCatalog();
const images = candidateImages(catalog, date);
const corpus = path.resolve(import.meta.dirname, '../../../shared/corpus/lockfiles');
const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures');

function corpusFiles(): string[] {
  if (!existsSync(corpus)) return [];
  return readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(path.join(corpus, d.name)).map((f) => path.join(corpus, d.name, f)));
}

function markerIncludes(marker: string | undefined, c: ImageCompatibility): boolean {
  if (!marker) return true;
  const target = makeWheelTarget(c.image.pythonVersion, c.image.libc, c.arch);
  try {
    return evaluateMarker(marker, markerEnvironment(target));
  } catch {
    return true;
  }
}

describe('candidateImages', () => {
  it('lists fully specified Linux tags only, newest Python first, with libc and compiler facts', () => {
    expect(images.length).toBeGreaterThan(10);
    for (const c of images) {
      expect(c.tag).toMatch(/^\d+\.\d+\.\d+-/);
      expect(c.tag).not.toMatch(/windows|nanoserver|onbuild/);
      expect(c.prerelease).toBe(false);
      expect(c.libc.family).toBe(c.variant === 'alpine' ? 'musl' : 'glibc');
      expect(c.hasCompiler).toBe(c.variant === 'full');
      expect(c.architectures.length).toBeGreaterThan(0);
      expect(catalog.isPublished(c.tag, date)).toBe(true);
    }
    const minors = images.map((c) => Number(c.python.split('.')[1]));
    expect([...minors].sort((a, b) => b - a)).toEqual(minors);
    expect(candidateImages(catalog, date, { includePrerelease: true }).length).toBeGreaterThanOrEqual(
      images.length,
    );
  });
});

describe('numpy 1.24.4 (real file names, no cp312 wheel)', () => {
  const deps = readDependencies(path.join(fixtures, 'deps-numpy-1.24.4/pdm.lock'));

  it('installs a wheel on 3.11 and builds the sdist on 3.12', async () => {
    const report = await analyzeDependencies({ deps, images, date });
    const on = (python: string, variant: string) =>
      report.images.filter((c) => c.image.python === python && c.image.variant === variant);
    for (const c of [...on('3.11', 'slim'), ...on('3.11', 'full')]) {
      expect(c.packages).toHaveLength(1);
      expect(c.packages[0]).toMatchObject({ name: 'numpy', version: '1.24.4', verdict: 'wheel' });
      expect(c.packages[0]!.file).toContain('cp311-cp311-manylinux');
      expect(c.allFromWheels).toBe(true);
    }
    for (const c of on('3.12', 'slim')) {
      expect(c.packages[0]).toMatchObject({ verdict: 'sdist-build', file: 'numpy-1.24.4.tar.gz' });
      expect(c.installable).toBe(false);
    }
    for (const c of on('3.12', 'full')) expect(c.installable).toBe(true);
    // No musllinux wheel at all: Alpine builds from source even on 3.11.
    for (const c of on('3.11', 'alpine')) expect(c.packages[0]!.verdict).toBe('sdist-build');
    const summary = report.packages[0]!;
    expect(summary).toMatchObject({ name: 'numpy', hasBinaryWheels: true, hasMusllinuxWheel: false });
    expect(summary.glibcFloor).toEqual({ amd64: '2.17', arm64v8: '2.17' });
    expect(summary.wheelPythons).toEqual(['3.8', '3.9', '3.10', '3.11']);
    expect(report.incomplete).toBe(false);
  });
});

describe('every corpus lockfile, offline', () => {
  const files = corpusFiles();
  it.runIf(files.length > 0)(
    'judges every runtime package or leaves it out by marker',
    async () => {
      for (const file of files) {
        const deps = readDependencies(file);
        const report = await analyzeDependencies({ deps, images, date, offline: true });
        const own = new Set(deps.projectPackages ?? []);
        const runtime = deps.dependencies.filter((d) => d.kind === 'registry' && !own.has(d.name));
        expect(report.images.length, file).toBeGreaterThan(0);
        for (const c of report.images) {
          const sum = Object.values(c.counts).reduce((a, b) => a + b, 0);
          expect(sum, file).toBe(c.packages.length);
          const expected = runtime.filter((d) => markerIncludes(d.marker, c)).length;
          expect(c.packages.length, `${file} ${c.image.tag} ${c.arch}`).toBe(expected);
          expect(c.allFromWheels).toBe(c.counts.wheel + c.counts.pure === c.packages.length);
          if (c.counts.unavailable > 0) expect(c.installable).toBe(false);
        }
        const withoutFiles = runtime.some((d) => !(d.files && d.files.length > 0));
        expect(report.incomplete, file).toBe(withoutFiles);
        checkFileFacts(deps, report.images, file);
      }
    },
    120_000,
  );
});

/**
 * Facts computed from the lock's own file names: a package whose wheels are all manylinux for the
 * machine (none musllinux, none `any`) never gets a wheel on Alpine; a package with only
 * `py3-none-any` wheels and no requires-python is `pure` everywhere.
 */
function checkFileFacts(deps: DependencySet, results: ImageCompatibility[], file: string): void {
  for (const dep of deps.dependencies) {
    const wheels = (dep.files ?? [])
      .map((f) => parseWheelFilename(f.filename))
      .flatMap((p) => (p.ok ? [p.value] : []));
    if (wheels.length === 0) continue;
    const platforms = wheels.flatMap((w) => w.platformTags);
    const manylinuxOnly =
      platforms.some((p) => p.startsWith('manylinux')) &&
      !platforms.some((p) => p.startsWith('musllinux') || p === 'any' || p.startsWith('linux_'));
    const pureOnly =
      platforms.every((p) => p === 'any') &&
      wheels.every((w) => w.pythonTags.some((t) => t === 'py3')) &&
      !dep.requiresPython &&
      (dep.files ?? []).every((f) => !f.requiresPython && !f.yanked);
    for (const c of results) {
      const v = c.packages.find((p) => p.name === dep.name && p.version === dep.version);
      if (!v) continue;
      if (manylinuxOnly && c.image.libc.family === 'musl') {
        expect(['sdist-build', 'unavailable'], `${file} ${dep.name} on ${c.image.tag}`).toContain(v.verdict);
      }
      if (pureOnly) expect(v.verdict, `${file} ${dep.name}`).toBe('pure');
      if (v.verdict === 'wheel') {
        const machine = wheelMachine(c.arch)!;
        expect(v.file, `${file} ${dep.name}`).toMatch(new RegExp(`${machine}|linux_`));
      }
    }
  }
}

describe('files from the package index', () => {
  let server: IndexServer;
  let dir: string;
  beforeAll(async () => {
    server = await startIndexServer();
    dir = mkdtempSync(path.join(tmpdir(), 'pybase-deps-'));
  });
  afterAll(async () => {
    await server.close();
  });

  const pick = (tag: string): ImageCandidate => {
    const c = images.find((i) => i.tag.startsWith(tag));
    if (!c) throw new Error(`no candidate ${tag}`);
    return c;
  };

  it('selects exact files by hash, a release by pin, and reports progress', async () => {
    const wheel = 'numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl';
    const req = path.join(dir, 'requirements.txt');
    writeFileSync(
      req,
      [
        `numpy==1.26.4 --hash=sha256:${server.sha256(wheel)}`,
        'django==4.2.11',
        'cryptography==42.0.5',
        'not-there==1.0',
        '',
      ].join('\n'),
    );
    const deps = readDependencies(req);
    const index = createIndexClient({ indexUrl: server.indexUrl });
    const seen: string[] = [];
    const slim = pick('3.12');
    const alpine = images.find((i) => i.python === '3.12' && i.variant === 'alpine')!;
    const report = await analyzeDependencies({
      deps,
      images: [slim, alpine],
      archs: ['amd64', 'arm64v8'],
      date,
      index,
      onProgress: (p) => seen.push(p.name),
    });
    expect(seen.sort()).toEqual(['cryptography', 'django', 'not-there', 'numpy']);
    const get = (tag: string, arch: string, name: string) =>
      report.images
        .find((c) => c.image.tag === tag && c.arch === arch)!
        .packages.find((p) => p.name === name)!;
    // The hash names only the x86_64 wheel: on arm64 pip may not use the aarch64 wheel, it builds.
    expect(get(slim.tag, 'amd64', 'numpy')).toMatchObject({ verdict: 'wheel', file: wheel });
    expect(get(slim.tag, 'arm64v8', 'numpy').verdict).toBe('unavailable');
    expect(get(slim.tag, 'amd64', 'django')).toMatchObject({ verdict: 'pure', version: '4.2.11' });
    // cryptography 42.0.5 has an aarch64 glibc wheel and an x86_64 musl wheel only.
    expect(get(slim.tag, 'arm64v8', 'cryptography').verdict).toBe('wheel');
    expect(get(slim.tag, 'amd64', 'cryptography').verdict).toBe('unavailable');
    expect(get(alpine.tag, 'amd64', 'cryptography').verdict).toBe('wheel');
    expect(get(slim.tag, 'amd64', 'not-there')).toMatchObject({ verdict: 'unavailable' });
    expect(get(slim.tag, 'amd64', 'not-there').reason).toMatch(/not on the package index/);
    expect(report.incomplete).toBe(false);
  });

  it('picks the newest fitting release for a pyproject range, skipping yanked files and requires-python', async () => {
    const project = path.join(dir, 'pyproject.toml');
    writeFileSync(
      project,
      '[project]\nname = "demo"\nversion = "0"\ndependencies = ["django>=4", "typing-extensions>=4.9", "numpy<2"]\n',
    );
    const deps = readDependencies(project);
    const index = createIndexClient({ indexUrl: server.indexUrl });
    const py312 = pick('3.12');
    const py39 = images.find((i) => i.python === '3.10') ?? py312;
    const report = await analyzeDependencies({ deps, images: [py312, py39], archs: ['amd64'], date, index });
    const of = (c: ImageCandidate, name: string) =>
      report.images.find((r) => r.image.tag === c.tag)!.packages.find((p) => p.name === name)!;
    // Django 5.0.3 needs Python >= 3.10, which both candidates satisfy; it is the newest release.
    expect(of(py312, 'django')).toMatchObject({ verdict: 'pure', version: '5.0.3' });
    // 4.11.0 is yanked: the range resolves to 4.10.0.
    expect(of(py312, 'typing-extensions')).toMatchObject({ verdict: 'pure', version: '4.10.0' });
    // numpy<2: 1.26.4 is the newest, with a cp312 manylinux wheel.
    expect(of(py312, 'numpy')).toMatchObject({ verdict: 'wheel', version: '1.26.4' });
  });

  it('offline: files not in the lock are unknown and the report is incomplete, without a request', async () => {
    const before = server.requests.length;
    const req = path.join(dir, 'requirements-offline.txt');
    writeFileSync(req, 'django==4.2.11\n');
    const deps = readDependencies(req);
    const index = createIndexClient({ indexUrl: server.indexUrl });
    const report = await analyzeDependencies({ deps, images: [pick('3.12')], date, index, offline: true });
    expect(report.incomplete).toBe(true);
    for (const c of report.images) expect(c.packages.map((p) => p.verdict)).toEqual(['unknown']);
    expect(server.requests.length).toBe(before);
  });

  it('marks images whose Python the project itself excludes', async () => {
    const project = path.join(dir, 'pyproject.toml');
    const deps: DependencySet = {
      source: { file: project, kind: 'pyproject' },
      requiresPython: '>=3.13',
      indexUrls: [],
      groups: ['main'],
      dependencies: [],
      diagnostics: [],
    };
    const report = await analyzeDependencies({
      deps,
      images: [pick('3.12'), pick('3.13')],
      archs: ['amd64'],
      date,
    });
    const by = (minor: string) => report.images.find((c) => c.image.python === minor)!;
    expect(by('3.12').excludedByProject).toMatch(/excludes CPython 3\.12/);
    expect(by('3.12').installable).toBe(false);
    expect(by('3.13').excludedByProject).toBeUndefined();
    expect(by('3.13').installable).toBe(true);
  });
});

describe('a direct URL to a wheel or sdist is judged by its file', () => {
  const uvLock = [
    'version = 1',
    'requires-python = ">=3.12"',
    '',
    '[[package]]',
    'name = "app"',
    'version = "1.0"',
    'source = { virtual = "." }',
    'dependencies = [',
    `  { name = "psycopg-c", marker = "platform_machine == 'x86_64'" },`,
    '  { name = "vcs-thing" },',
    ']',
    '',
    '[[package]]',
    'name = "psycopg-c"',
    'version = "3.3.0"',
    'source = { url = "https://example.org/psycopg_c-3.3.0-cp312-cp312-linux_x86_64.whl" }',
    'wheels = [',
    '  { url = "https://example.org/psycopg_c-3.3.0-cp312-cp312-linux_x86_64.whl", hash = "sha256:00" },',
    ']',
    '',
    '[[package]]',
    'name = "vcs-thing"',
    'version = "0.1"',
    'source = { git = "https://example.org/vcs-thing.git#abc" }',
    '',
  ].join('\n');

  it('a uv.lock url wheel counts like any wheel; a VCS checkout stays not judgeable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-url-wheel-'));
    writeFileSync(path.join(dir, 'uv.lock'), uvLock);
    const deps = readDependencies(path.join(dir, 'uv.lock'));
    const notJudgeable = deps.diagnostics.filter((d) => d.data?.reason === 'not-judgeable');
    expect(notJudgeable.map((d) => d.data?.name)).toEqual(['vcs-thing']);
    const report = await analyzeDependencies({ deps, images, archs: ['amd64'], date, offline: true });
    const on = (tag: string) => report.images.find((c) => c.image.tag.startsWith(tag) && c.arch === 'amd64');
    const cp312 = on('3.12.')!;
    expect(cp312.packages.map((p) => [p.name, p.verdict])).toEqual([['psycopg-c', 'wheel']]);
    expect(cp312.packages[0]?.reason).toContain('psycopg_c-3.3.0-cp312-cp312-linux_x86_64.whl');
    expect(cp312.counts.wheel).toBe(1);
    const cp313 = on('3.13.')!;
    expect(cp313.packages.map((p) => [p.name, p.verdict])).toEqual([['psycopg-c', 'unavailable']]);
  });

  it('a requirement naming a wheel or sdist URL is that file; one naming a repository is not', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-url-wheel-'));
    writeFileSync(
      path.join(dir, 'requirements.txt'),
      [
        'six @ https://example.org/files/six-1.16.0-py2.py3-none-any.whl',
        'legacy @ https://example.org/files/legacy-2.0.tar.gz',
        'other @ git+https://example.org/other.git@v1',
        '',
      ].join('\n'),
    );
    const deps = readDependencies(path.join(dir, 'requirements.txt'));
    expect(deps.dependencies.map((d) => [d.name, d.kind, d.files?.map((f) => f.filename)])).toEqual([
      ['six', 'url', ['six-1.16.0-py2.py3-none-any.whl']],
      ['legacy', 'url', ['legacy-2.0.tar.gz']],
      ['other', 'vcs', undefined],
    ]);
    const report = await analyzeDependencies({
      deps,
      images: images.slice(0, 1),
      archs: ['amd64'],
      date,
      offline: true,
    });
    expect(report.incomplete).toBe(false);
    expect(report.images[0]?.packages.map((p) => [p.name, p.verdict])).toEqual([
      ['six', 'pure'],
      ['legacy', 'sdist-build'],
    ]);
  });
});

describe('wheelPythons of a package', () => {
  it('counts a py3 binary wheel without an ABI as a wheel for every Python 3', async () => {
    // Only py3-none-manylinux wheels, no sdist: the CUDA libraries' shape.
    const deps = readDependencies(path.join(fixtures, 'deps-py3-cuda/pdm.lock'));
    const report = await analyzeDependencies({ deps, images, date });
    const summary = report.packages.find((p) => p.name === 'nvidia-cublas-cu12')!;
    expect(summary.hasBinaryWheels).toBe(true);
    const minors = [...new Set(images.map((i) => i.python))];
    expect(summary.wheelPythons?.length).toBe(minors.length);
    // It installs from a wheel on every glibc image of the date, whatever its Python.
    for (const c of report.images.filter((i) => i.image.libc.family === 'glibc')) {
      expect(c.packages[0]?.verdict, c.image.tag).toBe('wheel');
    }
  });
});
