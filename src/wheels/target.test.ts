import { describe, expect, it } from 'vitest';
import { isPybaseError } from '../model/diagnostic.js';
import { describeTarget, makeWheelTarget, pythonFullVersion, targetKey } from './target.js';

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isPybaseError(error)) {
      expect(error.diagnostic.code).toBe('PBE001');
      return error.diagnostic.message;
    }
    throw error;
  }
  throw new Error('expected a PybaseError');
}

describe('makeWheelTarget', () => {
  it('maps the architecture to the wheel machine name and keeps major.minor of the libc', () => {
    expect(makeWheelTarget('3.12', { family: 'glibc', version: '2.36' }, 'amd64')).toEqual({
      python: { major: 3, minor: 12 },
      libc: { family: 'glibc', major: 2, minor: 36 },
      machine: 'x86_64',
    });
    const t = makeWheelTarget('3.11.9', { family: 'musl', version: '1.2.5' }, 'linux/arm64/v8');
    expect(t).toMatchObject({
      python: { major: 3, minor: 11, patch: 9 },
      libc: { family: 'musl', major: 1, minor: 2 },
    });
    expect(t.machine).toBe('aarch64');
    expect(makeWheelTarget('3.12', { family: 'glibc', version: '2.36' }, 'i386').machine).toBe('i686');
    expect(makeWheelTarget('3.12', { family: 'glibc', version: '2.36' }, 'arm32v7').machine).toBe('armv7l');
  });

  it('refuses what it cannot model, with a usage diagnostic', () => {
    const glibc = { family: 'glibc', version: '2.36' } as const;
    expect(usageError(() => makeWheelTarget('3', glibc, 'amd64'))).toMatch(/X\.Y/);
    expect(usageError(() => makeWheelTarget('2.7', glibc, 'amd64'))).toMatch(/CPython 3/);
    expect(usageError(() => makeWheelTarget('3.12', { family: 'glibc', version: 'new' }, 'amd64'))).toMatch(
      /not a glibc version/,
    );
    expect(usageError(() => makeWheelTarget('3.12', glibc, 'windows-amd64'))).toMatch(
      /no Linux wheel platform/,
    );
    expect(usageError(() => makeWheelTarget('3.12', glibc, 'sparc'))).toMatch(/'sparc'/);
  });

  it('names targets', () => {
    const t = makeWheelTarget('3.13.2', { family: 'musl', version: '1.2.5' }, 'arm64');
    expect(targetKey(t)).toBe('cp313-musl1.2-aarch64');
    expect(describeTarget(t)).toBe('CPython 3.13.2 on musl 1.2 aarch64');
    expect(pythonFullVersion(makeWheelTarget('3.13', { family: 'musl', version: '1.2.5' }, 'arm64'))).toBe(
      '3.13.0',
    );
  });
});
