import { describe, expect, it } from 'vitest';
import { createCatalog } from '../catalog/catalog.js';
import { isPybaseError, PybaseError } from '../model/diagnostic.js';
import { candidateImages, checkArchitectures, withUnknownArchitectures } from './candidates.js';

const catalog = createCatalog();

function refusal(run: () => void): PybaseError | undefined {
  try {
    run();
  } catch (error) {
    if (isPybaseError(error)) return error;
    throw error;
  }
  return undefined;
}

describe('checkArchitectures', () => {
  it('refuses an architecture no image of the date is built for, naming the ones that are', () => {
    const date = '2026-11-27';
    const candidates = candidateImages(catalog, date);
    const error = refusal(() =>
      checkArchitectures(catalog, candidates, ['amd64', 'mips64le'], date, { command: 'deps' }),
    );
    expect(error).toBeInstanceOf(PybaseError);
    expect(error?.diagnostic.code).toBe('PBE001');
    expect(error?.message).toMatch(
      /^deps: no python image published at 2026-11-27 is built for mips64le; they are built for amd64, .*arm\/v7, arm64, .*s390x$/,
    );
    expect(
      refusal(() => checkArchitectures(catalog, candidates, ['arm32v7', 's390x'], date, { command: 'deps' })),
    ).toBeUndefined();
  });

  it('mips64le was judged while bookworm images were built for it', () => {
    const date = '2024-08-10';
    expect(
      refusal(() =>
        checkArchitectures(catalog, candidateImages(catalog, date), ['mips64le'], date, { command: 'deps' }),
      ),
    ).toBeUndefined();
  });

  it('says where the architecture data starts instead of calling images unpublished', () => {
    const date = '2019-01-01';
    const candidates = candidateImages(catalog, date);
    expect(candidates.length).toBeGreaterThan(0);
    expect(withUnknownArchitectures(candidates)).toEqual(candidates);
    const since = catalog.architecturesRecordedFrom();
    expect(since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const error = refusal(() =>
      checkArchitectures(catalog, candidates, ['amd64'], date, { command: 'recommend' }),
    );
    expect(error?.diagnostic.code).toBe('PBE009');
    expect(error?.message).toContain(
      `published at 2019-01-01 are not in the data (it records them from ${since} on)`,
    );
    const named = refusal(() =>
      checkArchitectures(catalog, candidates.slice(0, 1), ['amd64'], date, { command: 'deps', named: true }),
    );
    expect(named?.message).toContain(`the architectures of ${candidates[0]?.tag} are not in the data`);
  });

  it('lets a date through when only some images lack the data', () => {
    const date = '2021-06-01';
    const candidates = candidateImages(catalog, date);
    const unknown = withUnknownArchitectures(candidates);
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.length).toBeLessThan(candidates.length);
    expect(
      refusal(() => checkArchitectures(catalog, candidates, ['amd64'], date, { command: 'deps' })),
    ).toBeUndefined();
  });

  it('does nothing without candidates', () => {
    expect(
      refusal(() => checkArchitectures(catalog, [], ['amd64'], '2014-01-01', { command: 'deps' })),
    ).toBeUndefined();
  });
});
