import { describe, expect, it } from 'vitest';
import { isPybaseError } from '../model/diagnostic.js';
import {
  evaluateMarker,
  formatMarker,
  type MarkerEnvironment,
  markerEnvironment,
  parseMarker,
  requireMarker,
} from './markers.js';
import { makeWheelTarget } from './target.js';

const env39 = markerEnvironment(makeWheelTarget('3.9.18', { family: 'glibc', version: '2.36' }, 'amd64'));
const env312arm = markerEnvironment(makeWheelTarget('3.12', { family: 'musl', version: '1.2.5' }, 'arm64'), {
  platform_release: '6.8.0-1014-azure',
});
const ev = (marker: string, env: MarkerEnvironment = env39) => evaluateMarker(marker, env);

function syntaxError(text: string) {
  const result = parseMarker(text);
  if (result.ok) throw new Error(`expected '${text}' to be refused`);
  return result.error;
}

describe('markerEnvironment', () => {
  it('describes CPython on Linux for the target', () => {
    expect(env39).toMatchObject({
      implementation_name: 'cpython',
      implementation_version: '3.9.18',
      os_name: 'posix',
      platform_machine: 'x86_64',
      platform_python_implementation: 'CPython',
      platform_system: 'Linux',
      python_full_version: '3.9.18',
      python_version: '3.9',
      sys_platform: 'linux',
      extra: '',
    });
    expect(env312arm.python_full_version).toBe('3.12.0');
    expect(env312arm.platform_machine).toBe('aarch64');
  });
});

describe('evaluateMarker', () => {
  it('reads each variable', () => {
    expect(ev('implementation_name == "cpython"')).toBe(true);
    expect(ev('implementation_version >= "3.9.10"')).toBe(true);
    expect(ev('os_name == "nt"')).toBe(false);
    expect(ev('platform_machine == "x86_64"')).toBe(true);
    expect(ev('platform_machine == "x86_64"', env312arm)).toBe(false);
    expect(ev('platform_python_implementation != "PyPy"')).toBe(true);
    expect(ev("platform_release >= '6'", env312arm)).toBe(false); // not a version: no version match
    expect(ev("'azure' in platform_release", env312arm)).toBe(true);
    expect(ev('platform_system == "Linux"')).toBe(true);
    expect(ev('platform_version == ""')).toBe(true);
    expect(ev('python_full_version < "3.9.2"')).toBe(false);
    expect(ev('python_version == "3.9"')).toBe(true);
    expect(ev('sys_platform == "win32"')).toBe(false);
    expect(ev('extra == "test"')).toBe(false);
    expect(ev('os.name == "posix" and sys.platform == "linux" and platform.machine == "x86_64"')).toBe(true);
  });

  it('compares versions as PEP 440 versions, not as strings', () => {
    // As strings, "3.9" > "3.10"; as versions it is older.
    expect(ev('python_version >= "3.10"')).toBe(false);
    expect(ev('python_version < "3.10"')).toBe(true);
    expect(ev('python_version >= "3.10"', env312arm)).toBe(true);
    expect(ev('"3.8" < python_version')).toBe(true);
    expect(ev('python_version == "3.9.*"')).toBe(true);
    expect(ev('python_full_version != "3.9.*"')).toBe(false);
    expect(ev('python_version ~= "3.8"')).toBe(true);
    expect(ev('python_version ~= "3.10"')).toBe(false);
    expect(ev('python_version === "3.9"')).toBe(true);
    expect(ev('python_version == "3.9.0"')).toBe(true);
  });

  it('falls back to string comparison when the right side is not a version', () => {
    expect(ev('sys_platform < "m"')).toBe(true);
    expect(ev('platform_machine > "aarch64"')).toBe(true);
  });

  it('lets and bind tighter than or, and honours parentheses', () => {
    expect(ev('os_name == "posix" or os_name == "nt" and sys_platform == "win32"')).toBe(true);
    expect(ev('(os_name == "posix" or os_name == "nt") and sys_platform == "win32"')).toBe(false);
    expect(ev('sys_platform == "win32" and os_name == "nt" or python_version >= "3.9"')).toBe(true);
    expect(ev('((python_version >= "3.8"))')).toBe(true);
  });

  it('treats in / not in as substring tests', () => {
    expect(ev('platform_machine in "x86_64 AMD64"')).toBe(true);
    expect(ev('platform_machine not in "x86_64 AMD64"')).toBe(false);
    expect(ev('platform_machine not   in "arm64 aarch64"')).toBe(true);
    expect(ev('python_version in "3.8 3.9"')).toBe(true);
  });

  it('compares extra names normalized', () => {
    expect(ev('extra == "Foo_Bar"', { ...env39, extra: 'foo-bar' })).toBe(true);
    expect(ev('extra != "foo.bar"', { ...env39, extra: 'FOO_BAR' })).toBe(false);
  });

  it('throws a PybaseError for comparisons that mean nothing', () => {
    expect(() => ev('python_version ~= "abc"')).toThrow(/neither a version nor a string comparison/);
    try {
      ev('python_version ~= "abc"');
    } catch (error) {
      expect(isPybaseError(error)).toBe(true);
    }
  });
});

describe('parseMarker errors', () => {
  it('reports the reason and the position', () => {
    expect(syntaxError('python_version >= "3.8')).toMatchObject({ offset: 18, column: 19 });
    expect(syntaxError('python_version >= "3.8')).toMatchObject({
      message: expect.stringMatching(/unterminated/),
    });
    expect(syntaxError('python_versio == "3.8"')).toMatchObject({
      offset: 0,
      message: expect.stringMatching(/unknown/),
    });
    expect(syntaxError('python_version "3.8"')).toMatchObject({ offset: 15 });
    expect(syntaxError('python_version == "3.8" and')).toMatchObject({ offset: 27 });
    expect(syntaxError('python_version == "3.8" os_name == "nt"')).toMatchObject({ offset: 24 });
    expect(syntaxError('(python_version == "3.8"')).toMatchObject({ offset: 24, message: "expected ')'" });
    expect(syntaxError('os_name not "posix"')).toMatchObject({ message: "expected 'in' after 'not'" });
    expect(syntaxError('os_name = "posix"')).toMatchObject({ offset: 8 });
    expect(syntaxError('')).toMatchObject({ offset: 0 });
    expect(syntaxError('"a" == "b" == "c"')).toMatchObject({ offset: 11 });
  });

  it('requireMarker throws a PybaseError pointing at the column', () => {
    const location = { file: 'requirements.txt', startLine: 4, startColumn: 10, endLine: 4, endColumn: 40 };
    try {
      requireMarker('python_version >> "3"', location);
      expect.unreachable();
    } catch (error) {
      expect(isPybaseError(error)).toBe(true);
      if (isPybaseError(error)) {
        expect(error.diagnostic.code).toBe('PBE006');
        expect(error.diagnostic.location).toMatchObject({
          file: 'requirements.txt',
          startLine: 4,
          startColumn: 26,
        });
      }
    }
  });

  it('writes a parsed marker back canonically', () => {
    const result = parseMarker("(os_name=='posix' or os_name=='nt')and python_version>'3'");
    expect(result.ok && formatMarker(result.marker)).toBe(
      '(os_name == "posix" or os_name == "nt") and python_version > "3"',
    );
    const aliased = parseMarker("python_implementation == 'CPython'");
    expect(aliased.ok && formatMarker(aliased.marker)).toBe('platform_python_implementation == "CPython"');
  });
});
