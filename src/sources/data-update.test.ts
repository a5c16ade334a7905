import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushPythonImages } from '../../test/support/python-images.js';
import { type RegistryHarness, requireRegistry, startRegistry } from '../../test/support/registry.js';
import { TagHistory } from '../catalog/history.js';
import { loadSnapshot, type SnapshotFile } from '../data/snapshot.js';
import { isPybaseError, type PybaseError } from '../model/diagnostic.js';
import {
  applyLibraryFile,
  dataStatus,
  parseLibraryFile,
  refreshedSnapshotPath,
  resolveDataDir,
  updateData,
} from './data-update.js';
import type { Fetcher, FetcherResponse } from './http.js';

const embedded = loadSnapshot();
const nodeFetcher: Fetcher = (url, init) => fetch(url, init) as unknown as Promise<FetcherResponse>;

/** Writes the newest image list of a snapshot back in the library/python format. */
function renderLibrary(snapshot: SnapshotFile, edit: (entries: string[][]) => string[][] = (e) => e): string {
  const names = new TagHistory(snapshot.history).tagsById();
  const last = snapshot.imageLists[snapshot.imageLists.length - 1];
  if (!last) throw new Error('snapshot without image lists');
  const rows = last.entries.map(([dir, tags, shared, set]) => [
    dir,
    tags.map((t) => names[t]).join(', '),
    shared.map((t) => names[t]).join(', '),
    (snapshot.archSets[set] ?? []).join(', '),
  ]);
  const paragraphs = edit(rows).map(([dir, tags, shared, archs]) =>
    [
      `Tags: ${tags}`,
      ...(shared ? [`SharedTags: ${shared}`] : []),
      `Architectures: ${archs}`,
      'GitCommit: 0123abc',
      `Directory: ${dir}`,
    ].join('\n'),
  );
  return `# this file is generated via https://github.com/docker-library/python/blob/x/generate-stackbrew-library.sh\n\nMaintainers: Someone (@someone)\nGitRepo: https://github.com/docker-library/python.git\n\n${paragraphs.join('\n\n')}\n`;
}

describe('library/python parsing and the tag history', () => {
  it('joins continuation lines, drops comments, reads header and entries', () => {
    const file = parseLibraryFile(
      'Maintainers: A (@a),\n  B (@b)\nGitRepo: https://x/python.git\n\n# comment\nTags: 3.12.1-slim, 3.12-slim\nSharedTags: 3.12.1,\n 3.12\nArchitectures: amd64, arm64v8\nDirectory: 3.12/slim-bookworm\n\nTags: 3.12-windowsservercore\nArchitectures: windows-amd64\nConstraints: windowsservercore-ltsc2022\nBuilder: classic\nDirectory: 3.12/windows/windowsservercore-ltsc2022\n',
    );
    expect(file.gitRepo).toBe('https://x/python.git');
    expect(file.entries[0]).toEqual({
      tags: ['3.12.1-slim', '3.12-slim'],
      sharedTags: ['3.12.1', '3.12'],
      architectures: ['amd64', 'arm64v8'],
      directory: '3.12/slim-bookworm',
    });
    expect(file.entries[1]).toMatchObject({
      constraints: ['windowsservercore-ltsc2022'],
      builder: 'classic',
    });
  });

  it('reports the line of a malformed paragraph', () => {
    expect(() => parseLibraryFile('Maintainers: a\n\nTags: x\nthis is not a field\n', 'lib')).toThrow(
      /lib:4:/,
    );
    expect(() => parseLibraryFile('Maintainers: a\n')).toThrow(/no entry/);
  });

  it('the current list written back changes nothing', () => {
    const { snapshot, change } = applyLibraryFile(
      embedded,
      parseLibraryFile(renderLibrary(embedded)),
      '2026-09-01',
      'x',
    );
    expect(change).toEqual({ added: [], removed: [], changed: false });
    expect(snapshot.imageLists).toHaveLength(embedded.imageLists.length);
    expect(snapshot.tagList).toEqual({ lastChange: embedded.tagList.lastChange, checkedAt: '2026-09-01' });
    // Same tags listed on the last embedded change and after the refresh.
    const before = new TagHistory(embedded.history);
    const after = new TagHistory(snapshot.history);
    expect(after.listedAt(after.stateAt('2026-09-01'))).toEqual(
      before.listedAt(before.stateAt('2026-09-01')),
    );
  });

  it('added and removed tags open and close intervals; older image lists keep their tags', () => {
    const text = renderLibrary(embedded, (rows) => [
      ...rows.filter((r) => !(r[0] ?? '').startsWith('3.10/')),
      ['3.16-rc/trixie', '3.16.0a1-trixie, 3.16-rc-trixie', '', 'amd64, arm64v8, riscv64'],
    ]);
    const { snapshot, change } = applyLibraryFile(
      embedded,
      parseLibraryFile(text),
      '2026-09-01',
      'refreshed/library-python',
    );
    expect(change.added).toEqual(['3.16-rc-trixie', '3.16.0a1-trixie']);
    expect(change.removed).toContain('3.10-slim');
    expect(change.removed.every((t) => t.startsWith('3.10'))).toBe(true);
    const history = new TagHistory(snapshot.history);
    expect(history.isListedAt('3.10-slim', history.stateAt('2026-08-31'))).toBe(true);
    expect(history.isListedAt('3.10-slim', history.stateAt('2026-09-01'))).toBe(false);
    expect(history.intervals('3.16.0a1-trixie')).toEqual([{ from: '2026-09-01', to: null }]);
    expect(snapshot.tagList.lastChange).toBe('2026-09-01');
    // Re-numbering tags keeps every older image list naming the same tags.
    const oldNames = new TagHistory(embedded.history).tagsById();
    const newNames = history.tagsById();
    embedded.imageLists.forEach((list, i) => {
      const refreshed = snapshot.imageLists[i];
      expect(refreshed?.entries.map((e) => e[1].map((id) => newNames[id]))).toEqual(
        list.entries.map((e) => e[1].map((id) => oldNames[id])),
      );
    });
    const newest = snapshot.imageLists[snapshot.imageLists.length - 1];
    expect(newest?.date).toBe('2026-09-01');
    expect(snapshot.imageLists[snapshot.imageLists.length - 2]?.until).toBe('2026-09-01');
    const rc = newest?.entries.find((e) => e[0] === '3.16-rc/trixie');
    expect(snapshot.archSets[rc?.[3] ?? -1]).toEqual(['amd64', 'arm64v8', 'riscv64']);
  });

  it('finds the data directory like the cache', () => {
    expect(resolveDataDir({ dataDir: '/d' })).toBe('/d');
    expect(resolveDataDir({ env: { XDG_CACHE_HOME: '/xdg' } })).toBe('/xdg/pybase/data');
    expect(resolveDataDir({ env: { XDG_CACHE_HOME: 'relative' }, homedir: '/home/u' })).toBe(
      '/home/u/.cache/pybase/data',
    );
  });
});

