import { describe, expect, it } from 'vitest';
import { flowDepthExceededAt, maxFlowDepth, parseYaml, plainScalarReadsAs, scalarValueAt } from './yaml.js';

describe('parseYaml', () => {
  it('refuses flow collections nested past the limit, naming the line and column, without parsing', () => {
    const ok = `a: ${'['.repeat(maxFlowDepth)}${']'.repeat(maxFlowDepth)}\n`;
    expect(flowDepthExceededAt(ok)).toBe(-1);
    expect(parseYaml('ok.yml', ok).yaml).toBeDefined();
    const deep = `a: 1\nb: ${'[{'.repeat(maxFlowDepth)}\n`;
    expect(flowDepthExceededAt(deep)).toBe(8 + maxFlowDepth);
    const { yaml, diagnostics } = parseYaml('deep.yml', deep);
    expect(yaml).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'PBE006',
        location: expect.objectContaining({ file: 'deep.yml', startLine: 2, startColumn: maxFlowDepth + 4 }),
      }),
    ]);
    // Closed levels do not add up.
    expect(flowDepthExceededAt('[]'.repeat(100_000))).toBe(-1);
  });

  it('refuses a file of several documents with its own message, not the one of the parser', () => {
    const { yaml, diagnostics } = parseYaml('compose.yaml', 'services: {}\n---\nservices: {}\n');
    expect(yaml).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.severity, d.location?.startLine, d.message])).toEqual([
      [
        'PBE006',
        'error',
        2,
        "compose.yaml:2: cannot parse: the file holds 2 YAML documents (a '---' line starts another), but is read as one: nothing in it was read",
      ],
    ]);
    // A header document is only skipped when the caller names its key.
    expect(parseYaml('x.yml', 'spec: {}\n---\na: 1\n').yaml).toBeUndefined();
    expect(parseYaml('x.yml', 'spec: {}\n---\na: 1\n', { headerKey: 'spec' }).yaml?.doc.toJS()).toEqual({
      a: 1,
    });
  });
});

describe('plainScalarReadsAs', () => {
  it('tells text that YAML reads back as itself from text it reads as something else', () => {
    for (const same of ['3.12', '3.9', 'python:3.12.14-slim-trixie', '3.12.14', 'python'])
      expect(plainScalarReadsAs(same), same).toBe(true);
    for (const other of [
      '3.10',
      '3.20',
      'true',
      'null',
      '~',
      'on',
      'yes',
      '0x1F',
      '1e3',
      'a: b',
      '[3]',
      '',
      ' 3.9',
    ])
      expect(plainScalarReadsAs(other), other).toBe(false);
  });
});

describe('scalarValueAt', () => {
  it('gives the value YAML reads for the scalar whose text starts at an offset', () => {
    const text = 'a: 3.10\nb: "3.10"\nc: python\n';
    expect(scalarValueAt(text, text.indexOf('3.10'))).toEqual({ value: 3.1 });
    expect(scalarValueAt(text, text.indexOf('"3.10"') + 1)).toEqual({ value: '3.10' });
    expect(scalarValueAt(text, text.indexOf('python'))).toEqual({ value: 'python' });
    expect(scalarValueAt(text, 1)).toBeUndefined();
  });
});
