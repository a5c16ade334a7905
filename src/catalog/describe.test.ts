import { describe, expect, it } from 'vitest';
import { createCatalog } from './catalog.js';
import { describeReference } from './describe.js';
import { listImages } from './list.js';

const catalog = createCatalog();
const keys = (text: string, date: string) =>
  describeReference(text, { catalog, date }).problems.map((p) => p.key);

describe('describeReference', () => {
  it('resolves a floating tag and says how it floats', () => {
    const r = describeReference('python:3.12-slim', { catalog, date: '2025-06-01' });
    expect(r.resolution?.fullTag).toMatch(/^3\.12\.\d+-slim-bookworm$/);
    expect(keys('python:3.12-slim', '2025-06-01')).toEqual(
      expect.arrayContaining(['PB003', 'PB004', 'PB005']),
    );
    const after = describeReference('python:3.12-slim', { catalog, date: '2025-09-01' });
    expect(after.resolution?.fullTag).toMatch(/-slim-trixie$/);
    expect(after.problems.find((p) => p.key === 'PB004')?.message).toMatch(
      /now trixie; it was 3\.12\.\d+-slim-bookworm until 2025-08/,
    );
  });

  it('reports a gone tag with end of life from the data, and what it named last', () => {
    const r = describeReference('python:3.9-alpine', { catalog, date: '2026-11-27' });
    expect(r.status?.published).toBe(false);
    expect(r.resolvedAsOf).toBe(
      r.status?.removedOn && new Date(Date.parse(r.status.removedOn) - 86_400_000).toISOString().slice(0, 10),
    );
    expect(r.python?.status).toBe('eol');
    expect(r.problems.map((p) => p.key)).toEqual(expect.arrayContaining(['PB007', 'PB101']));
    expect(r.problems.find((p) => p.key === 'PB101')?.severity).toBe('error');
  });

  it('says a tag first listed after the date was not yet published, and suggests only tags of that time', () => {
    const r = describeReference('python:3.12-slim', { catalog, date: '2023-01-01' });
    expect(r.problems.map((p) => p.key)).toEqual(['PB006']);
    expect(r.problems[0]?.message).toMatch(
      /^python:3\.12-slim was not yet published at 2023-01-01 \(first listed 2023-10-03\)/,
    );
    expect(r.problems[0]?.severity).toBe('error');
    expect(r.suggestions?.length).toBeGreaterThan(0);
    for (const s of r.suggestions ?? []) {
      expect(catalog.tagIntervals(s.tag)[0]!.from <= '2023-01-01', s.tag).toBe(true);
    }
  });

  it('suggests real tags for one never published', () => {
    const r = describeReference('python:3.12-slim-bookwork', { catalog, date: '2026-11-27' });
    expect(r.suggestions?.[0]?.tag).toBe('3.12-slim-bookworm');
    expect(r.problems.map((p) => p.key)).toContain('PB006');
    const comma = describeReference('python:3,12', { catalog, date: '2026-11-27' });
    expect(comma.suggestions?.[0]?.tag).toBe('3.12');
    // Tags are lower case: the same tag in another case comes first.
    const upper = describeReference('python:3.12-SLIM', { catalog, date: '2026-11-27' });
    expect(upper.suggestions?.[0]).toEqual({ tag: '3.12-slim', published: true, distance: 0 });
    expect(upper.problems.find((p) => p.key === 'PB006')?.message).toMatch(/did you mean 3\.12-slim, /);
    expect(catalog.suggest('3.12-Slim-Trixie', '2026-11-27')[0]?.tag).toBe('3.12-slim-trixie');
    // One no longer listed at the date is still named first, as not published.
    expect(catalog.suggest('3.9-ALPINE', '2026-11-27')[0]).toMatchObject({
      tag: '3.9-alpine',
      published: false,
    });
  });

  it('says why a frozen tag is replaced by a newer minor than the nearest supported one', () => {
    const r = describeReference('python:3.9-alpine', { catalog, date: '2026-11-27' });
    expect(r.problems.find((p) => p.key === 'PB007')?.message).toMatch(
      /use 3\.12\.\d+-alpine3\.\d+ instead, the nearest newer Python with a year of support left: 3\.11 ends 2027-10-31$/,
    );
  });

  it('has nothing to say about other images and does not flag a fully pinned current tag', () => {
    expect(keys('node:20', '2026-11-27')).not.toContain('PB001');
    const digest = `sha256:${'0'.repeat(64)}`;
    const pinned = keys(`python:3.13.13-slim-trixie@${digest}`, '2026-05-01');
    expect(pinned.filter((k) => k.startsWith('PB'))).toEqual([]);
  });

  it('does not take a digest without a tag for python:latest: the tag behind it is unknown offline', () => {
    const digest = `sha256:${'0'.repeat(63)}1`;
    for (const text of [`python@${digest}`, `docker.io/library/python@${digest}`]) {
      const r = describeReference(text, { catalog, date: '2026-11-27' });
      expect(r.digestOnly).toBe(true);
      expect(r.resolution).toBeUndefined();
      expect(r.rebuild).toBeUndefined();
      expect(r.python).toBeUndefined();
      expect(r.problems.map((p) => p.key)).toEqual(['digest-only']);
      expect(r.problems[0]?.message).toMatch(/the tag behind this digest is unknown offline/);
      expect(r.problems[0]?.message).toMatch(/pybase tag --online/);
    }
    // A tag beside the digest is still read.
    expect(describeReference(`python:3.12-slim@${digest}`, { catalog, date: '2026-11-27' }).digestOnly).toBe(
      undefined,
    );
  });

  it('flags latest, major-only and pre-releases', () => {
    expect(keys('python', '2026-01-01')).toContain('PB001');
    expect(keys('python:3-slim', '2026-01-01')).toContain('PB002');
    expect(keys('python:3.15.0rc1-slim-trixie', '2026-08-20')).toContain('PB008');
  });
});

