import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { createCatalog } from '../catalog/catalog.js';
import { parseIsoDate } from '../model/date.js';
import { candidateImages, candidateList } from './candidates.js';
import { analyzeDependencies } from './engine.js';
import { readProjectDependencies } from './project.js';
import { analyzeDependencyFile, type DependencyAnalysisRequest, maxCacheEntries } from './result-cache.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures');
const catalog = createCatalog();
const date = parseIsoDate('2026-08-13');
const images = candidateImages(catalog, date);

const temps = tempDirs();

/** A copy of a fixture project, so its files can be changed. */
function project(name: string): string {
  const dir = temps.make('pybase-result-cache-project-');
  cpSync(path.join(fixtures, name), dir, { recursive: true });
  return dir;
}

function request(
  file: string,
  kind: DependencyAnalysisRequest['kind'],
  cacheDir: string | undefined,
  extra: Partial<DependencyAnalysisRequest> = {},
): DependencyAnalysisRequest {
  return {
    file,
    kind,
    images,
    archs: ['amd64', 'arm64v8'],
    date,
    offline: true,
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...extra,
  };
}

describe('analyzeDependencyFile', () => {
  it('serves a second run from the cache with the same report as the engine computes', async () => {
    const dir = project('deps-numpy-1.24.4');
    const cache = temps.make('pybase-result-cache-');
    const file = path.join(dir, 'pdm.lock');
    const first = await analyzeDependencyFile(request(file, 'pdm.lock', cache));
    expect(first.fromCache).toBe(false);
    expect(readdirSync(cache)).toHaveLength(1);
    const { statSync } = await import('node:fs');
    expect(statSync(path.join(cache, readdirSync(cache)[0] ?? '')).mode & 0o077).toBe(0);
    const second = await analyzeDependencyFile(request(file, 'pdm.lock', cache));
    expect(second.fromCache).toBe(true);
    expect(JSON.stringify(second.report, null, 2)).toBe(JSON.stringify(first.report, null, 2));
    expect(second.requiresPython).toBe(first.requiresPython);
    // The same as reading the file and running the engine directly.
    const direct = await analyzeDependencies({
      deps: readProjectDependencies(dir),
      images,
      archs: ['amd64', 'arm64v8'],
      date,
      offline: true,
    });
    expect(JSON.stringify(second.report)).toBe(JSON.stringify(direct));
  });

  it('takes a candidate list by its key: a hit hands back the stored list without computing it', async () => {
    const dir = project('deps-numpy-1.24.4');
    const cache = temps.make('pybase-result-cache-');
    const file = path.join(dir, 'pdm.lock');
    let computed = 0;
    const named = (on = date, from = catalog) => {
      const list = candidateList(from, on);
      return {
        key: list.key,
        list: () => {
          computed++;
          return list.list();
        },
      };
    };
    const first = await analyzeDependencyFile(request(file, 'pdm.lock', cache, { images: named() }));
    expect(first.fromCache).toBe(false);
    expect(computed).toBe(1);
    expect(first.images).toEqual(images);
    const second = await analyzeDependencyFile(request(file, 'pdm.lock', cache, { images: named() }));
    expect(second.fromCache).toBe(true);
    expect(computed).toBe(1);
    // The whole list, in its order, images the report leaves out included.
    expect(second.images).toEqual(images);
    expect(JSON.stringify(second.report)).toBe(JSON.stringify(first.report));
    // Another date names another list; so does other data (a snapshot with one tag list less).
    const other = parseIsoDate('2026-05-01');
    const third = await analyzeDependencyFile(
      request(file, 'pdm.lock', cache, { date: other, images: named(other) }),
    );
    expect(third.fromCache).toBe(false);
    expect(third.images).toEqual(candidateImages(catalog, other));
    const snapshot = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../data/snapshot.json'), 'utf8'),
    );
    snapshot.imageLists = snapshot.imageLists.slice(0, -1);
    const changedFile = path.join(temps.make('pybase-result-cache-data-'), 'snapshot.json');
    writeFileSync(changedFile, JSON.stringify(snapshot));
    const changed = createCatalog({ snapshotPath: changedFile });
    expect(changed.dataIdentity()).not.toBe(catalog.dataIdentity());
    const fourth = await analyzeDependencyFile(
      request(file, 'pdm.lock', cache, { images: named(date, changed) }),
    );
    expect(fourth.fromCache).toBe(false);
  });

  it('stores nothing without a cache directory', async () => {
    const dir = project('deps-numpy-1.24.4');
    const r = await analyzeDependencyFile(request(path.join(dir, 'pdm.lock'), 'pdm.lock', undefined));
    expect(r.fromCache).toBe(false);
    expect(r.report.packages.length).toBeGreaterThan(0);
  });

  it('misses when any input of the key changes', async () => {
    const dir = project('deps-numpy-1.24.4');
    const cache = temps.make('pybase-result-cache-');
    const file = path.join(dir, 'pdm.lock');
    const base = request(file, 'pdm.lock', cache);
    await analyzeDependencyFile(base);
    expect((await analyzeDependencyFile(base)).fromCache).toBe(true);
    const variants: DependencyAnalysisRequest[] = [
      { ...base, date: parseIsoDate('2026-05-01'), images: candidateImages(catalog, '2026-05-01') },
      { ...base, date: parseIsoDate('2026-08-14') },
      { ...base, archs: ['amd64'] },
      { ...base, images: images.slice(1) },
      { ...base, offline: false },
      { ...base, with: ['*'] },
    ];
    for (const v of variants) expect((await analyzeDependencyFile(v)).fromCache).toBe(false);
    // The file's bytes: one more space at the end.
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
    expect((await analyzeDependencyFile(base)).fromCache).toBe(false);
    expect((await analyzeDependencyFile(base)).fromCache).toBe(true);
  });

  it('misses when an included requirements file or the pyproject beside a Poetry lock changes', async () => {
    const cache = temps.make('pybase-result-cache-');
    const reqs = project('deps-requirements');
    const main = request(path.join(reqs, 'requirements.txt'), 'requirements', cache);
    const before = await analyzeDependencyFile(main);
    expect((await analyzeDependencyFile(main)).fromCache).toBe(true);
    const base = path.join(reqs, 'sub', 'base.txt');
    writeFileSync(base, `${readFileSync(base, 'utf8')}\ncertifi==2024.2.2\n`);
    const after = await analyzeDependencyFile(main);
    expect(after.fromCache).toBe(false);
    expect(after.report.packages.map((p) => p.name)).toContain('certifi');
    expect(before.report.packages.map((p) => p.name)).not.toContain('certifi');

    const poetry = project('deps-poetry-2.0');
    const lock = request(path.join(poetry, 'poetry.lock'), 'poetry.lock', cache);
    await analyzeDependencyFile(lock);
    expect((await analyzeDependencyFile(lock)).fromCache).toBe(true);
    const pyproject = path.join(poetry, 'pyproject.toml');
    writeFileSync(pyproject, `${readFileSync(pyproject, 'utf8')}\n# changed\n`);
    expect((await analyzeDependencyFile(lock)).fromCache).toBe(false);
  });

  it('ignores a corrupt or mismatched entry and rewrites it', async () => {
    const dir = project('deps-numpy-1.24.4');
    const cache = temps.make('pybase-result-cache-');
    const req = request(path.join(dir, 'pdm.lock'), 'pdm.lock', cache);
    const first = await analyzeDependencyFile(req);
    const [name] = readdirSync(cache);
    const entry = path.join(cache, name ?? '');
    const good = readFileSync(entry, 'utf8');
    for (const bad of [
      good.slice(0, good.length / 2),
      '{}',
      good.replace(/"key":"[0-9a-f]+"/, `"key":"${'0'.repeat(64)}"`),
      good.replace(/"packages":\[(\d+)/, '"packages":[999999'),
    ]) {
      writeFileSync(entry, bad);
      const r = await analyzeDependencyFile(req);
      expect(r.fromCache).toBe(false);
      expect(JSON.stringify(r.report)).toBe(JSON.stringify(first.report));
      expect(readFileSync(entry, 'utf8')).toBe(good);
      expect((await analyzeDependencyFile(req)).fromCache).toBe(true);
    }
    // No temporary file is left behind.
    expect(readdirSync(cache)).toEqual([name]);
  });

  it('does not store a result that needed the package index', async () => {
    const dir = project('deps-requirements');
    const cache = temps.make('pybase-result-cache-');
    // Online, but no index is supplied: pinned packages without files stay unknown, and such a
    // result is never stored (an index run would answer differently).
    const req = request(path.join(dir, 'requirements.txt'), 'requirements', cache, {
      offline: false,
      index: async () => undefined,
    });
    const r = await analyzeDependencyFile(req);
    expect(r.report.incomplete).toBe(true);
    expect(readdirSync(cache)).toEqual([]);
    expect((await analyzeDependencyFile({ ...req, offline: true })).fromCache).toBe(false);
    expect((await analyzeDependencyFile({ ...req, offline: true })).fromCache).toBe(true);
  });

  it('keeps at most maxCacheEntries entries, removing the oldest', async () => {
    const dir = project('deps-numpy-1.24.4');
    const cache = temps.make('pybase-result-cache-');
    const { utimesSync } = await import('node:fs');
    const old = path.join(cache, `${'a'.repeat(64)}.json`);
    writeFileSync(old, '{}');
    utimesSync(old, new Date('2000-01-01'), new Date('2000-01-01'));
    for (let i = 1; i < maxCacheEntries; i++)
      writeFileSync(path.join(cache, `${i.toString(16).padStart(64, '0')}.json`), '{}');
    expect(readdirSync(cache)).toHaveLength(maxCacheEntries);
    await analyzeDependencyFile(request(path.join(dir, 'pdm.lock'), 'pdm.lock', cache));
    const left = readdirSync(cache);
    expect(left).toHaveLength(maxCacheEntries);
    expect(left).not.toContain(path.basename(old));
  });
});
