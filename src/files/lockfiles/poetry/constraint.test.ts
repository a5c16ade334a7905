import { describe, expect, it } from 'vitest';
import { poetryConstraintToPep440, poetryPythonMarker } from './constraint.js';

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
