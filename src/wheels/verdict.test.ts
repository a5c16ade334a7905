import { describe, expect, it } from 'vitest';
import { makeWheelTarget, type WheelTarget } from './target.js';
import {
  judgeAcrossTargets,
  judgePackage,
  type PackageFiles,
  platformLibcRequirement,
  requiresPythonAllows,
  wheelLibcNeeds,
} from './verdict.js';

const glibc = (python: string, version: string, arch = 'amd64'): WheelTarget =>
  makeWheelTarget(python, { family: 'glibc', version }, arch);
const musl = (python: string, version: string, arch = 'amd64'): WheelTarget =>
  makeWheelTarget(python, { family: 'musl', version }, arch);
const files = (...names: string[]) => names.map((filename) => ({ filename }));

const numpy: PackageFiles = {
  name: 'numpy',
  version: '1.24.4',
  requiresPython: '>=3.8',
  files: files(
    'numpy-1.24.4-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    'numpy-1.24.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    'numpy-1.24.4-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl',
    'numpy-1.24.4.tar.gz',
  ),
};

describe('judgePackage', () => {
  it('picks the pure wheel of a pure package', () => {
    const pkg = {
      name: 'six',
      version: '1.16.0',
      files: files('six-1.16.0-py2.py3-none-any.whl', 'six-1.16.0.tar.gz'),
    };
    const j = judgePackage(pkg, musl('3.12', '1.2.5', 'arm64'));
    expect(j).toMatchObject({
      verdict: 'pure',
      file: 'six-1.16.0-py2.py3-none-any.whl',
      tag: 'py3-none-any',
    });
  });

  it('installs a plain linux_* wheel on musl as pip does, with a caution about its libc', () => {
    const torch = {
      name: 'torch',
      version: '2.5.1+cpu',
      files: files('torch-2.5.1+cpu-cp312-cp312-linux_s390x.whl'),
    };
    const onAlpine = judgePackage(torch, musl('3.12', '1.2.5', 's390x'));
    expect(onAlpine).toMatchObject({ verdict: 'wheel', tag: 'cp312-cp312-linux_s390x' });
    expect(onAlpine.reason).toMatch(/does not say which libc it was built for: most are built on glibc/);
    const onDebian = judgePackage(torch, glibc('3.12', '2.41', 's390x'));
    expect(onDebian.verdict).toBe('wheel');
    expect(onDebian.reason).not.toMatch(/libc it was built for/);
    // A musllinux wheel says its libc: no caution.
    const tagged = judgePackage(
      { name: 'x', version: '1', files: files('x-1-cp312-cp312-musllinux_1_2_s390x.whl') },
      musl('3.12', '1.2.5', 's390x'),
    );
    expect(tagged.reason).not.toMatch(/libc it was built for/);
  });

  it('prefers a binary wheel over a pure one, and the best tag among binary ones', () => {
    const pkg = {
      name: 'pyyaml',
      version: '6.0.1',
      files: files(
        'PyYAML-6.0.1-py3-none-any.whl',
        'PyYAML-6.0.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
        'PyYAML-6.0.1-cp312-cp312-manylinux_2_28_x86_64.whl',
      ),
    };
    const j = judgePackage(pkg, glibc('3.12', '2.36'));
    expect(j).toMatchObject({ verdict: 'wheel', file: 'PyYAML-6.0.1-cp312-cp312-manylinux_2_28_x86_64.whl' });
    expect(j.reason).toMatch(/installs the wheel/);
  });

  it('uses abi3 wheels built for older Pythons', () => {
    const pkg = {
      name: 'cryptography',
      version: '42.0.5',
      files: files('cryptography-42.0.5-cp39-abi3-manylinux_2_28_x86_64.whl', 'cryptography-42.0.5.tar.gz'),
    };
    expect(judgePackage(pkg, glibc('3.14', '2.36'))).toMatchObject({
      verdict: 'wheel',
      tag: 'cp39-abi3-manylinux_2_28_x86_64',
    });
    expect(judgePackage(pkg, glibc('3.8', '2.36')).verdict).toBe('sdist-build');
  });

  it('falls back to the sdist when the Python has no wheel, and says why', () => {
    const j = judgePackage(numpy, glibc('3.12', '2.36'));
    expect(j.verdict).toBe('sdist-build');
    expect(j.file).toBe('numpy-1.24.4.tar.gz');
    expect(j.reason).toMatch(/^numpy 1\.24\.4 publishes no cp312 wheel for manylinux x86_64/);
    expect(j.reason).toMatch(/cp310, cp311/);
    expect(j.reason).toMatch(/needs a C compiler/);
  });

  it('names the glibc the manylinux wheels need when the target is too old', () => {
    const pkg = {
      name: 'fastlib',
      version: '2.0',
      files: files('fastlib-2.0-cp312-cp312-manylinux_2_34_x86_64.whl', 'fastlib-2.0.tar.gz'),
    };
    expect(judgePackage(pkg, glibc('3.12', '2.36')).verdict).toBe('wheel');
    const old = judgePackage(pkg, glibc('3.12', '2.28'));
    expect(old.verdict).toBe('sdist-build');
    expect(old.reason).toMatch(/need glibc >= 2\.34, the target has glibc 2\.28/);
  });

  it('says so when a package has no musllinux wheels', () => {
    const j = judgePackage(numpy, musl('3.11', '1.2.5'));
    expect(j.verdict).toBe('sdist-build');
    expect(j.reason).toMatch(/no cp311 wheel for musllinux x86_64 \(it has no musllinux wheels at all\)/);
    const withMusl = {
      ...numpy,
      files: [...numpy.files, { filename: 'numpy-1.24.4-cp311-cp311-musllinux_1_1_x86_64.whl' }],
    };
    const armOnly = {
      ...numpy,
      files: [...numpy.files, { filename: 'numpy-1.24.4-cp311-cp311-musllinux_1_1_aarch64.whl' }],
    };
    expect(judgePackage(armOnly, musl('3.11', '1.2.5')).reason).toMatch(
      /\(it has no musllinux x86_64 wheels\)/,
    );
    expect(judgePackage(armOnly, musl('3.11', '1.2.5', 'arm64')).verdict).toBe('wheel');
    expect(judgePackage(withMusl, musl('3.11', '1.2.5'))).toMatchObject({
      verdict: 'wheel',
      file: 'numpy-1.24.4-cp311-cp311-musllinux_1_1_x86_64.whl',
    });
  });

  it('never picks free-threaded wheels', () => {
    const pkg = { name: 'ft', version: '1.0', files: files('ft-1.0-cp313-cp313t-manylinux_2_17_x86_64.whl') };
    const j = judgePackage(pkg, glibc('3.13', '2.36'));
    expect(j.verdict).toBe('unavailable');
    expect(j.reason).toMatch(/only free-threaded cp313t wheels/);
    expect(j.reason).toMatch(/no sdist/);
  });

  it('honours the release requires-python', () => {
    const pkg = { ...numpy, requiresPython: '>=3.9' };
    const j = judgePackage(pkg, glibc('3.8', '2.36'));
    expect(j).toEqual({
      verdict: 'unavailable',
      reason: "numpy 1.24.4 requires Python '>=3.9', which excludes CPython 3.8",
    });
  });

  it('skips files whose own requires-python excludes the target', () => {
    const pkg: PackageFiles = {
      name: 'lib',
      version: '1.0',
      files: [
        { filename: 'lib-1.0-py3-none-any.whl', requiresPython: '>=3.10' },
        { filename: 'lib-1.0.tar.gz', requiresPython: '>=3.10' },
      ],
    };
    expect(judgePackage(pkg, glibc('3.12', '2.36')).verdict).toBe('pure');
    expect(judgePackage(pkg, glibc('3.9', '2.36'))).toMatchObject({
      verdict: 'unavailable',
      reason: expect.stringMatching(/every file of lib 1\.0 requires Python '>=3\.10'/),
    });
  });

  it('ignores invalid requires-python like pip does', () => {
    const pkg = {
      name: 'old',
      version: '1.0',
      requiresPython: '^3.8',
      files: files('old-1.0-py3-none-any.whl'),
    };
    expect(judgePackage(pkg, glibc('3.12', '2.36')).verdict).toBe('pure');
  });

  it('builds an sdist-only package and reports nothing-to-install', () => {
    expect(
      judgePackage({ name: 'src', version: '0.1', files: files('src-0.1.tar.gz') }, glibc('3.12', '2.36')),
    ).toMatchObject({
      verdict: 'sdist-build',
      file: 'src-0.1.tar.gz',
      reason: expect.stringMatching(/publishes only an sdist/),
    });
    const winOnly = { name: 'w', version: '1', files: files('w-1-cp312-cp312-win_amd64.whl') };
    expect(judgePackage(winOnly, glibc('3.12', '2.36'))).toMatchObject({
      verdict: 'unavailable',
      reason: expect.stringMatching(/it has no manylinux x86_64 wheels\), and no sdist/),
    });
  });

  it('says unknown when no files are listed', () => {
    expect(judgePackage({ name: 'x', version: '1', files: [] }, glibc('3.12', '2.36')).verdict).toBe(
      'unknown',
    );
  });

  it('prefers non-yanked files, then higher build tags, and ignores other projects files', () => {
    const pkg: PackageFiles = {
      name: 'b',
      version: '1.0',
      files: [
        { filename: 'b-1.0-cp312-cp312-manylinux_2_36_x86_64.whl', yanked: true },
        { filename: 'b-1.0-1-cp312-cp312-manylinux_2_17_x86_64.whl' },
        { filename: 'b-1.0-2-cp312-cp312-manylinux_2_17_x86_64.whl' },
        { filename: 'other-1.0-cp312-cp312-manylinux_2_36_x86_64.whl' },
      ],
    };
    expect(judgePackage(pkg, glibc('3.12', '2.36'))).toMatchObject({
      verdict: 'wheel',
      file: 'b-1.0-2-cp312-cp312-manylinux_2_17_x86_64.whl',
    });
    const onlyYanked = {
      name: 'b',
      version: '1.0',
      files: [{ filename: 'b-1.0-py3-none-any.whl', yanked: true }],
    };
    expect(judgePackage(onlyYanked, glibc('3.12', '2.36'))).toMatchObject({ verdict: 'pure', yanked: true });
  });
});

