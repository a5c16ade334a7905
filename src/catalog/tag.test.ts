import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requireShared, sharedDataDir } from '../../test/support/paths.js';
import { PybaseError } from '../model/diagnostic.js';
import { compareTagVersions, formatTag, isFullySpecified, parseTag, tryParseTag } from './tag.js';

describe('parseTag', () => {
  it('reads a fully specified tag', () => {
    const t = parseTag('3.12.14-slim-trixie');
    expect(t.version).toMatchObject({ major: 3, minor: 12, patch: 14 });
    expect(t.precision).toBe('patch');
    expect(t.variant).toBe('slim');
    expect(t.distro).toEqual({ family: 'debian', name: 'trixie', text: 'trixie' });
    expect(t.prerelease).toBe(false);
    expect(isFullySpecified(t)).toBe(true);
  });

  it('reads each precision', () => {
    expect(parseTag('3').precision).toBe('major');
    expect(parseTag('3-slim').precision).toBe('major');
    expect(parseTag('3.12').precision).toBe('minor');
    expect(parseTag('3.12.4').precision).toBe('patch');
    expect(parseTag('slim').precision).toBe('none');
  });

  it('reads pre-releases and the rc line', () => {
    expect(parseTag('3.15.0rc1').version?.pre).toEqual({ kind: 'rc', number: 1 });
    expect(parseTag('3.15.0a2').version?.pre).toEqual({ kind: 'a', number: 2 });
    expect(parseTag('3.15.0b3-alpine3.23').version?.pre).toEqual({ kind: 'b', number: 3 });
    const line = parseTag('3.15-rc-slim-trixie');
    expect(line.rcLine).toBe(true);
    expect(line.prerelease).toBe(true);
    expect(line.variant).toBe('slim');
    expect(parseTag('rc').rcLine).toBe(true);
    expect(parseTag('3.12.14').prerelease).toBe(false);
  });

  it('reads variants and distros', () => {
    expect(parseTag('3.11-alpine3.23')).toMatchObject({
      variant: 'alpine',
      distro: { family: 'alpine', name: '3.23' },
    });
    expect(parseTag('3.11-alpine').distro).toBeUndefined();
    expect(parseTag('bookworm')).toMatchObject({ variant: 'full', distro: { name: 'bookworm' } });
    expect(parseTag('slim-trixie')).toMatchObject({ variant: 'slim', distro: { name: 'trixie' } });
    expect(parseTag('3.14-windowsservercore-ltsc2022')).toMatchObject({
      variant: 'windowsservercore',
      distro: { family: 'windows', name: 'ltsc2022' },
    });
    expect(parseTag('3.12-nanoserver-1809').variant).toBe('nanoserver');
    expect(parseTag('latest').latest).toBe(true);
  });

  it('parses an unknown codename syntactically (the catalog reports it)', () => {
    expect(parseTag('3.12-slim-bookwork').distro?.name).toBe('bookwork');
  });

  it('rejects text outside the grammar with a typed error holding what it could read', () => {
    for (const bad of [
      '3,12',
      '',
      '3.12-slim-bookworm-x',
      '3.12-Slim',
      '-3',
      '3-rc',
      '3.15.0rc1-rc',
      '00',
      '3.012',
      '3.12.01',
    ]) {
      let error: unknown;
      try {
        parseTag(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(PybaseError);
    }
    try {
      parseTag('3.12-slim-bookworm-x');
    } catch (e) {
      expect((e as PybaseError).diagnostic.data?.partial).toMatchObject({
        variant: 'slim',
        version: { minor: 12 },
      });
    }
  });

  it('orders versions numerically with pre-releases first', () => {
    const v = (s: string) => parseTag(s).version!;
    expect(compareTagVersions(v('3.9'), v('3.10'))).toBeLessThan(0);
    expect(compareTagVersions(v('3.15.0rc1'), v('3.15.0'))).toBeLessThan(0);
    expect(compareTagVersions(v('3.15.0a2'), v('3.15.0b1'))).toBeLessThan(0);
    expect(compareTagVersions(v('3.12.10'), v('3.12.9'))).toBeGreaterThan(0);
  });
});

describe.runIf(requireShared())('every tag the official image ever listed', () => {
  const history = JSON.parse(
    readFileSync(resolve(sharedDataDir, 'official-images', 'python-tag-history.json'), 'utf8'),
  ) as { tags: Record<string, unknown> };
  const tags = Object.keys(history.tags);

  it('parses and formats back unchanged', () => {
    const failures = tags.filter((t) => tryParseTag(t) === undefined || formatTag(parseTag(t)) !== t);
    expect(tags.length).toBeGreaterThan(3000);
    expect(failures).toEqual([]);
  });
});

describe('property: the tag parser', () => {
  it('never throws anything but PybaseError, and round-trips what it accepts', () => {
    const piece = fc.constantFrom(
      '3',
      '3.12',
      '3.12.14',
      '3.15.0rc1',
      'rc',
      'slim',
      'alpine3.23',
      'trixie',
      'x',
      '-',
      '.',
      'windowsservercore',
      'ltsc2022',
      '',
    );
    const mutated = fc.array(piece, { maxLength: 6 }).map((ps) => ps.join('-'));
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), (text) => {
        try {
          const t = parseTag(text);
          expect(formatTag(t)).toBe(text);
        } catch (e) {
          if (!(e instanceof PybaseError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
