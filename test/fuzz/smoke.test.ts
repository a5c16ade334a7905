/**
 * Fuzz smoke test, part of the default run: 10,000 cases in total, split over every parser by
 * weight (test/fuzz/targets.ts). `npm run fuzz` runs a million. A failure prints fast-check's
 * seed and path so the case can be replayed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PybaseError } from '../../src/model/diagnostic.js';
import { repoRoot } from '../support/paths.js';
import { allTargets, budget, checkOutcome, mutated, outcomeProblem } from './targets.js';

const total = 10_000;
const targets = allTargets(repoRoot);
const runs = budget(targets, total);

describe('fuzz smoke: every parser returns or throws PybaseError, with well-formed ranges', () => {
  for (const target of targets) {
    it(`${target.name} (${runs.get(target.name)} cases)`, () => {
      fc.assert(
        fc.property(target.input, (text) => checkOutcome(() => target.run(text))),
        { numRuns: runs.get(target.name) },
      );
    });
  }
});

describe('the fuzz property itself', () => {
  it('accepts a PybaseError and a clean result', () => {
    expect(outcomeProblem(() => ({ diagnostics: [] }))).toBeUndefined();
    expect(
      outcomeProblem(() => {
        throw new PybaseError({ code: 'PBE006', severity: 'error', message: 'bad' });
      }),
    ).toBeUndefined();
  });

  it('rejects any other exception', () => {
    expect(
      outcomeProblem(() => {
        throw new TypeError('x is undefined');
      }),
    ).toMatch(/TypeError: x is undefined/);
  });

  it('rejects a range with line 0, a column 0 or an end before its start, anywhere in the result', () => {
    const range = { file: 'f', startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 };
    expect(outcomeProblem(() => ({ references: [{ range }] }))).toBeUndefined();
    expect(outcomeProblem(() => ({ diagnostics: [{ location: { ...range, startLine: 0 } }] }))).toMatch(
      /malformed range at result\.diagnostics\[0\]\.location/,
    );
    expect(outcomeProblem(() => ({ a: [{ b: { ...range, startColumn: 0 } }] }))).toMatch(/malformed/);
    expect(outcomeProblem(() => ({ a: { ...range, startLine: 3, endLine: 2 } }))).toMatch(/malformed/);
    expect(outcomeProblem(() => ({ a: { ...range, startLine: Number.NaN } }))).toMatch(/malformed/);
  });

  it('mutations change real inputs and stay deterministic for a seed', () => {
    const arb = mutated(['FROM python:3.12-slim\nRUN pip install x\n']);
    const a = fc.sample(arb, { numRuns: 50, seed: 7 });
    expect(fc.sample(arb, { numRuns: 50, seed: 7 })).toEqual(a);
    expect(a.filter((t) => t !== 'FROM python:3.12-slim\nRUN pip install x\n').length).toBeGreaterThan(40);
  });

  it('splits the case budget over every target', () => {
    const counts = [...runs.values()];
    expect(counts.every((n) => n >= 1)).toBe(true);
    expect(Math.abs(counts.reduce((a, b) => a + b, 0) - total)).toBeLessThanOrEqual(targets.length);
  });
});
