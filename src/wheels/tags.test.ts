import { describe, expect, it } from 'vitest';
import { bestTagMatch, cpythonAbis, isWheelCompatible, platformTags, supportedTags } from './tags.js';
import { makeWheelTarget, type WheelTarget } from './target.js';

const glibc = (python: string, version: string, arch = 'amd64'): WheelTarget =>
  makeWheelTarget(python, { family: 'glibc', version }, arch);
const musl = (python: string, version: string, arch = 'amd64'): WheelTarget =>
  makeWheelTarget(python, { family: 'musl', version }, arch);

describe('platformTags', () => {
  it('walks manylinux from the running glibc down to 2.5 on x86_64, with legacy aliases after their twin', () => {
    const p = platformTags(glibc('3.12', '2.36'));
    expect(p[0]).toBe('manylinux_2_36_x86_64');
    expect(p.at(-1)).toBe('linux_x86_64');
    expect(p.at(-2)).toBe('manylinux1_x86_64');
    expect(p.at(-3)).toBe('manylinux_2_5_x86_64');
    expect(p[p.indexOf('manylinux_2_17_x86_64') + 1]).toBe('manylinux2014_x86_64');
    expect(p[p.indexOf('manylinux_2_12_x86_64') + 1]).toBe('manylinux2010_x86_64');
    expect(p).not.toContain('manylinux_2_4_x86_64');
    expect(p).not.toContain('manylinux_2_37_x86_64');
    // 2.36 .. 2.5 is 32 versions, plus three aliases and linux_x86_64.
    expect(p).toHaveLength(32 + 3 + 1);
  });

  it('stops at 2.17 on aarch64, so manylinux2010 and manylinux1 never appear', () => {
    const p = platformTags(glibc('3.12', '2.28', 'arm64'));
    expect(p[0]).toBe('manylinux_2_28_aarch64');
    expect(p.at(-3)).toBe('manylinux_2_17_aarch64');
    expect(p.at(-2)).toBe('manylinux2014_aarch64');
    expect(p.some((t) => t.startsWith('manylinux1') || t.startsWith('manylinux2010'))).toBe(false);
  });

  it('gives musl targets musllinux down to minor 0 and no manylinux', () => {
    expect(platformTags(musl('3.12', '1.2.5', 'arm64'))).toEqual([
      'musllinux_1_2_aarch64',
      'musllinux_1_1_aarch64',
      'musllinux_1_0_aarch64',
      'linux_aarch64',
    ]);
  });

  it('offers only linux_<machine> where installers know no manylinux policy', () => {
    expect(platformTags(glibc('3.12', '2.36', 'arm32v6'))).toEqual(['linux_armv6l']);
    expect(platformTags(musl('3.12', '1.2.5', 'arm32v6'))[0]).toBe('musllinux_1_2_armv6l');
  });
});

