import { describe, expect, it } from 'vitest';
import { createCatalog } from '../catalog/catalog.js';
import { ruleCatalogOf } from './catalog-view.js';

const catalog = ruleCatalogOf(createCatalog(), { dataDate: '2026-08-22' });
const tags = (tag: string, date: string) => catalog.otherPythons(tag, date).map((o) => o.tag);

describe('otherPythons: the other Python minors of an image variant and distro family', () => {
  it('gives the newest final patch per other minor on the same distro release, oldest minor first', () => {
    expect(tags('3.12.2-slim-bookworm', '2024-02-16')).toEqual([
      '3.8.18-slim-bookworm',
      '3.9.18-slim-bookworm',
      '3.10.13-slim-bookworm',
      '3.11.8-slim-bookworm',
    ]);
    expect(catalog.otherPythons('3.12.2-alpine3.19', '2024-02-16')).toContainEqual({
      minor: '3.11',
      python: '3.11.8',
      tag: '3.11.8-alpine3.19',
    });
  });

  it("takes the family's newest release for a minor not published on the image's own", () => {
    expect(tags('3.9.7-bullseye', '2026-08-13')).toEqual([
      '3.10.21-trixie',
      '3.11.16-trixie',
      '3.12.14-trixie',
      '3.13.15-trixie',
      '3.14.7-trixie',
    ]);
    expect(tags('3.8.18-alpine3.17', '2025-08-15')).toEqual([
      '3.9.23-alpine3.22',
      '3.10.18-alpine3.22',
      '3.11.13-alpine3.22',
      '3.12.11-alpine3.22',
      '3.13.7-alpine3.22',
    ]);
  });

  it('is empty for a tag that leaves the patch or the distro open', () => {
    expect(tags('3.12-slim', '2026-08-13')).toEqual([]);
    expect(tags('3.12.14-slim', '2026-08-13')).toEqual([]);
  });
});
