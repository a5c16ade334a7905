import { describe, expect, it } from 'vitest';
import {
  poetryConstraintAllows,
  poetryConstraintAlternatives,
  poetryConstraintToPep440,
  poetryPythonMarker,
} from './constraint.js';

describe('poetryConstraintToPep440', () => {
  it.each([
    ['^1.2.3', '>=1.2.3,<2.0.0'],
    ['^1.2', '>=1.2,<2.0'],
    ['^1', '>=1,<2'],
    ['^0.2.3', '>=0.2.3,<0.3.0'],
    ['^0.0.3', '>=0.0.3,<0.0.4'],
    ['^0.0', '>=0.0,<0.1'],
    ['^0', '>=0,<1'],
    ['~1.2.3', '>=1.2.3,<1.3.0'],
    ['~1.2', '>=1.2,<1.3'],
    ['~1', '>=1,<2'],
    ['~3.9', '>=3.9,<3.10'],
    ['^3.12,<3.14', '>=3.12,<4.0,<3.14'],
    ['>= 1.2 < 1.5', '>=1.2,<1.5'],
    ['1.2.3', '==1.2.3'],
    ['=1.2.3', '==1.2.3'],
    ['1.2.*', '==1.2.*'],
    ['~=2.2', '~=2.2'],
    ['!=3.0.*,!=3.1.*,>=2.7', '!=3.0.*,!=3.1.*,>=2.7'],
    ['*', ''],
    ['', ''],
  ])('%s -> %s', (poetry, pep440) => {
    expect(poetryConstraintToPep440(poetry)).toEqual({ ok: true, specifier: pep440 });
  });

  it('refuses an either-or range and garbage', () => {
    expect(poetryConstraintToPep440('^2.7 || ^3.6').ok).toBe(false);
    expect(poetryConstraintToPep440('>=banana!').ok).toBe(false);
    expect(poetryConstraintToPep440('^x').ok).toBe(false);
  });
});

describe('poetryPythonMarker', () => {
  it('turns a Python constraint into a marker', () => {
    expect(poetryPythonMarker('^3.8')).toBe("python_version >= '3.8' and python_version < '4.0'");
    expect(poetryPythonMarker('<3.11.4')).toBe("python_full_version < '3.11.4'");
    expect(poetryPythonMarker('3.9.*')).toBe("python_version == '3.9'");
    expect(poetryPythonMarker('*')).toBeUndefined();
  });
});

describe('poetryConstraintAllows', () => {
  it.each([
    ['^3.10', '3.10.0', true],
    ['^3.10', '3.12.14', true],
    ['^3.10', '3.9.18', false],
    ['^3.10', '4.0.0', false],
    ['~3.12', '3.12.14', true],
    ['~3.12', '3.13.0', false],
    ['3.12.*', '3.12.1', true],
    ['3.12.*', '3.11.9', false],
    ['*', '3.14.0', true],
    ['>=3.10,<3.13', '3.12.14', true],
    ['>=3.10,<3.13', '3.13.0', false],
    ['^3.10, <3.13', '3.13.0', false],
    ['>=3.9 <3.12', '3.11.2', true],
    ['>=3.9 <3.12', '3.12.0', false],
    ['~3.8 || ^3.12', '3.8.10', true],
    ['~3.8 || ^3.12', '3.10.0', false],
    ['~3.8 || ^3.12', '3.13.1', true],
    ['~3.8|^3.12', '3.12.0', true],
    ['~3.8|^3.12', '3.11.0', false],
  ])('%s allows %s: %s', (constraint, version, expected) => {
    expect(poetryConstraintAllows(constraint, version)).toBe(expected);
  });

  it('cannot tell for an unreadable range or an empty alternative', () => {
    expect(poetryConstraintAllows('^x', '3.12.0')).toBeUndefined();
    expect(poetryConstraintAllows('^3.10 ||', '3.12.0')).toBeUndefined();
    expect(poetryConstraintAllows('^3.10 || banana', '3.12.0')).toBeUndefined();
  });

  it('lists the ranges of an either-or constraint', () => {
    expect(poetryConstraintAlternatives('^2.7 || ^3.6')).toEqual([
      { ok: true, specifier: '>=2.7,<3.0' },
      { ok: true, specifier: '>=3.6,<4.0' },
    ]);
    expect(poetryConstraintAlternatives('^3.10')).toEqual([{ ok: true, specifier: '>=3.10,<4.0' }]);
  });
});
