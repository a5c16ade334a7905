import { describe, expect, it } from 'vitest';
import { parseReference } from '../catalog/reference.js';
import type { ExtractedReference, ValueOrigin } from '../model/project.js';
import { oneLine, shown } from './helpers.js';
import { pinnedMinor } from './statements.js';
import type { PythonReference } from './types.js';

function reference(text: string, resolved: string | undefined, origins: ValueOrigin[] = []): PythonReference {
  const ref: ExtractedReference = {
    kind: 'dockerfile-from',
    file: 'Dockerfile',
    range: { file: 'Dockerfile', startLine: 3, startColumn: 6, endLine: 3, endColumn: 20 },
    text,
    stage: 'prod',
    ...(resolved ? { resolved } : {}),
    ...(origins.length > 0 ? { origins } : {}),
  };
  const judged = resolved ?? text;
  return { ref, text: judged, image: parseReference(judged) };
}

const at = (file: string, line: number) => ({
  file,
  range: { file, startLine: line, startColumn: 1, endLine: line, endColumn: 2 },
});

describe('shown', () => {
  it('writes a plain reference as it is', () => {
    expect(shown(reference('python:3.12-slim', undefined))).toBe("'python:3.12-slim'");
  });

  it('adds the resolved text and where each value is written', () => {
    const pr = reference('python:${PY}-slim-${DISTRO}', 'python:3.12-slim-trixie', [
      { name: 'PY', value: '3.12', source: 'arg-default', ...at('Dockerfile', 1) },
      { name: 'DISTRO', value: 'trixie', source: 'compose-env', ...at('.env', 2) },
      { name: 'DISTRO', value: 'trixie', source: 'compose-env', ...at('.env', 2) },
    ]);
    expect(shown(pr)).toBe(
      "'python:${PY}-slim-${DISTRO}' (= 'python:3.12-slim-trixie'; PY=3.12 at line 1, DISTRO=trixie at .env:2)",
    );
  });

  it('names the configuration for configured build arguments and caps the list at three', () => {
    const pr = reference('python:${A}${B}${C}${D}', 'python:3.12', [
      { name: 'A', value: '3', source: 'config-build-arg' },
      { name: 'B', value: '.', source: 'arg-default', ...at('Dockerfile', 1) },
      { name: 'C', value: '1', source: 'arg-default', ...at('Dockerfile', 2) },
      { name: 'D', value: '2', source: 'matrix', ...at('.github/workflows/ci.yml', 9) },
    ]);
    expect(shown(pr)).toBe(
      "'python:${A}${B}${C}${D}' (= 'python:3.12'; A=3 in the configuration, B=. at line 1, C=1 at line 2 and 1 more)",
    );
  });
});

describe('values split over lines', () => {
  it('prints an ARG default continued with a backslash (or the escape character) on one line', () => {
    const pr = reference('python:${PY}-slim', 'python:3.12.14-slim', [
      { name: 'PY', value: '3.12\\\n.14', source: 'arg-default', ...at('Dockerfile', 1) },
    ]);
    expect(shown(pr)).toBe("'python:${PY}-slim' (= 'python:3.12.14-slim'; PY=3.12.14 at line 1)");
    expect(oneLine('3.12`\r\n.14')).toBe('3.12.14');
    expect(oneLine('a\n  b')).toBe('a b');
  });
});

describe('pinnedMinor', () => {
  it('reads the CPython minor a named version pins, and nothing from ranges or other interpreters', () => {
    for (const [text, minor] of [
      ['3.8', '3.8'],
      ['3.8.10', '3.8'],
      ['3.9.x', '3.9'],
      ['3.13t', '3.13'],
      [' 3.12 ', '3.12'],
      ['cpython-3.11', '3.11'],
      ['cpython@3.11', '3.11'],
      ['python-3.10.4', '3.10'],
      ['2.7', '2.7'],
    ] as const)
      expect(pinnedMinor(text), text).toBe(minor);
    for (const text of [
      '3',
      '3.x',
      '>=3.8',
      '~3.9',
      '^3.9',
      '3.9-dev',
      '3.14.0rc1',
      '3.14.0-alpha.1',
      'pypy3.9',
      'pypy-3.10',
      'system',
      '',
    ])
      expect(pinnedMinor(text), text).toBeUndefined();
  });
});
