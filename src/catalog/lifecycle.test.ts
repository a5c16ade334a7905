/** Life-cycle statuses on both sides of every boundary, with the boundaries read from the data files. */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addDays } from '../model/date.js';
import { createCatalog } from './catalog.js';

const data = new URL('../../../shared/data/endoflife/', import.meta.url);
function releases<T>(file: string): T[] {
  return (JSON.parse(readFileSync(new URL(file, data), 'utf8')) as { releases: T[] }).releases;
}

const catalog = createCatalog();
const dayBefore = (d: string) => addDays(d, -1);

describe('pythonLifecycle', () => {
  const python = releases<{
    cycle: string;
    releaseDate: string;
    eoas: string | boolean;
    eol: string | boolean;
  }>('python.json').filter(
    (r) => typeof r.eoas === 'string' && typeof r.eol === 'string' && r.cycle.startsWith('3.'),
  );

  it('has cycles to check', () => {
    expect(python.length).toBeGreaterThan(5);
  });

  for (const r of python) {
    const eoas = r.eoas as string;
    const eol = r.eol as string;
    it(`${r.cycle}: prerelease | bugfix | security | eol around ${r.releaseDate}, ${eoas}, ${eol}`, () => {
      expect(catalog.pythonLifecycle(r.cycle, dayBefore(r.releaseDate))?.status).toBe('prerelease');
      expect(catalog.pythonLifecycle(r.cycle, r.releaseDate)?.status).toBe('bugfix');
      expect(catalog.pythonLifecycle(r.cycle, dayBefore(eoas))?.status).toBe('bugfix');
      expect(catalog.pythonLifecycle(r.cycle, eoas)?.status).toBe('security');
      expect(catalog.pythonLifecycle(r.cycle, dayBefore(eol))?.status).toBe('security');
      const end = catalog.pythonLifecycle(r.cycle, eol);
      expect(end).toMatchObject({
        status: 'eol',
        releaseDate: r.releaseDate,
        endOfBugfix: eoas,
        endOfLife: eol,
      });
    });
  }

  it('a minor only published as pre-release images is prerelease', () => {
    expect(python.some((r) => r.cycle === '3.15')).toBe(false);
    const firstTag = catalog.tagIntervals('3.15-rc')[0]?.from as string;
    expect(catalog.pythonLifecycle('3.15', firstTag)?.status).toBe('prerelease');
    expect(catalog.pythonLifecycle('3.15', dayBefore(firstTag))).toBeUndefined();
  });

  it('knows nothing of a minor that never existed', () => {
    expect(catalog.pythonLifecycle('3.99', '2026-08-20')).toBeUndefined();
  });

  it('gives the latest patch released by the date', () => {
    const life = catalog.pythonLifecycle('3.9', '2026-08-20');
    expect(life?.latestPatch?.version).toMatch(/^3\.9\.\d+$/);
    expect((life?.latestPatch?.date ?? '') <= '2026-08-20').toBe(true);
  });
});

describe('distroLifecycle: Debian', () => {
  const debian = releases<{
    cycle: string;
    codename: string;
    releaseDate: string;
    eol: unknown;
    eoes: unknown;
  }>('debian.json').filter(
    (r) => typeof r.eol === 'string' && typeof r.eoes === 'string' && Number(r.cycle) >= 10,
  );

  for (const r of debian) {
    const name = r.codename.toLowerCase();
    const eol = r.eol as string;
    const eoes = r.eoes as string;
    it(`${name}: supported | lts | eol around ${eol} and ${eoes}`, () => {
      expect(catalog.distroLifecycle(name, dayBefore(r.releaseDate))?.status).toBe('unreleased');
      expect(catalog.distroLifecycle(name, dayBefore(eol))?.status).toBe('supported');
      const lts = catalog.distroLifecycle(name, eol);
      expect(lts).toMatchObject({ status: 'lts', endOfSupport: eol, endOfLts: eoes, version: r.cycle });
      expect(catalog.distroLifecycle(name, dayBefore(eoes))?.status).toBe('lts');
      expect(catalog.distroLifecycle(name, eoes)?.status).toBe('eol');
    });

    it(`${name}: the policy decides which date is end of life`, () => {
      const security = catalog.distroLifecycle(name, eol);
      expect(security).toMatchObject({ policy: 'security', endOfLife: eol, endOfLifeReached: true });
      expect(catalog.distroLifecycle(name, dayBefore(eol))?.endOfLifeReached).toBe(false);
      const lts = catalog.distroLifecycle(name, eol, 'lts');
      expect(lts).toMatchObject({ policy: 'lts', endOfLife: eoes, endOfLifeReached: false });
      expect(catalog.distroLifecycle(name, eoes, 'lts')?.endOfLifeReached).toBe(true);
    });
  }

  it('accepts a release number and a parsed distro', () => {
    expect(catalog.distroLifecycle('12', '2026-08-20')?.name).toBe('bookworm');
    expect(
      catalog.distroLifecycle({ family: 'debian', name: 'trixie', text: 'trixie' }, '2026-08-20')?.version,
    ).toBe('13');
    expect(
      catalog.distroLifecycle({ family: 'windows', name: 'ltsc2022', text: 'ltsc2022' }, '2026-08-20'),
    ).toBe(undefined);
    expect(catalog.distroLifecycle('bookwork', '2026-08-20')).toBeUndefined();
  });
});

describe('distroLifecycle: Alpine', () => {
  const alpine = releases<{ cycle: string; releaseDate: string; eol: unknown }>('alpine.json').filter(
    (r) => typeof r.eol === 'string',
  );

  for (const r of alpine.slice(0, 8)) {
    const eol = r.eol as string;
    it(`${r.cycle}: supported | eol around ${eol}`, () => {
      expect(catalog.distroLifecycle(`alpine${r.cycle}`, dayBefore(r.releaseDate))?.status).toBe(
        'unreleased',
      );
      expect(catalog.distroLifecycle(`alpine${r.cycle}`, dayBefore(eol))?.status).toBe('supported');
      expect(catalog.distroLifecycle(r.cycle, eol)).toMatchObject({
        family: 'alpine',
        status: 'eol',
        endOfLife: eol,
        endOfLifeReached: true,
      });
    });
  }
});
