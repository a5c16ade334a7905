/**
 * Wheel platform policy facts the tag engine needs (PEP 513/571/599/600/656).
 *
 * Source: data/libc/wheel-platform-policy.json (PEP 600 "Legacy manylinux tags", and the floor rule
 * of pypa/packaging's `_manylinux.platform_tags()`). `policy.test.ts` checks these constants against
 * that data file, so a change there fails the tests instead of drifting silently.
 */

export interface LibcVersion {
  major: number;
  minor: number;
}

/** A legacy manylinux tag and the glibc version it stands for. */
export interface LegacyManylinuxAlias {
  tag: 'manylinux1' | 'manylinux2010' | 'manylinux2014';
  glibc: LibcVersion;
}

/** PEP 513/571/599 names, newest first: manylinux2014 = 2_17, manylinux2010 = 2_12, manylinux1 = 2_5. */
export const legacyManylinuxAliases: readonly LegacyManylinuxAlias[] = [
  { tag: 'manylinux2014', glibc: { major: 2, minor: 17 } },
  { tag: 'manylinux2010', glibc: { major: 2, minor: 12 } },
  { tag: 'manylinux1', glibc: { major: 2, minor: 5 } },
];

/** The oldest glibc installers enumerate on x86_64 and i686. */
export const x86ManylinuxFloor: LibcVersion = { major: 2, minor: 5 };
/** The oldest glibc installers enumerate on every other architecture. */
export const defaultManylinuxFloor: LibcVersion = { major: 2, minor: 17 };

/**
 * Machines on which installers consider manylinux wheels at all. pip's vendored packaging 21.3
 * (pip 23) accepts x86_64, aarch64, ppc64, ppc64le, s390x, plus i686 and armv7l when the interpreter
 * is an i686 / hard-float build (as the official i386 and arm32v7 images are). Newer packaging
 * (shipped by the pip of current images) also accepts riscv64 and loongarch64; they are included so
 * that riscv64 images are not told that manylinux wheels never apply.
 */
export const manylinuxMachines: ReadonlySet<string> = new Set([
  'x86_64',
  'i686',
  'aarch64',
  'armv7l',
  'ppc64',
  'ppc64le',
  's390x',
  'riscv64',
  'loongarch64',
]);

/** The oldest glibc version for which installers yield a manylinux tag on `machine`. */
export function manylinuxFloor(machine: string): LibcVersion {
  return machine === 'x86_64' || machine === 'i686' ? x86ManylinuxFloor : defaultManylinuxFloor;
}

/**
 * glibc has never had a major version other than 2; should a 3.0 appear, installers assume every
 * 2.x minor up to this number is compatible (pypa/packaging's `_LAST_GLIBC_MINOR` default).
 */
export const assumedLastGlibcMinor = 50;

export function compareLibc(a: LibcVersion, b: LibcVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

export function formatLibc(v: LibcVersion): string {
  return `${v.major}.${v.minor}`;
}
