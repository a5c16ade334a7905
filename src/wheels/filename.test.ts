import { describe, expect, it } from 'vitest';
import { isPybaseError } from '../model/diagnostic.js';
import {
  filenameFromUrl,
  normalizeName,
  parseDistributionFilename,
  parseSdistFilename,
  parseWheelFilename,
  requireWheelFilename,
} from './filename.js';

function wheel(name: string) {
  const result = parseWheelFilename(name);
  if (!result.ok) throw new Error(`expected ${name} to parse: ${result.reason}`);
  return result.value;
}

function reason(name: string): string {
  const result = parseWheelFilename(name);
  if (result.ok) throw new Error(`expected ${name} to be refused`);
  return result.reason;
}

describe('parseWheelFilename', () => {
  it('reads a pure-Python wheel', () => {
    const w = wheel('requests-2.31.0-py3-none-any.whl');
    expect(w).toMatchObject({ name: 'requests', distribution: 'requests', version: '2.31.0' });
    expect(w.build).toBeUndefined();
    expect(w.tagKeys).toEqual(['py3-none-any']);
  });

  it('expands compressed tag sets into every triple', () => {
    const w = wheel('numpy-1.26.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
    expect(w.platformTags).toEqual(['manylinux_2_17_x86_64', 'manylinux2014_x86_64']);
    expect(w.tagKeys).toEqual(['cp312-cp312-manylinux_2_17_x86_64', 'cp312-cp312-manylinux2014_x86_64']);
    const six = wheel('six-1.16.0-py2.py3-none-any.whl');
    expect(six.pythonTags).toEqual(['py2', 'py3']);
    expect(six.tags).toEqual([
      { interpreter: 'py2', abi: 'none', platform: 'any' },
      { interpreter: 'py3', abi: 'none', platform: 'any' },
    ]);
    const multi = wheel('x-1.0-cp38.cp39-abi3.none-linux_x86_64.any.whl');
    expect(multi.tagKeys).toHaveLength(8);
    expect(new Set(multi.tagKeys).size).toBe(8);
  });

  it('reads build tags as number and suffix', () => {
    expect(wheel('foo-1.0-1-py3-none-any.whl').build).toEqual({ number: 1, suffix: '' });
    expect(wheel('foo-1.0-12abc-py3-none-any.whl').build).toEqual({ number: 12, suffix: 'abc' });
    expect(reason('foo-1.0-abc-py3-none-any.whl')).toMatch(/build tag 'abc'/);
  });

  it('normalizes the name and lower-cases tags', () => {
    const w = wheel('Foo_Bar.baz-1.0-PY3-NONE-ANY.whl');
    expect(w.name).toBe('foo-bar-baz');
    expect(w.distribution).toBe('Foo_Bar.baz');
    expect(w.tagKeys).toEqual(['py3-none-any']);
  });

  it('accepts local versions written with +', () => {
    expect(wheel('torch-2.1.0+cu121-cp311-cp311-linux_x86_64.whl').version).toBe('2.1.0+cu121');
  });

  it('refuses invalid names with a reason', () => {
    expect(reason('requests-2.31.0-py3-none-any.zip')).toMatch(/\.whl/);
    expect(reason('requests-2.31.0-py3-any.whl')).toMatch(/has 4/);
    expect(reason('a-b-c-1.0-x-py3-none-any.whl')).toMatch(/has 8/);
    expect(reason('foo-not.a.version-py3-none-any.whl')).toMatch(/PEP 440/);
    expect(reason('foo__bar-1.0-py3-none-any.whl')).toMatch(/project name/);
    expect(reason('foo+bar-1.0-py3-none-any.whl')).toMatch(/project name/);
    expect(reason('-1.0-py3-none-any.whl')).toMatch(/empty/);
  });

  it('requireWheelFilename throws a PybaseError carrying the location', () => {
    const location = { file: 'uv.lock', startLine: 3, startColumn: 1, endLine: 3, endColumn: 10 };
    expect(requireWheelFilename('six-1.16.0-py2.py3-none-any.whl').name).toBe('six');
    try {
      requireWheelFilename('bad.whl', location);
      expect.unreachable();
    } catch (error) {
      expect(isPybaseError(error)).toBe(true);
      if (isPybaseError(error)) {
        expect(error.diagnostic.code).toBe('PBE006');
        expect(error.diagnostic.location).toEqual(location);
      }
    }
  });
});

describe('sdists and helpers', () => {
  it('splits the name from the version at the last dash', () => {
    const r = parseSdistFilename('zope.interface-6.0.tar.gz');
    expect(r).toMatchObject({ ok: true, value: { name: 'zope-interface', version: '6.0', standard: true } });
    expect(parseSdistFilename('foo-bar-1.0.zip')).toMatchObject({
      ok: true,
      value: { name: 'foo-bar', version: '1.0', extension: '.zip', standard: false },
    });
    expect(parseSdistFilename('pycrypto-2.6.1.tar.bz2')).toMatchObject({
      ok: true,
      value: { extension: '.tar.bz2' },
    });
    expect(parseSdistFilename('x-1.0.tar.xz')).toMatchObject({ ok: true, value: { extension: '.tar.xz' } });
  });

  it('refuses names that are not sdists', () => {
    expect(parseSdistFilename('foo.tar.gz').ok).toBe(false);
    expect(parseSdistFilename('foo-1.0.rar').ok).toBe(false);
    expect(parseSdistFilename('foo-bar.tar.gz').ok).toBe(false);
  });

  it('routes by extension', () => {
    expect(parseDistributionFilename('a-1.0-py3-none-any.whl')).toMatchObject({
      ok: true,
      value: { kind: 'wheel' },
    });
    expect(parseDistributionFilename('a-1.0.tar.gz')).toMatchObject({ ok: true, value: { kind: 'sdist' } });
    expect(parseDistributionFilename('a-1.0.egg').ok).toBe(false);
  });

  it('normalizes names as PEP 503 says', () => {
    expect(normalizeName('Foo.Bar__baz-_-Qux')).toBe('foo-bar-baz-qux');
    expect(normalizeName('PyYAML')).toBe('pyyaml');
  });

  it('takes the file name from a URL', () => {
    expect(
      filenameFromUrl(
        'https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp311-cp311-linux_x86_64.whl#sha256=abc',
      ),
    ).toBe('torch-2.1.0+cu121-cp311-cp311-linux_x86_64.whl');
    expect(filenameFromUrl('https://x/y/six-1.16.0.tar.gz?download=1')).toBe('six-1.16.0.tar.gz');
    expect(filenameFromUrl('six-1.16.0-py2.py3-none-any.whl')).toBe('six-1.16.0-py2.py3-none-any.whl');
    expect(filenameFromUrl('https://x/bad%E0.whl')).toBe('bad%E0.whl');
  });
});
