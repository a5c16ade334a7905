import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../test/support/paths.js';
import { parsePipfileLock } from './pipfile-lock.js';

const file = join(repoRoot, 'test', 'fixtures', 'deps-pipfile', 'Pipfile.lock');
const text = readFileSync(file, 'utf8');

describe('Pipfile.lock', () => {
  it('reads default as main and develop as dev, merging a name locked the same in both', () => {
    const all = parsePipfileLock(text, file, { with: ['dev'] });
    expect(all.dependencies.map((d) => [d.name, d.groups])).toEqual([
      ['requests', ['main']],
      ['internal-tool', ['main']],
      ['urllib3', ['main', 'dev']],
      ['mylib', ['main']],
      ['pytest', ['dev']],
    ]);
    expect(parsePipfileLock(text, file).dependencies.map((d) => d.name)).not.toContain('pytest');
  });

  it('reads pins, hashes, markers, extras and the index of each package', () => {
    const set = parsePipfileLock(text, file, { with: ['*'] });
    expect(set.dependencies[0]).toMatchObject({
      version: '2.32.3',
      hashes: ['sha256:o1', 'sha256:o2'],
      marker: "python_version >= '3.8'",
      index: 'https://pypi.org/simple',
      location: { file, line: 24 },
    });
    expect(set.dependencies[1]?.index).toBe('https://pypi.example.org/simple');
    expect(set.dependencies[4]?.extras).toEqual(['testing']);
    expect(set.indexUrls).toEqual(['https://pypi.org/simple', 'https://pypi.example.org/simple']);
  });

  it('converts python_version to a specifier and keeps what was written', () => {
    const set = parsePipfileLock(text, file);
    expect(set.requiresPython).toBe('==3.11.*');
    expect(set.source.requiresPythonAsWritten).toBe('3.11');
  });

  it('keeps editable paths and reports them', () => {
    const set = parsePipfileLock(text, file);
    expect(set.dependencies.find((d) => d.name === 'mylib')).toMatchObject({
      kind: 'editable',
      url: './libs/mylib',
    });
    expect(set.diagnostics.filter((d) => d.data?.reason === 'not-judgeable')).toHaveLength(1);
  });

  it('reports entries that are not objects and versions that are not pins', () => {
    const bad =
      '{\n "_meta": {"pipfile-spec": 6},\n "default": {\n  "a": 3,\n  "b": {"version": ">=1"}\n }\n}';
    const set = parsePipfileLock(bad, 'Pipfile.lock');
    expect(set.diagnostics.map((d) => d.location?.startLine)).toEqual([4, 5]);
  });
});