describe('supportedTags', () => {
  const target = glibc('3.12', '2.36');
  const { tags, priority } = supportedTags(target);
  const at = (tag: string) => {
    const index = priority.get(tag);
    if (index === undefined) throw new Error(`${tag} is not supported`);
    return index;
  };

  it('orders the sections as PEP 425 and packaging do', () => {
    expect(tags[0]).toBe('cp312-cp312-manylinux_2_36_x86_64');
    const order = [
      'cp312-cp312-linux_x86_64',
      'cp312-abi3-manylinux_2_36_x86_64',
      'cp312-abi3-linux_x86_64',
      'cp312-none-manylinux_2_36_x86_64',
      'cp311-abi3-manylinux_2_36_x86_64',
      'cp311-abi3-linux_x86_64',
      'cp310-abi3-manylinux_2_36_x86_64',
      'cp32-abi3-linux_x86_64',
      'py312-none-manylinux_2_36_x86_64',
      'py3-none-manylinux_2_36_x86_64',
      'py311-none-manylinux_2_36_x86_64',
      'py30-none-linux_x86_64',
      'cp312-none-any',
      'py312-none-any',
      'py3-none-any',
      'py311-none-any',
      'py30-none-any',
    ];
    const indexes = order.map(at);
    expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
    expect(tags.at(-1)).toBe('py30-none-any');
  });

  it('stops the stable ABI at cp32 and has no duplicates', () => {
    expect(priority.has('cp31-abi3-linux_x86_64')).toBe(false);
    expect(priority.size).toBe(tags.length);
    // cpXY (3 ABIs) + 10 older abi3 + 14 pyX ranges, per platform; then cp312-none-any + 14 py*-none-any.
    expect(tags).toHaveLength((3 + 10 + 14) * 36 + 1 + 14);
  });

  it('never accepts free-threaded or other interpreters ABIs', () => {
    expect(priority.has('cp312-cp312t-manylinux_2_17_x86_64')).toBe(false);
    expect(
      isWheelCompatible(glibc('3.13', '2.36'), 'torch-2.11.0-cp313-cp313t-manylinux_2_28_x86_64.whl'),
    ).toBe(false);
    expect(
      isWheelCompatible(glibc('3.13', '2.36'), 'torch-2.11.0-cp313-cp313-manylinux_2_28_x86_64.whl'),
    ).toBe(true);
    expect(isWheelCompatible(target, 'x-1.0-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl')).toBe(false);
  });

  it('uses the pymalloc ABI suffix before 3.8 only', () => {
    expect(cpythonAbis(3, 7)).toEqual(['cp37m']);
    expect(cpythonAbis(3, 8)).toEqual(['cp38']);
    expect(supportedTags(glibc('3.7', '2.28')).tags[0]).toBe('cp37-cp37m-manylinux_2_28_x86_64');
  });

  it('is computed once per target', () => {
    expect(supportedTags(glibc('3.12', '2.36'))).toBe(supportedTags(target));
  });
});

describe('wheel compatibility', () => {
  it('accepts abi3 wheels built for older Pythons, not newer ones', () => {
    const wheel = 'cryptography-42.0.0-cp39-abi3-manylinux_2_28_x86_64.whl';
    expect(isWheelCompatible(glibc('3.13', '2.36'), wheel)).toBe(true);
    expect(isWheelCompatible(glibc('3.8', '2.36'), wheel)).toBe(false);
  });

  it('applies the glibc floor of manylinux tags and legacy aliases', () => {
    const wheel = 'x-1.0-cp312-cp312-manylinux_2_34_x86_64.whl';
    expect(isWheelCompatible(glibc('3.12', '2.36'), wheel)).toBe(true);
    expect(isWheelCompatible(glibc('3.12', '2.31'), wheel)).toBe(false);
    expect(isWheelCompatible(glibc('3.12', '2.28'), 'x-1.0-cp312-cp312-manylinux2014_x86_64.whl')).toBe(true);
    expect(
      isWheelCompatible(glibc('3.12', '2.28', 'arm64'), 'x-1.0-cp312-cp312-manylinux2014_x86_64.whl'),
    ).toBe(false);
    // manylinux1 is below the aarch64 floor: never offered there.
    expect(
      isWheelCompatible(glibc('3.12', '2.28', 'arm64'), 'x-1.0-cp312-cp312-manylinux1_aarch64.whl'),
    ).toBe(false);
  });

  it('keeps glibc and musl wheels apart', () => {
    const many = 'x-1.0-cp312-cp312-manylinux_2_17_aarch64.whl';
    const ml = 'x-1.0-cp312-cp312-musllinux_1_1_aarch64.whl';
    expect(isWheelCompatible(musl('3.12', '1.2.5', 'arm64'), many)).toBe(false);
    expect(isWheelCompatible(musl('3.12', '1.2.5', 'arm64'), ml)).toBe(true);
    expect(isWheelCompatible(glibc('3.12', '2.41', 'arm64'), ml)).toBe(false);
    expect(
      isWheelCompatible(musl('3.12', '1.1.24', 'arm64'), 'x-1.0-cp312-cp312-musllinux_1_2_aarch64.whl'),
    ).toBe(false);
  });

  it('reports the best tag of a compressed set', () => {
    const target = glibc('3.12', '2.36');
    const match = bestTagMatch(target, 'x-1.0-cp312-abi3-manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl');
    expect(match?.tag).toBe('cp312-abi3-manylinux_2_28_x86_64');
    expect(bestTagMatch(target, 'not-a-wheel.whl')).toBeUndefined();
  });
});
