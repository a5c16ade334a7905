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
      fc.property(tag, fc.array(tag, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (input, list, n) => {
        const unique = [...new Set(list)];
        const parsed = tryParseTag(input);
        expect(nearest(input, parsed, unique, tryParseTag, n)).toEqual(
          rank(input, parsed, unique, tryParseTag).slice(0, n),
        );
      }),
      { numRuns: 300 },
    );
  });
});
