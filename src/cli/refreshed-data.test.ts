import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../test/support/run-main.js';
import { writeProject } from '../check/test-project.js';
import type { SnapshotFile } from '../data/snapshot.js';

const embeddedText = readFileSync(path.resolve(import.meta.dirname, '../data/snapshot.json'), 'utf8');
const embedded = JSON.parse(embeddedText) as SnapshotFile;
const now = '2026-11-27T12:00:00Z';

/** An XDG_CACHE_HOME whose pybase data directory holds `snapshot` (text, or the embedded data changed). */
function cacheHome(snapshot: string | ((s: SnapshotFile) => SnapshotFile)): string {
  const home = mkdtempSync(path.join(tmpdir(), 'pybase-refreshed-'));
  const dataDir = path.join(home, 'pybase', 'data');
  mkdirSync(dataDir, { recursive: true });
  const text = typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot(structuredClone(embedded)));
  writeFileSync(path.join(dataDir, 'snapshot.json'), text);
  return home;
}

/** What `pybase data update` would write on 2026-11-20: the embedded data, checked up to then. */
const refreshed = (s: SnapshotFile): SnapshotFile => ({
  ...s,
  dataDate: '2026-11-20',
  tagList: { ...s.tagList, checkedAt: '2026-11-20' },
});

function run(argv: string[], home: string, cwd = process.cwd()) {
  return runMain(argv, { cwd, env: { XDG_CACHE_HOME: home }, now });
}

describe('the refreshed data snapshot of the default data directory', () => {
  it('is read by every command without --data-dir when it is newer than the embedded one', async () => {
    const home = cacheHome(refreshed);
    const tag = await run(['tag', 'python:3.12-slim', '--json'], home);
    expect(tag.code).toBe(0);
    expect(JSON.parse(tag.out).dataAge).toMatchObject({
      dataDate: '2026-11-20',
      tagListCheckedAt: '2026-11-20',
    });
    const text = await run(['tag', 'python:3.12-slim'], home);
    expect(text.out).not.toContain('data update');
    expect(text.err).toBe('');

    const project = writeProject({ Dockerfile: 'FROM python:3.12.14-slim-trixie\n' });
    const check = await run(['check', project, '--format', 'json', '--fail-on', 'never'], home);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out).dataAge).toMatchObject({ dataDate: '2026-11-20', stale: false });

    const tags = await run(['tags', '3.12-slim', '--json'], home);
    expect(JSON.parse(tags.out).dataAge.dataDate).toBe('2026-11-20');

    const status = await run(['data', 'status', '--json'], home);
    expect(JSON.parse(status.out)).toMatchObject({ active: 'refreshed', dataDate: '2026-11-20' });
  });

  it('--data-dir still chooses the snapshot explicitly', async () => {
    const home = cacheHome(refreshed);
    const other = mkdtempSync(path.join(tmpdir(), 'pybase-explicit-'));
    writeFileSync(
      path.join(other, 'snapshot.json'),
      JSON.stringify({
        ...embedded,
        dataDate: '2026-10-01',
        tagList: { ...embedded.tagList, checkedAt: '2026-10-01' },
      }),
    );
    const tag = await run(['tag', 'python:3.12-slim', '--json', '--data-dir', other], home);
    expect(JSON.parse(tag.out).dataAge.dataDate).toBe('2026-10-01');
  });

  it('a refreshed snapshot no newer than the embedded one (pybase upgraded since) is passed over silently', async () => {
    const home = cacheHome((s) => ({ ...s, dataDate: '2026-01-01' }));
    const tag = await run(['tag', 'python:3.12-slim', '--json'], home);
    expect(JSON.parse(tag.out).dataAge.dataDate).toBe(embedded.dataDate);
    expect(tag.err).toBe('');
    const status = JSON.parse((await run(['data', 'status', '--json'], home)).out);
    expect(status).toMatchObject({ active: 'embedded', ignored: { kind: 'not-newer' } });
  });

  it.each([
    ['cut short', '{"format":1,"dataDate":"2026-11-20"'],
    ['of another format', JSON.stringify({ ...embedded, format: 99, dataDate: '2026-11-20' })],
    ['missing parts', JSON.stringify({ format: 1, dataDate: '2026-11-20', tagList: embedded.tagList })],
    [
      'with a malformed image list entry',
      JSON.stringify({
        ...embedded,
        dataDate: '2026-11-20',
        imageLists: embedded.imageLists.map((l, i, all) =>
          i === all.length - 1 ? { ...l, entries: [['x'], ...l.entries.slice(1)] } : l,
        ),
      }),
    ],
    [
      'with an architecture set id out of range',
      JSON.stringify({
        ...embedded,
        dataDate: '2026-11-20',
        imageLists: embedded.imageLists.map((l) => ({
          ...l,
          entries: l.entries.map((e) => [e[0], e[1], e[2], 999]),
        })),
      }),
    ],
  ])('a refreshed snapshot %s falls back to the embedded one with a one-line note', async (_what, text) => {
    const home = cacheHome(text);
    const tag = await run(['tag', 'python:3.12-slim', '--json'], home);
    expect(tag.code).toBe(0);
    expect(JSON.parse(tag.out).dataAge.dataDate).toBe(embedded.dataDate);
    const notes = tag.err.split('\n').filter(Boolean);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^pybase: note: the data snapshot .*snapshot\.json .*; using the embedded data \(2026-08-22\) instead/,
    );

    const project = writeProject({ Dockerfile: 'FROM python:3.12.14-slim-trixie\n' });
    const check = await run(['check', project, '--format', 'json', '--fail-on', 'never'], home);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out).dataAge.dataDate).toBe(embedded.dataDate);
    expect(check.err.split('\n').filter(Boolean)).toHaveLength(1);

    const status = JSON.parse((await run(['data', 'status', '--json'], home)).out);
    expect(status).toMatchObject({ active: 'embedded', ignored: { kind: 'unreadable' } });
  });
});
