import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../model/date.js';
import { isPybaseError } from '../model/diagnostic.js';
import { createCatalog } from './catalog.js';

const data = new URL('../../../shared/data/', import.meta.url);
function readData<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, data), 'utf8')) as T;
}

const tagHistory = readData<{ tags: Record<string, [string, string | null][]> }>(
  'official-images/python-tag-history.json',
);
const pythonCycles = readData<{
  releases: { cycle: string; eol: string; eoas: string; releaseDate: string }[];
}>('endoflife/python.json').releases;

const catalog = createCatalog();

describe('the tag list at a date', () => {
  it('agrees with the recorded intervals of a tag', () => {
    const [[from, to]] = tagHistory.tags.bullseye as [[string, string]];
    expect(catalog.tagIntervals('bullseye')).toEqual([{ from, to }]);
    expect(catalog.isPublished('bullseye', addDays(from, -1))).toBe(false);
    expect(catalog.isPublished('bullseye', from)).toBe(true);
    expect(catalog.isPublished('bullseye', addDays(to, -1))).toBe(true);
    expect(catalog.isPublished('bullseye', to)).toBe(false);
  });

  it('knows every tag of the history', () => {
    expect(catalog.allKnownTags()).toEqual(Object.keys(tagHistory.tags).sort());
    expect(catalog.publishedTags('2016-01-01')).toEqual([]);
  });

  it('rejects a malformed date with a PybaseError', () => {
    expect(() => catalog.publishedTags('2026-13-01')).toThrow(/not a date/);
    try {
      catalog.isPublished('3.12', 'yesterday');
    } catch (error) {
      expect(isPybaseError(error)).toBe(true);
    }
  });
});

describe('resolve', () => {
  it('3.12-slim is bookworm on 2025-06-01 and trixie on 2025-09-01', () => {
    const june = catalog.resolve('3.12-slim', '2025-06-01');
    expect(june?.parsed.distro?.name).toBe('bookworm');
    expect(june?.fullTag).toMatch(/^3\.12\.\d+-slim-bookworm$/);
    expect(june?.floating).toBe(true);
    const september = catalog.resolve('3.12-slim', '2025-09-01');
    expect(september?.parsed.distro?.name).toBe('trixie');
    expect(september?.fullTag).toMatch(/^3\.12\.\d+-slim-trixie$/);
    // The switch happened when trixie tags first appeared in the list.
    const [[trixieFrom]] = tagHistory.tags['3.12-slim-trixie'] as [[string, null]];
    expect(september?.since).toBe(trixieFrom);
    expect(september?.previous?.fullTag).toMatch(/-slim-bookworm$/);
    expect(september?.previous?.until).toBe(trixieFrom);
  });

  it('marks architectures between recorded lists as approximate', () => {
    const between = catalog.resolve('3.12-slim', '2025-06-01');
    expect(between?.architecturesExact).toBe(false);
    expect(between?.architectures?.length).toBeGreaterThan(0);
    expect(between?.architectures).toContain('amd64');
  });

  it('a fully specified tag names itself, since it first appeared', () => {
    const r = catalog.resolve('3.12.14-slim-trixie', '2026-08-20');
    const [[from]] = tagHistory.tags['3.12.14-slim-trixie'] as [[string, null]];
    expect(r?.fullTag).toBe('3.12.14-slim-trixie');
    expect(r?.floating).toBe(false);
    expect(r?.since).toBe(from);
    expect(r?.previous).toBeUndefined();
  });

  it('latest spans Linux and Windows and follows the newest stable minor', () => {
    const r = catalog.resolve('latest', '2026-08-20');
    expect(r?.fullTag).toMatch(/^3\.14\.\d+-trixie$/);
    expect(r?.otherPlatforms.map((o) => o.fullTag)).toEqual([
      expect.stringMatching(/-windowsservercore-ltsc2025$/),
      expect.stringMatching(/-windowsservercore-ltsc2022$/),
    ]);
    expect(r?.otherPlatforms[0]?.sameImage).toContain('latest');
  });

  it('follows the pre-release line with 3.15-rc', () => {
    expect(catalog.resolve('3.15-rc', '2026-08-20')?.fullTag).toBe('3.15.0rc1-trixie');
    expect(catalog.resolve('3.15-rc-alpine', '2026-08-20')?.fullTag).toBe('3.15.0rc1-alpine3.24');
  });

  it('is undefined for a tag not listed at the date', () => {
    expect(catalog.resolve('3.9-alpine', '2026-11-27')).toBeUndefined();
    expect(catalog.resolve('3.12-slim-bookwork', '2026-08-20')).toBeUndefined();
    expect(catalog.resolve('3,12', '2026-08-20')).toBeUndefined();
  });

  it('answers a date past the data from the last tag list', () => {
    expect(catalog.resolve('3.12-slim', '2030-01-01')?.fullTag).toBe(
      catalog.resolve('3.12-slim', '2026-08-21')?.fullTag,
    );
  });
});

