import { describe, expect, it } from 'vitest';
import { LineIndex } from './text.js';
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

/** Lines of a text as editors and `wc -l` count them: the empty text after a final line break is none. */
function linesOf(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

describe('parse errors point inside the file', () => {
  it('an unexpected end of input is on the last line, not on the line after a final line break', () => {
    const text = 'on: push\njobs:\n  test: [\n';
    const { yaml, diagnostics } = parseYaml('.github/workflows/ci.yml', text);
    expect(yaml).toBeUndefined();
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) {
      expect(d.location).toMatchObject({ startLine: 3, endLine: 3 });
      expect(d.location?.startColumn).toBeLessThanOrEqual('  test: ['.length + 1);
      expect(d.message).toMatch(/^\.github\/workflows\/ci\.yml:3: cannot parse: /);
    }
  });

  it('holds for every cut of a workflow, with \\n, \\r\\n or no final line break', () => {
    const workflow = [
      'name: ci',
      'on: [push, pull_request]',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    container: { image: "python:3.12-slim", options: --user 1001 }',
      '    strategy:',
      '      matrix:',
      '        python: ["3.11", "3.12"]',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with: { python-version: "${{ matrix.python }}" }',
      '      - run: |',
      '          pip install -r requirements.txt',
      '',
    ].join('\n');
    let broken = 0;
    const outside: string[] = [];
    for (const eol of ['\n', '\r\n']) {
      const full = workflow.replace(/\n/g, eol);
      // Every fifth cut keeps the test quick and still lands in every construct of the file.
      for (let cut = 1; cut <= full.length; cut += 5) {
        for (const text of [full.slice(0, cut), `${full.slice(0, cut)}${eol}`]) {
          const lines = linesOf(text);
          for (const d of parseYaml('w.yml', text).diagnostics) {
            broken++;
            const loc = d.location!;
            const line = lines[loc.startLine - 1];
            if (loc.startLine < 1 || loc.endLine > lines.length || loc.startColumn > (line?.length ?? 0) + 1)
              outside.push(JSON.stringify({ text, loc }));
          }
        }
      }
    }
    expect(outside).toEqual([]);
    // Most cuts leave an unclosed flow collection or a broken key: the loop did judge errors.
    expect(broken).toBeGreaterThan(20);
  });
});

describe('LineIndex.pointAt', () => {
  it('keeps offsets inside the last line', () => {
    const index = new LineIndex('a\nbc\n');
    expect(index.lastLine).toBe(1);
    expect(index.pointAt(0)).toEqual({ line: 0, character: 0 });
    expect(index.pointAt(4)).toEqual({ line: 1, character: 2 });
    expect(index.pointAt(5)).toEqual({ line: 1, character: 2 });
    expect(index.pointAt(99)).toEqual({ line: 1, character: 2 });
    // A blank line that ends in a line break is a line of the file.
    expect(new LineIndex('a\n\n').pointAt(3)).toEqual({ line: 1, character: 0 });
    expect(new LineIndex('a\nbc').pointAt(5)).toEqual({ line: 1, character: 2 });
    expect(new LineIndex('').pointAt(0)).toEqual({ line: 0, character: 0 });
    expect(new LineIndex('ab\r\n').clamp(7, 3)).toEqual({ line: 0, character: 2 });
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
