import { describe, expect, it } from 'vitest';
import { allArchs, archSpelling, linuxArchSpellings, normalizeArch, ociPlatform } from './platform.js';

describe('normalizeArch', () => {
  it.each([
    ['arm/v7', 'arm32v7'],
    ['linux/arm/v7', 'arm32v7'],
    ['arm32v7', 'arm32v7'],
    ['armv7', 'arm32v7'],
    ['arm/v6', 'arm32v6'],
    ['arm32v6', 'arm32v6'],
    ['arm/v5', 'arm32v5'],
    ['arm64/v8', 'arm64v8'],
    ['ARM64', 'arm64v8'],
    [' aarch64 ', 'arm64v8'],
    ['amd64/v3', 'amd64'],
    ['386', 'i386'],
    ['windows/amd64', 'windows-amd64'],
  ])('%s -> %s', (text, arch) => {
    expect(normalizeArch(text)).toBe(arch);
  });

  it('refuses what is no architecture', () => {
    for (const text of ['foo', 'linux/foo', 'arm/v9', 'darwin/arm64', 'linux/linux/amd64', '']) {
      expect(normalizeArch(text), text).toBeUndefined();
    }
  });

  it('understands every spelling the messages suggest, and one per Linux architecture', () => {
    const linux = allArchs.filter((a) => a !== 'windows-amd64');
    expect(linuxArchSpellings.map((s) => normalizeArch(s))).toEqual(linux);
    for (const arch of linux) {
      expect(normalizeArch(archSpelling(arch))).toBe(arch);
      expect(normalizeArch(ociPlatform(arch))).toBe(arch);
    }
    expect(archSpelling('arm64v8')).toBe('arm64');
    expect(archSpelling('arm32v7')).toBe('arm/v7');
  });
});