describe('architecturesAt', () => {
  it('answers what resolve answers, for every tag listed at dates inside, before and after the tag lists', () => {
    let compared = 0;
    let withArchitectures = 0;
    for (const date of ['2017-03-01', '2021-06-15', '2025-09-01', '2026-11-27']) {
      for (const tag of catalog.publishedTags(date)) {
        const resolution = catalog.resolve(tag, date);
        const archs = catalog.architecturesAt(tag, date);
        expect(archs, `${tag} at ${date}`).toEqual(resolution ? (resolution.architectures ?? []) : undefined);
        compared++;
        if (archs && archs.length > 0) withArchitectures++;
      }
    }
    // The comparison means something only when many tags carry architectures.
    expect(compared).toBeGreaterThan(400);
    expect(withArchitectures).toBeGreaterThan(200);
  });

  it('is undefined for a tag not listed at the date', () => {
    expect(catalog.architecturesAt('3.14-slim-trixie', '2020-01-01')).toBeUndefined();
    expect(catalog.architecturesAt('no-such-tag', '2026-11-27')).toBeUndefined();
  });
});

describe('3.9-alpine on 2026-11-27', () => {
  const date = '2026-11-27';
  const cycle = pythonCycles.find((c) => c.cycle === '3.9');

  it('Python 3.9 is end of life, with the date from the data', () => {
    const life = catalog.pythonLifecycle('3.9', date);
    expect(life?.status).toBe('eol');
    expect(life?.endOfLife).toBe(cycle?.eol);
  });

  it('the tag is no longer published, and says when it went', () => {
    const intervals = tagHistory.tags['3.9-alpine'] as [string, string][];
    const removed = intervals.at(-1)?.[1];
    const status = catalog.tagStatus('3.9-alpine', date);
    expect(status.published).toBe(false);
    expect(status.everPublished).toBe(true);
    expect(status.removedOn).toBe(removed);
  });

  it('its last image is frozen since then, and a newer minor replaces it', () => {
    const rebuild = catalog.rebuildStatus('3.9-alpine', date);
    expect(rebuild.status).toBe('frozen');
    expect(rebuild.since).toBe(catalog.tagStatus('3.9-alpine', date).removedOn);
    expect(rebuild.fullTag).toMatch(/^3\.9\.\d+-alpine3\.\d+$/);
    expect(rebuild.minorDropped).toBe(true);
    expect(rebuild.replacement?.reason).toBe('minor-dropped');
    expect(catalog.isPublished(rebuild.replacement?.tag ?? '', date)).toBe(true);
    // The nearest newer minor with at least a year of support left at the date: 3.10 is past its end
    // of life and 3.11 ends within the year (dates from the data), so 3.12.
    const replacementMinor = /^(3\.\d+)\./.exec(rebuild.replacement?.tag ?? '')?.[1] ?? '';
    const left = (minor: string) => {
      const eol = catalog.pythonLifecycle(minor, date)?.endOfLife;
      return typeof eol === 'string' ? daysBetween(date, eol) : -1;
    };
    expect(left(replacementMinor)).toBeGreaterThanOrEqual(365);
    expect(left('3.10')).toBeLessThan(0);
    expect(left('3.11')).toBeLessThan(365);
    expect(rebuild.replacement?.tag).toMatch(/^3\.12\.\d+-alpine/);
    // The minors passed over for that rule are named, so the answer can say why 3.11 is not it.
    expect(rebuild.replacement?.passedOver).toEqual([
      { minor: '3.11', endOfLife: catalog.pythonLifecycle('3.11', date)?.endOfLife },
    ]);
  });

  it('names the minors passed over at each date, and none for a replacement of the same minor', () => {
    const early = catalog.rebuildStatus('3.9-alpine', '2025-12-01');
    expect(early.replacement?.tag).toMatch(/^3\.11\./);
    expect(early.replacement?.passedOver).toEqual([{ minor: '3.10', endOfLife: '2026-10-31' }]);
    expect(
      catalog.rebuildStatus('3.12.1-slim-bookworm', '2026-03-01').replacement?.passedOver,
    ).toBeUndefined();
  });
});

