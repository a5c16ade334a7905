/**
 * `--bump minor` and the project's locked dependencies: a newer Python minor only where every package
 * that installs from a wheel on the current image still does, on every architecture judged.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/paths.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { type Catalog, createCatalog } from '../catalog/catalog.js';
import { writeProject } from '../check/test-project.js';
import { isPybaseError } from '../model/diagnostic.js';
import { type FixOptions, fixProject, readFixDependencies } from './index.js';

const date = '2026-08-13';
const fixtures = join(repoRoot, 'test/fixtures');
const temps = tempDirs();
let catalog: Catalog;

beforeAll(() => {
  catalog = createCatalog();
});

function copy(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-minor-deps-'));
  temps.push(dir);
  cpSync(join(fixtures, fixture), dir, { recursive: true });
  return dir;
}

function project(files: Record<string, string>): string {
  const dir = writeProject(files);
  temps.push(dir);
  return dir;
}

async function bumpMinor(dir: string, options: Partial<FixOptions> = {}) {
  const result = await fixProject(dir, {
    date,
    catalog,
    target: { kind: 'bump', bump: 'minor' },
    ...options,
  });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const notes = result.plan.diagnostics.filter((d) => d.code === 'PBF001').map((d) => d.message);
  return { result, read, notes };
}

/** A uv.lock of registry packages, each `[name, version, wheel and sdist file names]`. */
function uvLock(requires: string, packages: [string, string, string[]][]): string {
  const blocks = packages.map(([name, version, files]) => {
    const sdist = files.find((f) => f.endsWith('.tar.gz'));
    const wheels = files.filter((f) => f.endsWith('.whl'));
    return [
      '[[package]]',
      `name = "${name}"`,
      `version = "${version}"`,
      'source = { registry = "https://pypi.org/simple" }',
      ...(sdist
        ? [
            `sdist = { url = "https://files.pythonhosted.org/packages/${sdist}", hash = "sha256:${'0'.repeat(64)}" }`,
          ]
        : []),
      'wheels = [',
      ...wheels.map(
        (w) =>
          `    { url = "https://files.pythonhosted.org/packages/${w}", hash = "sha256:${'1'.repeat(64)}" },`,
      ),
      ']',
    ].join('\n');
  });
  return `version = 1\nrevision = 3\nrequires-python = "${requires}"\n\n${blocks.join('\n\n')}\n`;
}

