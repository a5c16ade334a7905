import { describe, expect, it } from 'vitest';
import type { Diagnostic, SourceRange } from '../model/diagnostic.js';
import type { IgnorePragma } from '../model/project.js';
import { applySuppressions } from './suppress.js';

const at = (file: string, line: number): SourceRange => ({
  file,
  startLine: line,
  startColumn: 1,
  endLine: line,
  endColumn: 2,
});

const options = { ranCodes: new Set(['PB101', 'PB102']), knownCodes: new Set(['PB101', 'PB102']) };

function finding(location: SourceRange, related?: SourceRange[]): Diagnostic {
  return { code: 'PB101', severity: 'error', message: 'x', location, ...(related ? { related } : {}) };
}

function next(file: string, line: number, target: number, codes = ['PB101']): IgnorePragma {
  return { file, line, codes, scope: 'next', target: { startLine: target, endLine: target } };
}

describe('applySuppressions', () => {
  it('silences a finding by a pragma at one of its related places, and counts the pragma as used', () => {
    const d = finding(at('w.yml', 13), [at('w.yml', 8)]);
    const r = applySuppressions([d], [next('w.yml', 8, 8)], options);
    expect(r.suppressed).toEqual([d]);
    expect(r.kept).toEqual([]);
    expect(r.unused).toEqual([]);
  });

  it('still silences a finding by a pragma at its location', () => {
    const d = finding(at('w.yml', 13), [at('w.yml', 8)]);
    const r = applySuppressions([d], [next('w.yml', 12, 13)], options);
    expect(r.suppressed).toEqual([d]);
    expect(r.unused).toEqual([]);
  });

  it('leaves a finding whose places the pragma does not reach, and reports the pragma unused', () => {
    const d = finding(at('w.yml', 13), [at('w.yml', 8)]);
    const r = applySuppressions([d], [next('w.yml', 9, 9), next('other.yml', 8, 8)], options);
    expect(r.kept).toEqual([d]);
    expect(r.unused.map((u) => `${u.location?.file}:${u.location?.startLine}`)).toEqual([
      'w.yml:9',
      'other.yml:8',
    ]);
  });

  it('takes an ignore-file pragma of the file a related place is in', () => {
    const d = finding(at('a.yml', 3), [at('b.yml', 5)]);
    const pragma: IgnorePragma = { file: 'b.yml', line: 1, codes: ['PB101'], scope: 'file' };
    expect(applySuppressions([d], [pragma], options).suppressed).toEqual([d]);
  });
});
