import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../test/support/paths.js';
import { readDependencies } from '../index.js';
import { parsePoetryLock } from './poetry-lock.js';

const fixtures = join(repoRoot, 'test', 'fixtures');

describe('poetry.lock 1.1', () => {
  const file = join(fixtures, 'deps-poetry-1.1', 'poetry.lock');
  const all = readDependencies(file, { with: ['*'] });

  it('reads categories as groups and optional packages as their extras', () => {
    expect(all.dependencies.map((d) => [d.name, d.groups])).toEqual([
      ['django', ['main']],
      ['asgiref', ['main']],
      ['pytest', ['dev']],
      ['sphinx', ['docs']],
    ]);
    expect(readDependencies(file).dependencies.map((d) => d.name)).toEqual(['django', 'asgiref']);
  });

  it('takes file names from [metadata.files] and Python ranges in PEP 440', () => {
    const django = all.dependencies[0];
    expect(django?.files?.map((f) => f.filename)).toEqual([
      'Django-3.2.25-py3-none-any.whl',
      'Django-3.2.25.tar.gz',
    ]);
    expect(django?.requiresPython).toBe('>=3.6');
    expect(all.source).toMatchObject({ formatVersion: '1.1', requiresPythonAsWritten: '^3.9' });
    expect(all.requiresPython).toBe('>=3.9,<4.0');
  });
});

describe('poetry.lock 2.0 (no groups recorded)', () => {
  const file = join(fixtures, 'deps-poetry-2.0', 'poetry.lock');
  const text = readFileSync(file, 'utf8');

  it('without the pyproject, counts every package as runtime and says so', () => {
    const set = parsePoetryLock(text, file);
    expect(set.dependencies).toHaveLength(5);
    expect(set.diagnostics.some((d) => d.severity === 'info' && d.message.includes('does not record'))).toBe(
      true,
    );
  });

  it('with the pyproject beside it, walks the graph for groups, extras and markers', () => {
    const runtime = readDependencies(file);
    expect(runtime.dependencies.map((d) => d.name)).toEqual(['fastapi', 'starlette', 'uvloop', 'mypkg']);
    expect(runtime.dependencies.find((d) => d.name === 'uvloop')?.marker).toBe('sys_platform != "win32"');
    expect(runtime.dependencies.find((d) => d.name === 'mypkg')).toMatchObject({
      kind: 'editable',
      url: 'libs/mypkg',
    });
    const all = readDependencies(file, { with: ['lint'] });
    expect(all.dependencies.find((d) => d.name === 'ruff')?.groups).toEqual(['lint']);
    expect(all.diagnostics.some((d) => d.message.includes('does not record'))).toBe(false);
  });
});

describe('poetry.lock 2.1', () => {
  const file = join(fixtures, 'deps-poetry-2.1', 'poetry.lock');

  it('reads groups and per-group markers', () => {
    const runtime = readDependencies(file);
    expect(runtime.dependencies.find((d) => d.name === 'colorama')).toMatchObject({
      groups: ['main', 'dev'],
      marker: 'platform_system == "Windows"',
    });
    const withDev = readDependencies(file, { with: ['dev'] });
    expect(withDev.dependencies.find((d) => d.name === 'colorama')?.marker).toBe(
      'platform_system == "Windows" or sys_platform == "win32"',
    );
  });

  it('keeps git sources as VCS and legacy sources as the index that serves the package', () => {
    const all = readDependencies(file, { with: ['*'] });
    expect(all.dependencies.find((d) => d.name === 'swebench')).toMatchObject({
      kind: 'vcs',
      url: 'https://github.com/example/swebench.git@deadbeef',
      groups: ['evaluation'],
    });
    expect(all.dependencies.find((d) => d.name === 'private-lib')?.index).toBe(
      'https://pypi.example.org/simple',
    );
    expect(all.indexUrls).toEqual(['https://pypi.example.org/simple']);
    expect(all.requiresPython).toBe('>=3.11,<4.0,<3.14');
  });
});
