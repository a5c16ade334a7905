import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCatalog } from './catalog.js';
import { editDistance, editDistanceAtMost, nearest, rank, structuralPenalty } from './suggest.js';
import { parseTag, tryParseTag } from './tag.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(editDistance('3.12', '3.12')).toBe(0);
    expect(editDistance('3,12', '3.12')).toBe(1);
    expect(editDistance('bookwork', 'bookworm')).toBe(1);
    expect(editDistance('slim', 'silm')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('alpine', '')).toBe(6);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['3.12-slim', '3.13-alpine'],
      ['latest', 'slim'],
    ] as const) {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
    }
  });
});

describe('rank', () => {
  it('prefers the same minor and variant over a textually close tag', () => {
    const input = parseTag('3.12-alpine3.99');
    expect(structuralPenalty(input, parseTag('3.13-alpine3.19'))).toBeGreaterThan(0);
    expect(structuralPenalty(input, parseTag('3.12-alpine3.23'))).toBe(0);
    const ranked = rank(
      '3.12-alpine3.99',
      input,
      ['3.13-alpine3.19', '3.12-alpine3.23', '3.12-slim'],
      tryParseTag,
    );
    expect(ranked[0]?.tag).toBe('3.12-alpine3.23');
  });
});

describe('editDistanceAtMost', () => {
  it('equals editDistance within the bound and exceeds the bound beyond it', () => {
    const text = fc.string({
      unit: fc.constantFrom('3', '.', '1', '2', '-', 's', 'l', 'i', 'm', 'a'),
      maxLength: 14,
    });
    fc.assert(
      fc.property(text, text, fc.nat({ max: 16 }), (a, b, max) => {
        const full = editDistance(a, b);
        const bounded = editDistanceAtMost(a, b, max);
        if (full <= max) expect(bounded).toBe(full);
        else expect(bounded).toBeGreaterThan(max);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('nearest', () => {
  const tags = createCatalog().allKnownTags();

  it('gives the head of rank() over the real tag list', () => {
    for (const input of [
      '3.12-slim-bookwork',
      '3.9.0-alpine3.20',
      '3.14-bullseye',
      'latest',
      'sliim',
      '3,12',
      '',
    ]) {
      const parsed = tryParseTag(input);
      for (const n of [1, 3, 8]) {
        expect(nearest(input, parsed, tags, tryParseTag, n)).toEqual(
          rank(input, parsed, tags, tryParseTag).slice(0, n),
        );
      }
    }
  });

  it('agrees with rank() on generated inputs and candidate lists', () => {
    const tag = fc.constantFrom(...tags.filter((_, i) => i % 37 === 0));
    fc.assert(
      fc.property(
        tag,
        fc.array(tag, { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 12 }),
        (input, list, n, max) => {
          const unique = [...new Set(list)];
          const parsed = tryParseTag(input);
          const ranked = rank(input, parsed, unique, tryParseTag);
          expect(nearest(input, parsed, unique, tryParseTag, n)).toEqual(ranked.slice(0, n));
          expect(nearest(input, parsed, unique, tryParseTag, n, max)).toEqual(
            ranked.filter((s) => s.score <= max).slice(0, n),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('catalog suggestions', () => {
  const catalog = createCatalog();

  /** The suggestion rule written plainly over full rankings: the catalog must answer the same. */
  function plainSuggest(tag: string, date: string, n: number) {
    const parsed = tryParseTag(tag);
    const listed = catalog.publishedTags(date);
    const listedSet = new Set(listed);
    // Tags removed before the date; tags first listed after it did not exist yet.
    const others = catalog
      .allKnownTags()
      .filter((t) => !listedSet.has(t) && catalog.tagIntervals(t)[0]!.from <= date);
    const limit = Math.max(3, Math.floor(tag.length / 3));
    const nowRanked = rank(tag, parsed, listed, tryParseTag);
    const out: { tag: string; published: boolean; distance: number }[] = [];
    for (const s of nowRanked) {
      if (out.length >= n || s.score > limit) break;
      out.push({ tag: s.tag, published: true, distance: s.score });
    }
    for (const s of out.length < n ? rank(tag, parsed, others, tryParseTag) : []) {
      if (out.length >= n || s.score > limit) break;
      out.push({ tag: s.tag, published: false, distance: s.score });
    }
    if (out.length === 0) {
      for (const s of nowRanked.slice(0, n)) out.push({ tag: s.tag, published: true, distance: s.score });
    }
    return out;
  }

  it('gives the nearest tags of the full rankings, the same on a repeated question', () => {
    const inputs = [
      '3.9.0-alpine3.20',
      '3.14-bullseye',
      '3.12-slim-bookwork',
      '3.8.2-slim-bookworm',
      '2.7.99',
    ];
    for (const date of ['2026-11-27', '2023-06-01']) {
      for (const tag of inputs) {
        for (const n of [3, 8]) {
          const first = catalog.suggest(tag, date, n);
          expect(first).toEqual(plainSuggest(tag, date, n));
          first.pop();
          expect(catalog.suggest(tag, date, n)).toEqual(plainSuggest(tag, date, n));
        }
      }
    }
  });
});