describe('rebuildStatus', () => {
  it('a listed fully specified tag is rebuilt since its listing', () => {
    const s = catalog.rebuildStatus('3.12.14-slim-trixie', '2026-08-20');
    expect(s.status).toBe('rebuilt');
    expect(s.since).toBe(catalog.tagIntervals('3.12.14-slim-trixie')[0]?.from);
  });

  it('an old patch is frozen and replaced by the newest patch on the same distro', () => {
    const s = catalog.rebuildStatus('3.12.1-slim-bookworm', '2026-03-01');
    expect(s.status).toBe('frozen');
    expect(s.replacement?.reason).toBe('newer-version');
    expect(s.replacement?.tag).toMatch(/^3\.12\.\d+-slim-bookworm$/);
  });

  it('a replacement is on a supported distro when the same one is past its end of life', () => {
    // Debian bookworm's security support ended on 2026-07-11; its LTS runs on.
    const s = catalog.rebuildStatus('3.12.1-slim-bookworm', '2026-08-20');
    expect(s.replacement).toEqual({ tag: '3.12.14-slim-trixie', reason: 'distro-eol' });
    expect(catalog.rebuildStatus('3.12.1-slim-bookworm', '2026-08-20', 'lts').replacement).toEqual({
      tag: '3.12.14-slim-bookworm',
      reason: 'newer-version',
    });
    // A dropped minor on an ended distro moves to the nearest lasting minor on a supported one.
    const gone = catalog.rebuildStatus('3.8', '2026-11-27');
    expect(gone.replacement?.reason).toBe('minor-dropped');
    expect(gone.replacement?.tag).toMatch(/^3\.\d+\.\d+-trixie$/);
    expect(catalog.rebuildStatus('3.8', '2026-11-27', 'lts').replacement?.tag).toMatch(/-bookworm$/);
  });

  it('a dropped distro is said so, with the default distro as replacement', () => {
    const s = catalog.rebuildStatus('3.11.4-slim-bullseye', '2026-08-20');
    expect(s.status).toBe('frozen');
    expect(s.distroDropped).toBe(true);
    expect(s.replacement?.reason).toBe('distro-dropped');
    expect(s.replacement?.tag).toMatch(/^3\.11\.\d+-slim-trixie$/);
  });

  it('a tag never listed is never-published', () => {
    expect(catalog.rebuildStatus('3.12-slim-bookwork', '2026-08-20').status).toBe('never-published');
  });
});

