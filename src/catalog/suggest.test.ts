import { describe, expect, it } from 'vitest';
import { editDistance, rank, structuralPenalty } from './suggest.js';
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
