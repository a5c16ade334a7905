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
