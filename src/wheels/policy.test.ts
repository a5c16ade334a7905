import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { legacyManylinuxAliases, manylinuxFloor, manylinuxMachines } from './policy.js';

const dataFile = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/data/libc/wheel-platform-policy.json',
);

interface PolicyData {
  legacyAliases: { tag: string; equivalent: string; glibc: string; architectures: string[] }[];
  rules: { installerGlibcRange: { rule: string } };
}

describe('policy constants match data/libc/wheel-platform-policy.json', () => {
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as PolicyData;

  it('has the same legacy aliases and glibc versions', () => {
    const fromData = data.legacyAliases.map((a) => ({
      tag: a.tag,
      equivalent: a.equivalent,
      glibc: a.glibc,
    }));
    const ours = legacyManylinuxAliases.map((a) => ({
      tag: a.tag,
      equivalent: `manylinux_${a.glibc.major}_${a.glibc.minor}`,
      glibc: `${a.glibc.major}.${a.glibc.minor}`,
    }));
    expect(ours.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual(
      fromData.sort((a, b) => a.tag.localeCompare(b.tag)),
    );
  });

  it('puts the floor at the oldest alias an architecture has', () => {
    for (const machine of ['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x']) {
      const oldest = data.legacyAliases
        .filter((a) => a.architectures.includes(machine))
        .map((a) => a.glibc)
        .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))[0];
      const floor = manylinuxFloor(machine);
      expect(`${floor.major}.${floor.minor}`).toBe(oldest);
      expect(manylinuxMachines.has(machine)).toBe(true);
    }
    expect(data.rules.installerGlibcRange.rule).toMatch(/2\.5 on x86_64\/i686, glibc 2\.17 on all other/);
  });
});
