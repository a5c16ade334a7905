import { describe, expect, it } from 'vitest';
import { parseRequirement, pinnedVersion, urlKind } from './requirement.js';

describe('parseRequirement', () => {
  it.each([
    ['requests', { name: 'requests', extras: [], specifier: '' }],
    [
      'requests[socks, security]>=2.8.1,==2.8.*',
      { name: 'requests', extras: ['socks', 'security'], specifier: '>=2.8.1,==2.8.*' },
    ],
    ['name (>=1.0, <2)', { name: 'name', extras: [], specifier: '>=1.0,<2' }],
    [
      'pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee',
      { name: 'pip', url: 'https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee' },
    ],
    [
      "foo @ file:///tmp/foo.whl ; python_version < '3.12'",
      { name: 'foo', url: 'file:///tmp/foo.whl', marker: "python_version < '3.12'" },
    ],
    [
      'Zope.Interface_x-1 ~= 5.0 ; (os_name == "nt" or sys_platform=="linux") and extra == "a b"',
      {
        name: 'Zope.Interface_x-1',
        specifier: '~=5.0',
        marker: '(os_name == "nt" or sys_platform=="linux") and extra == "a b"',
      },
    ],
    ['legacy===1.0-custom', { specifier: '===1.0-custom' }],
    // PEP 508 needs white space before the marker of a URL requirement: a glued ";" is part of the URL.
    ['foo @ https://x/y.whl;python_version<"3"', { url: 'https://x/y.whl;python_version<"3"' }],
  ])('reads %s', (text, expected) => {
    const result = parseRequirement(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.requirement).toMatchObject(expected);
  });

  it.each([
    ['', 1],
    ['-e .', 1],
    ['foo[bar', 8],
    ['foo >=', 7],
    ['foo ; ', 7],
    ['foo ; (os_name == "nt"', 7],
    ['foo @ https://x/y.whl ; ', 25],
    ['foo bar', 5],
  ])('refuses %j at column %i', (text, column) => {
    const result = parseRequirement(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.column).toBe(column);
  });
});

describe('pinnedVersion', () => {
  it('gives the version of a single == or === clause only', () => {
    expect(pinnedVersion('==1.2.3')).toBe('1.2.3');
    expect(pinnedVersion('===1.0-x')).toBe('1.0-x');
    expect(pinnedVersion('==1.2.*')).toBeUndefined();
    expect(pinnedVersion('>=1,<2')).toBeUndefined();
    expect(pinnedVersion('==1,!=2')).toBeUndefined();
    expect(pinnedVersion('')).toBeUndefined();
  });
});

describe('urlKind', () => {
  it('tells VCS, local and remote references apart', () => {
    expect(urlKind('git+https://github.com/a/b.git@v1')).toBe('vcs');
    expect(urlKind('hg+https://x/y')).toBe('vcs');
    expect(urlKind('file:///srv/pkg.whl')).toBe('path');
    expect(urlKind('https://x/pkg-1.0.tar.gz')).toBe('url');
  });
});