const available = requireRegistry();

describe.skipIf(!available)('updateData against loopback servers and a real registry', () => {
  let harness: RegistryHarness;
  let server: Server;
  let base: string;
  const requests: string[] = [];
  const library = renderLibrary(embedded, (rows) => [
    ...rows,
    ['3.16-rc/trixie', '3.16.0a1-trixie, 3.16-rc-trixie', '', 'amd64, arm64v8'],
  ]);
  const pythonApi = embedded.python.cycles.map((c) => ({
    cycle: c.cycle,
    releaseDate: c.releaseDate,
    support: c.eoas,
    eol: c.eol,
    latest: c.cycle === '3.14' ? '3.14.8' : c.latest,
    latestReleaseDate: c.cycle === '3.14' ? '2026-09-02' : c.latestReleaseDate,
    lts: false,
  }));
  const debianApi = embedded.debian.cycles.map((c) => ({
    cycle: c.cycle,
    codename: c.codename.replace(/^./, (x) => x.toUpperCase()),
    releaseDate: c.releaseDate,
    eol: c.eol,
    extendedSupport: c.eoes,
    latest: c.latest,
    latestReleaseDate: null,
  }));

  beforeAll(async () => {
    harness = await startRegistry('none');
    await pushPythonImages(harness);
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const send = (body: unknown, type = 'application/json') =>
        res
          .writeHead(200, { 'content-type': type })
          .end(typeof body === 'string' ? body : JSON.stringify(body));
      if (req.url === '/api/python.json') send(pythonApi);
      else if (req.url === '/api/debian.json') send(debianApi);
      else if (req.url === '/official-images/library/python') send(library, 'text/plain; charset=utf-8');
      else res.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await harness?.stop();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('writes a refreshed snapshot the loader accepts, keeping the embedded data where a source failed', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pybase-data-')), 'nested', 'data');
    const result = await updateData({
      fetcher: nodeFetcher,
      today: '2026-09-03',
      dataDir: dir,
      http: { retries: 0 },
      endoflifeUrl: `${base}/api/`,
      libraryPythonUrl: `${base}/official-images/library/python`,
      registry: { registry: harness.host },
    });
    expect(result.sources.map((s) => [s.name, s.ok])).toEqual([
      ['library-python', true],
      ['python', true],
      ['debian', true],
      ['alpine', false],
      ['registry-tags', true],
    ]);
    expect(result.sources.find((s) => s.name === 'alpine')?.error).toContain('404');
    expect(result.tagList?.added).toEqual(['3.16-rc-trixie', '3.16.0a1-trixie']);
    expect(result.tagList?.removed).toEqual([]);
    expect(result.notPublished).toContain('3.14-slim');
    expect(result.notPublished).not.toContain('3.12-slim');
    expect(result.notPublished).not.toContain('3.12.14-slim-trixie');

    const refreshed = loadSnapshot(refreshedSnapshotPath(dir));
    expect(refreshed.dataDate).toBe('2026-09-03');
    expect(refreshed.tagList.checkedAt).toBe('2026-09-03');
    expect(new TagHistory(refreshed.history).intervals('3.16.0a1-trixie')).toEqual([
      { from: '2026-09-03', to: null },
    ]);
    expect(refreshed.python.cycles.find((c) => c.cycle === '3.14')?.latest).toBe('3.14.8');
    expect(refreshed.python.patches['3.14']?.at(-1)).toEqual(['3.14.8', '2026-09-02']);
    expect(refreshed.python.cycles.map((c) => c.eoas)).toEqual(embedded.python.cycles.map((c) => c.eoas));
    expect(refreshed.debian.cycles.map((c) => [c.codename, c.eoes])).toEqual(
      embedded.debian.cycles.map((c) => [c.codename, c.eoes]),
    );
    expect(refreshed.alpine).toEqual(embedded.alpine);
    expect(refreshed.sources['refreshed/endoflife-python']).toEqual({
      url: `${base}/api/python.json`,
      fetchedDate: '2026-09-03',
    });
    expect(refreshed.libc).toEqual(embedded.libc);

    const registryTags = JSON.parse(readFileSync(join(dir, 'registry-tags.json'), 'utf8'));
    expect(registryTags.tags).toContain('3.13-alpine');
    expect(registryTags.fetchedDate).toBe('2026-09-03');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const status = await dataStatus({ dataDir: dir, today: '2026-09-10' });
    expect(status.active).toBe('refreshed');
    const byName = Object.fromEntries(status.sources.map((s) => [s.name, s]));
    expect(byName['tag-list']).toMatchObject({
      origin: 'refreshed',
      date: '2026-09-03',
      ageDays: 7,
      stale: false,
    });
    expect(byName.alpine).toMatchObject({
      origin: 'embedded',
      date: '2026-06-22',
      stale: false,
      lastFailed: '2026-09-03',
    });
    expect(status.warnings.some((w) => w.startsWith('alpine: the last update failed on 2026-09-03'))).toBe(
      true,
    );

    const later = await dataStatus({ dataDir: dir, today: '2026-12-15' });
    expect(later.warnings.some((w) => w.startsWith('tag-list: 103 days old'))).toBe(true);
  });

  it('a later run that fails everywhere keeps the refreshed data and records the failures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-data-'));
    const common = { fetcher: nodeFetcher, dataDir: dir, http: { retries: 0 }, registry: false as const };
    await updateData({
      ...common,
      today: '2026-09-03',
      endoflifeUrl: `${base}/api`,
      libraryPythonUrl: `${base}/official-images/library/python`,
    });
    const first = readFileSync(refreshedSnapshotPath(dir), 'utf8');
    const result = await updateData({
      ...common,
      today: '2026-09-04',
      endoflifeUrl: `${base}/gone`,
      libraryPythonUrl: `${base}/gone`,
    });
    expect(result.sources.every((s) => !s.ok)).toBe(true);
    expect(readFileSync(refreshedSnapshotPath(dir), 'utf8')).toBe(first);
    const status = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'));
    expect(status.sources.python).toMatchObject({ refreshed: '2026-09-03', failed: '2026-09-04' });
  });

  it('a data directory that is a file, or under one, is an error naming it before anything is fetched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-data-'));
    writeFileSync(join(dir, 'afile'), 'mine\n');
    let asked = 0;
    const fetcher: Fetcher = () => {
      asked++;
      throw new Error('no network here');
    };
    for (const dataDir of [join(dir, 'afile'), join(dir, 'afile/sub')]) {
      const error = await updateData({ fetcher, dataDir, today: '2026-09-03', registry: false }).catch(
        (e: unknown) => e,
      );
      expect(isPybaseError(error)).toBe(true);
      const d = (error as PybaseError).diagnostic;
      expect(d.message).toMatch(/^data update: cannot use .*afile(\/sub)? as the data directory: /);
      expect(d.hint).toMatch(/--data-dir/);
    }
    expect(asked).toBe(0);
    expect(readFileSync(join(dir, 'afile'), 'utf8')).toBe('mine\n');
  });

  it('status without any refresh describes the embedded snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-data-'));
    const status = await dataStatus({ dataDir: dir, today: '2026-08-30' });
    expect(status.active).toBe('embedded');
    expect(existsSync(join(dir, 'snapshot.json'))).toBe(false);
    expect(status.sources.find((s) => s.name === 'tag-list')).toMatchObject({
      origin: 'embedded',
      date: embedded.tagList.checkedAt,
    });
    expect(status.sources.every((s) => s.origin === 'embedded')).toBe(true);
  });
});
