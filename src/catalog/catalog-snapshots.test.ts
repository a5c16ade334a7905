/**
 * The resolution rules in images.ts, checked against every entry of every recorded library/python tag
 * list: each tag is listed at that date, and resolving it gives exactly its entry's tags.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { utcDateOfTimestamp } from '../model/date.js';
import { normalizeArch } from '../model/platform.js';
import { createCatalog } from './catalog.js';

const dataDir = new URL('../../../shared/data/official-images/', import.meta.url);

interface Entry {
  tags: string[];
  sharedTags: string[];
  architectures: string[];
  directory: string;
}

const files = readdirSync(dataDir)
  .filter((f) => /^library-python\.\d{4}-\d{2}-\d{2}\.json$/.test(f))
  .sort();

const catalog = createCatalog();

describe('resolution agrees with every recorded tag list', () => {
  it('has the eight recorded lists', () => {
    expect(files).toHaveLength(8);
  });

  for (const file of files) {
    const raw = JSON.parse(readFileSync(new URL(file, dataDir), 'utf8')) as {
      source: { fileCommitDate: string };
      entries: Entry[];
    };
    const date = utcDateOfTimestamp(raw.source.fileCommitDate);

    it(`${file}: every tag and shared tag is listed at ${date}, and nothing else is`, () => {
      const all = new Set(raw.entries.flatMap((e) => [...e.tags, ...e.sharedTags]));
      expect(new Set(catalog.publishedTags(date))).toEqual(all);
    });

    it(`${file}: each entry's own tags name exactly that entry's image`, () => {
      for (const entry of raw.entries) {
        const expected = [...new Set([...entry.tags, ...entry.sharedTags])].sort();
        for (const tag of entry.tags) {
          const resolution = catalog.resolve(tag, date);
          expect(resolution, tag).toBeDefined();
          expect(entry.tags, `${tag} -> ${resolution?.fullTag}`).toContain(resolution?.fullTag);
          expect(resolution?.sameImage, tag).toEqual(expected);
          expect(resolution?.architecturesExact, tag).toBe(true);
          expect(resolution?.architectures, tag).toEqual(entry.architectures.map((a) => normalizeArch(a)));
          expect(resolution?.otherPlatforms, tag).toEqual([]);
        }
      }
    });

    it(`${file}: a shared tag names the Linux entry (else the newest Windows build) and notes the others`, () => {
      const shared = new Set(raw.entries.flatMap((e) => e.sharedTags));
      for (const tag of shared) {
        const holders = raw.entries.filter((e) => e.sharedTags.includes(tag));
        const linux = holders.filter((e) => !e.directory.includes('windows/'));
        expect(linux.length, tag).toBeLessThanOrEqual(1);
        // Recorded lists put the newest Windows build first.
        const primary = linux[0] ?? holders[0];
        const rest = holders.filter((e) => e !== primary);
        const resolution = catalog.resolve(tag, date);
        expect(resolution, tag).toBeDefined();
        expect(primary?.tags).toContain(resolution?.fullTag);
        expect(resolution?.sameImage).toEqual(
          [...new Set([...(primary?.tags ?? []), ...(primary?.sharedTags ?? [])])].sort(),
        );
        expect(resolution?.otherPlatforms.length, tag).toBe(rest.length);
        rest.forEach((entry, i) => {
          const other = resolution?.otherPlatforms[i];
          expect(entry.tags, tag).toContain(other?.fullTag);
          expect(other?.sameImage).toEqual([...new Set([...entry.tags, ...entry.sharedTags])].sort());
        });
      }
    });
  }
});
