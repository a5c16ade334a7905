import { describe, expect, it } from 'vitest';
import { versionStatementAllows } from './specifier.js';

describe('versionStatementAllows', () => {
  it("reads Poetry's python in Poetry's syntax", () => {
    const poetry = (text: string) => ({ kind: 'poetry-python' as const, specifier: text, text });
    expect(versionStatementAllows(poetry('^3.10'), '3.10.0')).toBe(true);
    expect(versionStatementAllows(poetry('^3.10'), '3.14.7')).toBe(true);
    expect(versionStatementAllows(poetry('~3.12'), '3.13.0')).toBe(false);
    expect(versionStatementAllows(poetry('3.12.*'), '3.12.14')).toBe(true);
    expect(versionStatementAllows(poetry('^3.8 || ^3.12'), '3.12.14')).toBe(true);
    expect(versionStatementAllows(poetry('^3.10,<3.12'), '3.12.14')).toBe(false);
  });

  it('reads requires-python and python_requires as PEP 440; unreadable text is undecided', () => {
    expect(
      versionStatementAllows({ kind: 'requires-python', specifier: '>=3.11', text: '>=3.11' }, '3.10.4'),
    ).toBe(false);
    expect(versionStatementAllows({ kind: 'setup-cfg', specifier: '>=3.8', text: '>=3.8' }, '3.12.0')).toBe(
      true,
    );
    expect(
      versionStatementAllows({ kind: 'requires-python', specifier: '^3.10', text: '^3.10' }, '3.12.0'),
    ).toBe(undefined);
  });
});