/** numpy 2.1.3: wheels for CPython 3.10 to 3.13 (and 3.13t), none for 3.14. */
const numpy213 = [
  'numpy-2.1.3.tar.gz',
  ...['310', '311', '312', '313'].flatMap((py) => [
    `numpy-2.1.3-cp${py}-cp${py}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
    `numpy-2.1.3-cp${py}-cp${py}-manylinux_2_17_aarch64.manylinux2014_aarch64.whl`,
    `numpy-2.1.3-cp${py}-cp${py}-musllinux_1_2_x86_64.whl`,
    `numpy-2.1.3-cp${py}-cp${py}-musllinux_1_2_aarch64.whl`,
    `numpy-2.1.3-cp${py}-cp${py}-win_amd64.whl`,
  ]),
  'numpy-2.1.3-cp313-cp313t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
];

describe('--bump minor judges the locked dependencies on the new Python', () => {
  it('holds a 3.12 image whose lock pins a package with wheels up to cp312, and says which package', async () => {
    const dir = copy('fix-minor-held-by-numpy');
    const { result, read, notes } = await bumpMinor(dir);
    // Held on its minor: only the patch moves, and .python-version stays.
    expect(read('Dockerfile')).toBe('FROM python:3.12.14-slim-trixie\nCOPY . /app\nRUN pip install /app\n');
    expect(read('.python-version')).toBe('3.12\n');
    expect(result.plan.edits.map((e) => e.kind)).toEqual(['patch']);
    expect(result.plan.dependencies).toEqual({ file: 'uv.lock', archs: ['amd64', 'arm64v8'] });
    expect(notes).toEqual([
      'Dockerfile:1: python:3.12.11-slim-trixie held at Python 3.12 (moved to its newest patch, 3.12.14-slim-trixie): on python:3.14.7-slim-trixie numpy 1.26.4 has no cp314 wheel (source build); on python:3.13.15-slim-trixie numpy 1.26.4 has no cp313 wheel (source build)',
    ]);
    const held = result.plan.diagnostics.find((d) => d.message.includes('held at'))!;
    expect(held.hint).toContain('pybase deps --image python:3.14.7-slim-trixie');
    expect(held.data).toMatchObject({
      dependencies: { file: 'uv.lock', archs: ['amd64', 'arm64v8'] },
      python: '3.12',
      heldAt: '3.12',
      refused: [
        {
          tag: '3.14.7-slim-trixie',
          image: '3.14.7-slim-trixie',
          blockers: [
            {
              name: 'numpy',
              version: '1.26.4',
              verdict: 'sdist-build',
              was: 'wheel',
              archs: ['amd64', 'arm64v8'],
            },
          ],
        },
        { tag: '3.13.15-slim-trixie', blockers: [{ name: 'numpy' }] },
      ],
    });
    // six (pure) and bcrypt (abi3) install from wheels everywhere: they never block.
    const names = (held.data!.refused as { blockers: { name: string }[] }[]).flatMap((r) =>
      r.blockers.map((b) => b.name),
    );
    expect(names).toEqual(['numpy', 'numpy']);
  });

  it('moves a lock of pure and abi3 packages to the newest minor, and the version file with it', async () => {
    const dir = copy('fix-minor-abi3-pure');
    const { result, read, notes } = await bumpMinor(dir);
    expect(read('Dockerfile')).toBe('FROM python:3.14.7-slim-trixie\nCOPY . /app\n');
    expect(read('.python-version')).toBe('3.14\n');
    expect(notes).toEqual([]);
    expect(result.plan.dependencies).toEqual({ file: 'poetry.lock', archs: ['amd64', 'arm64v8'] });
    expect(result.plan.edits.find((e) => e.file === 'Dockerfile')?.reason).toBe(
      'python:3.12.11-slim-trixie -> python:3.14.7-slim-trixie: newest supported Python minor published for slim-trixie at 2026-08-13; the locked dependencies install there as on 3.12 (poetry.lock on amd64 and arm64)',
    );
  });

  it('checkDependencies: false moves as before, without judging', async () => {
    const dir = copy('fix-minor-held-by-numpy');
    const { result, read, notes } = await bumpMinor(dir, { checkDependencies: false });
    expect(read('Dockerfile')).toContain('FROM python:3.14.7-slim-trixie\n');
    expect(read('.python-version')).toBe('3.14\n');
    expect(notes).toEqual([]);
    expect(result.plan.dependencies).toBeUndefined();
  });

  it('gives each Dockerfile its own outcome, and moves version files only with every image of their minor', async () => {
    // pyarrow 17.0.0 has manylinux wheels up to cp312 and no musllinux wheel; numpy 2.3.3 has
    // wheels up to cp314, musllinux included.
    const dir = copy('fix-minor-per-image');
    const ci = readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8');
    const { result, read, notes } = await bumpMinor(dir);
    // Held: pyarrow would need a source build on 3.13 and 3.14 (already the newest 3.12 patch).
    expect(read('Dockerfile')).toBe('FROM python:3.12.14-slim-trixie\nCOPY . /app\n');
    // Moved as far as pyarrow goes: 3.11 -> 3.12.
    expect(read('services/api/Dockerfile')).toBe('FROM python:3.12.14-slim-trixie\nCOPY . /app\n');
    // On alpine pyarrow builds from source on every Python (no musllinux wheel): not worse on 3.14.
    expect(read('docker/worker.Dockerfile')).toContain('FROM python:3.14.7-alpine3.23\n');
    // One 3.12 image stays on 3.12: .python-version and setup-python stay too.
    expect(read('.python-version')).toBe('3.12\n');
    expect(read('.github/workflows/ci.yml')).toBe(ci);
    expect(result.plan.edits.map((e) => `${e.file} ${e.kind}`)).toEqual([
      'docker/worker.Dockerfile minor',
      'services/api/Dockerfile minor',
    ]);
    expect(notes).toEqual([
      'Dockerfile:1: python:3.12.14-slim-trixie held at Python 3.12: on python:3.14.7-slim-trixie pyarrow 17.0.0 has no cp314 wheel (source build); on python:3.13.15-slim-trixie pyarrow 17.0.0 has no cp313 wheel (source build)',
      'services/api/Dockerfile:1: python:3.11.16-slim-trixie moved to Python 3.12, not 3.14 or 3.13: on python:3.14.7-slim-trixie pyarrow 17.0.0 has no cp314 wheel (source build); on python:3.13.15-slim-trixie pyarrow 17.0.0 has no cp313 wheel (source build)',
    ]);
    expect(result.plan.edits.find((e) => e.file === 'services/api/Dockerfile')?.reason).toBe(
      'python:3.11.16-slim-trixie -> python:3.12.14-slim-trixie: newest supported Python minor published for slim-trixie at 2026-08-13 on which the locked dependencies install as on 3.11 (uv.lock on amd64 and arm64); not 3.14 or 3.13: they would install worse there',
    );
  });

  it('passes over the newest minor for the next one that works, and the version files follow there', async () => {
    const dir = project({
      'uv.lock': uvLock('>=3.10', [
        ['numpy', '2.1.3', numpy213],
        ['six', '1.17.0', ['six-1.17.0-py2.py3-none-any.whl', 'six-1.17.0.tar.gz']],
      ]),
      Dockerfile: 'ARG PY=3.12.14\nFROM python:${PY}-slim-trixie AS build\nFROM python:3.12-alpine3.23\n',
      '.python-version': '3.12.14\n',
    });
    const { read, notes } = await bumpMinor(dir);
    expect(read('Dockerfile')).toBe(
      'ARG PY=3.13.15\nFROM python:${PY}-slim-trixie AS build\nFROM python:3.13-alpine3.23\n',
    );
    expect(read('.python-version')).toBe('3.13.15\n');
    expect(notes).toEqual([
      'Dockerfile:2: python:3.12.14-slim-trixie moved to Python 3.13, not 3.14: on python:3.14.7-slim-trixie numpy 2.1.3 has no cp314 wheel (source build)',
      'Dockerfile:3: python:3.12-alpine3.23 moved to Python 3.13, not 3.14: on python:3.14.7-alpine3.23 numpy 2.1.3 has no cp314 wheel (source build)',
    ]);
  });

  it('judges the architectures of the project: a wheel missing on arm64 only blocks when arm64 is judged', async () => {
    // A cp314 wheel for x86_64 only.
    const lock = uvLock('>=3.10', [
      [
        'fastcrc',
        '0.3.2',
        [
          'fastcrc-0.3.2.tar.gz',
          ...['312', '313'].flatMap((py) => [
            `fastcrc-0.3.2-cp${py}-cp${py}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
            `fastcrc-0.3.2-cp${py}-cp${py}-manylinux_2_17_aarch64.manylinux2014_aarch64.whl`,
          ]),
          'fastcrc-0.3.2-cp314-cp314-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
        ],
      ],
    ]);
    const files = { 'uv.lock': lock, Dockerfile: 'FROM python:3.12.14-slim-trixie\n' };
    const both = await bumpMinor(project(files));
    expect(both.read('Dockerfile')).toBe('FROM python:3.13.15-slim-trixie\n');
    expect(both.notes).toEqual([
      'Dockerfile:1: python:3.12.14-slim-trixie moved to Python 3.13, not 3.14: on python:3.14.7-slim-trixie fastcrc 0.3.2 has no cp314 wheel on arm64 (source build)',
    ]);
    const amd64 = await bumpMinor(project(files), { archs: ['amd64'] });
    expect(amd64.read('Dockerfile')).toBe('FROM python:3.14.7-slim-trixie\n');
    expect(amd64.result.plan.dependencies?.archs).toEqual(['amd64']);
  });

  it('reads the dependency file once and judges each image once, a few images per run of the engine', async () => {
    const dir = copy('fix-minor-per-image');
    const read = await readFixDependencies(dir, { catalog });
    const facts = read.facts!;
    const runs: string[][] = [];
    const images = facts.images.bind(facts);
    facts.images = (tags, at) => {
      runs.push([...tags]);
      return images(tags, at);
    };
    const { read: file } = await bumpMinor(dir, { dependencies: facts });
    expect(file('services/api/Dockerfile')).toBe('FROM python:3.12.14-slim-trixie\nCOPY . /app\n');
    // Round 1: the newest minor of each reference; 2: the current images, since pyarrow would not
    // install from a wheel there; 3: the next older minor. 3.12.14-slim-trixie, where services/api
    // goes, was judged in round 2 as the current image of Dockerfile.
    expect(runs).toEqual([
      ['3.14.7-slim-trixie', '3.14.7-alpine3.23'],
      ['3.12.14-slim-trixie', '3.12.14-alpine3.23', '3.11.16-slim-trixie'],
      ['3.13.15-slim-trixie'],
    ]);
    expect(new Set(runs.flat()).size).toBe(runs.flat().length);
  });

  it("refuses a Python the dependency file's own constraint excludes", async () => {
    const dir = copy('deps-pipfile');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.11.14-slim-trixie\n');
    const { read, result } = await bumpMinor(dir);
    expect(read('Dockerfile')).toBe('FROM python:3.11.16-slim-trixie\n');
    const held = result.plan.diagnostics.find((d) => d.message.includes('held at'))!;
    expect(held.message).toContain(
      "held at Python 3.11 (moved to its newest patch, 3.11.16-slim-trixie): on python:3.14.7-slim-trixie the project requires Python '3.11' (Pipfile.lock), which excludes CPython 3.14.7;",
    );
    expect(held.hint).toBe(
      'widen the Python Pipfile.lock requires to move, or pass --no-deps-check to move without judging the dependencies',
    );
  });

  it('names only the exclusion for a Python the lock excludes, and the packages only where they block', async () => {
    // prowler's uv.lock requires '>=3.11, <3.13': 3.13 and 3.14 are excluded by the lock itself,
    // 3.12 is blocked on arm64 by a package without a cp312 aarch64 wheel.
    const dir = project({
      'uv.lock': readFileSync(
        join(repoRoot, '../shared/corpus/lockfiles/prowler-cloud__prowler/uv.lock'),
        'utf8',
      ),
      Dockerfile: 'FROM python:3.11.9-slim-bookworm\n',
    });
    const { result } = await bumpMinor(dir);
    const held = result.plan.diagnostics.find((d) => d.message.includes('held at'))!;
    const [on314, on313, on312] = held.message.split('; ');
    expect(on314).toMatch(
      /on python:3\.14\.\d+-slim-bookworm the project requires Python '>=3\.11, <3\.13' \(uv\.lock\), which excludes CPython 3\.14\.\d+$/,
    );
    expect(on313).toMatch(
      /^on python:3\.13\.\d+-slim-bookworm the project requires Python '>=3\.11, <3\.13' \(uv\.lock\), which excludes CPython 3\.13\.\d+$/,
    );
    expect(on312).toMatch(/^on python:3\.12\.\d+-slim-bookworm .* has no cp312 wheel on arm64/);
    expect(held.hint).toContain(
      'upgrade the packages named (in uv.lock) to move, widen the Python uv.lock requires for the newer minors',
    );
    expect(held.hint).toMatch(/pybase deps --image python:3\.12\./);
  });

  it('stops before planning anything when the dependency file cannot be read, or reads with errors', async () => {
    for (const [name, text, message] of [
      ['uv.lock', 'version = 1\n[[package]\nname = "x"\n', /uv\.lock:2:\d+: not valid TOML/],
      [
        'poetry.lock',
        '[[package]]\nname = "six"\nversion = "1.17.0"\n',
        /poetry\.lock:1: no \[metadata\] section/,
      ],
    ] as const) {
      const dir = project({ [name]: text, Dockerfile: 'FROM python:3.12.11-slim-trixie\n' });
      const error = await bumpMinor(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isPybaseError(error), name).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM python:3.12.11-slim-trixie\n');
      // Not judging them does not read them.
      const moved = await bumpMinor(dir, { checkDependencies: false });
      expect(moved.read('Dockerfile')).toBe('FROM python:3.14.7-slim-trixie\n');
    }
  });

  it('says which packages it could not judge, when the dependency file names no files for them', async () => {
    const dir = project({
      'requirements.txt': 'numpy==1.26.4\nsix==1.17.0\n',
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
    });
    const { read, result } = await bumpMinor(dir);
    expect(read('Dockerfile')).toBe('FROM python:3.14.7-slim-trixie\n');
    expect(result.plan.diagnostics.map((d) => d.message)).toEqual([
      '--bump minor judged requirements.txt offline, and it names no files for 2 packages (numpy, six): whether they install from wheels on the new Python is unknown',
    ]);
  });

  it('other modes never read the dependencies', async () => {
    const dir = project({ 'uv.lock': 'not toml at all [', Dockerfile: 'FROM python:3.12.11-slim-trixie\n' });
    for (const bump of ['patch', 'distro'] as const) {
      const result = await fixProject(dir, { date, catalog, target: { kind: 'bump', bump }, dryRun: true });
      expect(result.plan.dependencies).toBeUndefined();
    }
  });
});