describe('listImages', () => {
  it('lists only fully specified images published at the date, filtered', () => {
    const images = listImages({ catalog, date: '2026-08-20', filter: '3.12-slim' });
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      expect(image.fullTag).toMatch(/^3\.12\.\d+-slim-[a-z]+$/);
      expect(catalog.isPublished(image.fullTag, '2026-08-20')).toBe(true);
      expect(image.tags[0]).toBe(image.fullTag);
    }
    expect(images.some((i) => i.tags.includes('3.12-slim'))).toBe(true);
  });

  it('filters by architecture and marks end of life', () => {
    const all = listImages({ catalog, date: '2026-08-20' });
    const s390x = listImages({ catalog, date: '2026-08-20', arch: 's390x' });
    expect(s390x.length).toBeLessThan(all.length);
    expect(s390x.every((i) => i.architectures?.includes('s390x'))).toBe(true);
    const older = listImages({ catalog, date: '2026-08-20', filter: '3.10' });
    expect(older.every((i) => i.status === 'eol-soon' || i.status === 'eol')).toBe(true);
  });

  it('latest keeps the images the tag latest names, not every image', () => {
    const all = listImages({ catalog, date: '2026-08-20' });
    for (const filter of ['latest', 'LATEST']) {
      const latest = listImages({ catalog, date: '2026-08-20', filter, frozenWithinDays: 400 });
      expect(latest.map((i) => i.fullTag)).toEqual([
        '3.14.7-trixie',
        '3.14.7-windowsservercore-ltsc2022',
        '3.14.7-windowsservercore-ltsc2025',
      ]);
      expect(latest.length).toBeLessThan(all.length);
      expect(latest.every((i) => i.tags.includes('latest'))).toBe(true);
    }
  });

  it('reads filters in any case, and every part written must match', () => {
    const slim = listImages({ catalog, date: '2026-08-20', filter: '3.12-SLIM' });
    expect(slim.map((i) => i.fullTag)).toEqual(
      listImages({ catalog, date: '2026-08-20', filter: '3.12-slim' }).map((i) => i.fullTag),
    );
    const rc = listImages({ catalog, date: '2026-08-20', filter: 'rc' });
    expect(rc.length).toBeGreaterThan(0);
    expect(rc.every((i) => i.status === 'prerelease')).toBe(true);
    const trixie = listImages({ catalog, date: '2026-08-20', filter: 'slim-trixie' });
    expect(trixie.every((i) => i.variant === 'slim' && i.distro === 'trixie')).toBe(true);
  });

  it('gives frozen tags the architectures of their last listing', () => {
    const frozen = listImages({ catalog, date: '2026-08-20', frozenWithinDays: 200 }).filter(
      (i) => i.status === 'frozen',
    );
    expect(frozen.length).toBeGreaterThan(0);
    expect(frozen.every((i) => (i.architectures?.length ?? 0) > 0)).toBe(true);
    const s390x = listImages({ catalog, date: '2026-08-20', frozenWithinDays: 200, arch: 's390x' }).filter(
      (i) => i.status === 'frozen',
    );
    expect(s390x.length).toBeLessThan(frozen.length);
    expect(s390x.every((i) => i.architectures?.includes('s390x'))).toBe(true);
  });

  it('lists recently frozen tags with their replacement', () => {
    const images = listImages({
      catalog,
      date: '2026-08-20',
      filter: '3.12-slim-trixie',
      frozenWithinDays: 200,
    });
    const frozen = images.filter((i) => i.status === 'frozen');
    expect(frozen.length).toBeGreaterThan(0);
    expect(frozen.every((i) => !catalog.isPublished(i.fullTag, '2026-08-20') && i.replacement)).toBe(true);
  });
});