describe('requiresPythonAllows', () => {
  it('uses the patch when known, and any patch otherwise', () => {
    expect(requiresPythonAllows('>=3.9.2', glibc('3.9', '2.36'))).toBe(true);
    expect(requiresPythonAllows('>=3.9.2', glibc('3.9.1', '2.36'))).toBe(false);
    expect(requiresPythonAllows('>=3.9.2', glibc('3.9', '2.36'), { pythonFullVersion: '3.9.0' })).toBe(false);
    expect(requiresPythonAllows('!=3.9.*,>=3.8', glibc('3.9', '2.36'))).toBe(false);
    expect(requiresPythonAllows('>=3.8,<3.12', glibc('3.12', '2.36'))).toBe(false);
    expect(requiresPythonAllows('', glibc('3.12', '2.36'))).toBe(true);
    expect(requiresPythonAllows('not a spec', glibc('3.12', '2.36'))).toBeUndefined();
  });
});

describe('libc needs across targets', () => {
  const torch: PackageFiles = {
    name: 'torch',
    version: '2.5.0',
    files: files(
      'torch-2.5.0-cp312-cp312-manylinux_2_28_x86_64.whl',
      'torch-2.5.0-cp312-cp312-manylinux2014_aarch64.whl',
      'torch-2.5.0-cp312-cp312-manylinux_2_28_aarch64.whl',
    ),
  };

  it('reads the libc a platform tag asks for', () => {
    expect(platformLibcRequirement('manylinux2014_aarch64', 'aarch64')).toEqual({
      kind: 'glibc',
      version: { major: 2, minor: 17 },
    });
    expect(platformLibcRequirement('musllinux_1_2_x86_64', 'x86_64')).toEqual({
      kind: 'musl',
      version: { major: 1, minor: 2 },
    });
    expect(platformLibcRequirement('manylinux_2_28_aarch64', 'x86_64')).toBeUndefined();
    expect(platformLibcRequirement('linux_x86_64', 'x86_64')).toEqual({ kind: 'any' });
  });

  it('finds the oldest glibc per Python and machine', () => {
    expect(wheelLibcNeeds(torch, { major: 3, minor: 12 }, 'x86_64')).toEqual({
      anyLibc: false,
      glibc: { major: 2, minor: 28 },
    });
    expect(wheelLibcNeeds(torch, { major: 3, minor: 12 }, 'aarch64').glibc).toEqual({ major: 2, minor: 17 });
    expect(wheelLibcNeeds(torch, { major: 3, minor: 11 }, 'x86_64')).toEqual({ anyLibc: false });
  });

  it('reports the glibc floor and the missing musllinux wheels', () => {
    const targets = [glibc('3.12', '2.24'), glibc('3.12', '2.24', 'arm64'), musl('3.12', '1.2.5')];
    const support = judgeAcrossTargets(torch, targets);
    expect(support.glibcFloor).toEqual({ major: 2, minor: 28 });
    expect(support.hasMusllinuxWheel).toBe(false);
    expect(support.hasBinaryWheels).toBe(true);
    expect(support.results.map((r) => r.judgement.verdict)).toEqual(['unavailable', 'wheel', 'unavailable']);
    expect(support.results[0]?.judgement.reason).toMatch(/need glibc >= 2\.28, the target has glibc 2\.24/);
    const pure = judgeAcrossTargets(
      { name: 'six', files: files('six-1.16.0-py2.py3-none-any.whl') },
      targets,
    );
    expect(pure.glibcFloor).toBeUndefined();
    expect(pure.results.every((r) => r.judgement.verdict === 'pure' && r.needs.anyLibc)).toBe(true);
  });
});
