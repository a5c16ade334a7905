import { describe, expect, it } from 'vitest';
import { runMain } from '../../../test/support/run-main.js';

const run = (argv: string[], now = '2026-11-27T12:00:00Z') => runMain(argv, { now });

describe('pybase tags FILTER', () => {
  it('latest lists the images tagged latest', async () => {
    const r = await run(['tags', 'latest', '--date', '2026-08-20']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}3\.14\.7-trixie .*\blatest\b/m);
    expect(r.out).toContain('3 images at 2026-08-20.');
    expect(r.out).not.toMatch(/3\.13\./);
  });

  it('a filter that is not a tag, or names a distro no tag has, is a usage error saying what a filter is', async () => {
    for (const filter of ['a/b', 'foo', 'trixy']) {
      const r = await run(['tags', filter]);
      expect(r.code, filter).toBe(2);
      expect(r.err, filter).toMatch(/a filter names the parts a tag must have \(3\.12, slim, alpine/);
    }
  });

  it('a filter of real parts that nothing matches at the date says so and names the filter', async () => {
    const r = await run(['tags', '3.99', '--date', '2026-08-20']);
    expect(r.code).toBe(0);
    expect(r.out).toBe("No python image matches '3.99' at 2026-08-20.\n");
  });
});

describe('dates in the future, past the data', () => {
  it('tag says in one warning that the answers assume nothing changed after the tag list, and no longer that it is still rebuilt', async () => {
    const r = await run(['tag', 'python:3.12-slim', '--date', '2031-01-01']);
    const lines = r.out.split('\n').filter((l) => l.includes('2026-08-21'));
    expect(lines).toHaveLength(2);
    expect(r.out).toMatch(
      /warning {2}2031-01-01 is in the future, past the data's tag list \(known up to 2026-08-21\): answers assume nothing changed since then/,
    );
    expect(r.out).toMatch(
      /rebuilds +3\.12\.14-slim-trixie was still rebuilt on 2026-08-21, where the data ends/,
    );
    expect(r.out).not.toContain('is still rebuilt');
    expect(r.out).not.toMatch(/days before 2031-01-01/);
    const json = JSON.parse((await run(['tag', 'python:3.12-slim', '--date', '2031-01-01', '--json'])).out);
    expect(json.problems[0]).toMatchObject({ key: 'beyond-data', severity: 'warning' });
    expect(json.dataAge.beyondData).toBe(true);
  });

  it('a past date keeps the stale-data note, and a date up to today gets no warning', async () => {
    const past = await run(['tag', 'python:3.12-slim', '--date', '2026-11-27']);
    expect(past.out).toMatch(/info +pybase's data is from 2026-08-22, 97 days before 2026-11-27/);
    expect(past.out).not.toContain('in the future');
    expect(past.out).toContain('is still rebuilt');
  });

  it('tags and the commands that note the data age warn on stderr, and tags --json carries the warning', async () => {
    const tags = await run(['tags', '3.15', '--date', '2031-01-01']);
    expect(tags.err).toMatch(/^pybase: warning: 2031-01-01 is in the future, past the data's tag list/);
    expect(tags.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(tags.out).not.toContain('Note:');
    const json = JSON.parse((await run(['tags', '3.15', '--date', '2031-01-01', '--json'])).out);
    expect(json.warning).toMatch(/answers assume nothing changed since then/);
    const renovate = await run(['renovate', 'examples/reports-api', '--date', '2031-01-01']);
    expect(renovate.err).toMatch(/^pybase: warning: 2031-01-01 is in the future/m);
    expect(renovate.err).not.toMatch(/note: the data is/);
  });
});

describe('small things said better', () => {
  it('tags --frozen counts the architectures of a frozen tag, or says they are unknown', async () => {
    const recent = await run(['tags', '--frozen', '200', '--date', '2026-08-20']);
    expect(recent.out).toMatch(/^ {2}3\.15\.0b4-trixie +frozen +8 archs +since 2026-08-05/m);
    expect(recent.out).not.toContain('? archs');
    const old = await run(['tags', '3.5', '--frozen', '2000', '--date', '2024-01-01']);
    expect(old.out).toMatch(/^ {2}3\.5\.10-stretch +frozen +archs unknown +since 2020-10-02/m);
    expect(old.out).not.toContain('? archs');
  });

  it('tag names the rule behind a replacement that skips a supported minor', async () => {
    const r = await run(['tag', 'python:3.9-alpine']);
    expect(r.out).toMatch(
      /rebuilds +3\.9\.25-alpine3\.22 is frozen since 2025-11-03 \(replaced by 3\.12\.\d+-alpine3\.\d+, the nearest newer Python with a year of support left: 3\.11 ends 2027-10-31\)/,
    );
  });
});