describe('newest patch and equivalents', () => {
  it('names the newest release and the newest published image separately', () => {
    const patches = readData<{ cycles: Record<string, { version: string; date: string }[]> }>(
      'endoflife/python-patch-releases.json',
    ).cycles['3.12'];
    const expected = patches?.filter((p) => p.date <= '2026-08-20').at(-1);
    const n = catalog.newestPatch('3.12', '2026-08-20');
    expect(n.released).toEqual(expected);
    const before = patches?.filter((p) => p.date < (expected?.date ?? '')).at(-1);
    expect(catalog.newestPatch('3.12', addDays(expected?.date ?? '', -1)).released).toEqual(before);
    expect(n.published).toBe('3.12.14');
    expect(catalog.newestPatch('3.15', '2026-08-20')).toMatchObject({ publishedPrerelease: '3.15.0rc1' });
    expect(catalog.newestPatch('3.15', '2026-08-20').released).toBeUndefined();
  });

  it('gives the newest patch, the newest distro and the newest minor for an old tag', () => {
    const e = catalog.newestEquivalents('3.12.1-slim-bookworm', '2026-08-20', 'lts');
    expect(e).toMatchObject({
      base: '3.12.1-slim-bookworm',
      newestPatch: '3.12.14-slim-bookworm',
      newestDistro: '3.12.14-slim-trixie',
      newestMinor: '3.14.7-slim-bookworm',
    });
    // Past bookworm's security support, the newest minor is named on a supported distro.
    expect(catalog.newestEquivalents('3.12.1-slim-bookworm', '2026-08-20')?.newestMinor).toBe(
      '3.14.7-slim-trixie',
    );
  });
});

describe('libc', () => {
  it('reads glibc per codename and musl per Alpine release', () => {
    const glibc = readData<{ releases: { codename: string; glibc: string }[] }>(
      'libc/debian-glibc.json',
    ).releases;
    expect(catalog.libc('3.12-slim-bookworm')).toMatchObject({
      family: 'glibc',
      version: glibc.find((r) => r.codename === 'bookworm')?.glibc,
    });
    expect(catalog.libc('3.12-alpine3.24')).toMatchObject({ family: 'musl', version: '1.2.6', exact: true });
    expect(catalog.libc({ variant: 'slim', distro: 'trixie' })).toMatchObject({
      family: 'glibc',
      version: '2.41',
    });
    expect(catalog.libc('3.14-windowsservercore-ltsc2022')).toMatchObject({ family: null, version: null });
  });

  it('needs the date for a tag without distro', () => {
    expect(catalog.libc('3.12-slim')).toMatchObject({ family: 'glibc', version: null });
    expect(catalog.libc('3.12-slim', '2025-06-01').version).toBe('2.36');
    expect(catalog.libc('3.12-slim', '2025-09-01').version).toBe('2.41');
  });
});

describe('suggest', () => {
  it('3.12-slim-bookwork -> 3.12-slim-bookworm first', () => {
    expect(catalog.suggest('3.12-slim-bookwork', '2026-08-20')[0]).toMatchObject({
      tag: '3.12-slim-bookworm',
      published: true,
    });
  });

  it('3.12-alpine3.99 -> real alpine tags of 3.12', () => {
    const s = catalog.suggest('3.12-alpine3.99', '2026-08-20');
    expect(s.length).toBeGreaterThan(0);
    for (const { tag } of s) {
      expect(tag).toMatch(/^3\.12(\.\d+)?-alpine/);
      expect(catalog.isPublished(tag, '2026-08-20')).toBe(true);
    }
  });

  it('3,12 -> 3.12', () => {
    expect(catalog.suggest('3,12', '2026-08-20')[0]?.tag).toBe('3.12');
  });

  it('falls back to tags listed at other times', () => {
    const s = catalog.suggest('3.9-slim-bullseyee', '2026-08-20');
    expect(s[0]).toMatchObject({ tag: '3.9-slim-bullseye', published: false });
  });

  it('returns at most n', () => {
    expect(catalog.suggest('3.12-slim-bookwork', '2026-08-20', 1)).toHaveLength(1);
  });
});

describe('dataAge', () => {
  it('is fresh just after the data and stale after 90 days', () => {
    const { dataDate } = catalog.dataAge('2026-08-25');
    const fresh = catalog.dataAge(addDays(dataDate, 3));
    expect(fresh.stale).toBe(false);
    expect(fresh.ageDays).toBe(3);
    expect(fresh.beyondData).toBe(true);
    expect(catalog.dataAge(fresh.tagListCheckedAt).beyondData).toBe(false);
    const old = catalog.dataAge(addDays(fresh.dataDate, 91));
    expect(old.stale).toBe(true);
    expect(old.beyondData).toBe(true);
    expect(catalog.dataAge(addDays(fresh.dataDate, 90)).stale).toBe(false);
  });
});
