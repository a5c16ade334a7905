import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../test/support/paths.js';
import { parsePyproject } from './pyproject.js';

const file = join(repoRoot, 'test', 'fixtures', 'deps-pyproject', 'pyproject.toml');
const text = readFileSync(file, 'utf8');

describe('pyproject.toml', () => {
  const all = parsePyproject(text, file, { with: ['*'] });
  const find = (name: string) => all.dependencies.find((d) => d.name === name);

  it('reads [project] dependencies as runtime ranges with extras, markers and lines', () => {
    const runtime = parsePyproject(text, file);
    expect(runtime.dependencies.map((d) => d.name)).toEqual([
      'fastapi',
      'pydantic',
      'uvloop',
      'requests',
      'attrs',
      'colorama',
      'legacy',
    ]);
    expect(find('fastapi')).toMatchObject({
      specifier: '>=0.110',
      extras: ['standard'],
      location: { file, line: 6 },
    });
    expect(find('pydantic')?.version).toBe('2.7.1');
    expect(find('uvloop')?.marker).toBe("sys_platform != 'win32'");
    expect(runtime.requiresPython).toBe('>=3.11');
  });

  it('reads optional dependencies as groups and expands self-references', () => {
    expect(find('psycopg')?.groups).toEqual(['all', 'pg']);
  });

  it('reads PEP 735 groups with include-group, and reports an include cycle', () => {
    expect(find('ruff')?.groups).toEqual(['lint', 'test']);
    expect(find('pytest')?.groups).toEqual(['test']);
    const cycle = all.diagnostics.filter((d) => d.severity === 'error');
    expect(cycle).toHaveLength(1);
    expect(cycle[0]?.message).toContain('loop-a -> loop-b -> loop-a');
    expect(cycle[0]?.location?.file).toBe(file);
  });

  it('converts Poetry caret and tilde ranges and python restrictions', () => {
    expect(find('requests')?.specifier).toBe('>=2.31,<3.0');
    expect(find('attrs')?.specifier).toBe('>=23.1,<23.2');
    expect(find('colorama')?.marker).toBe("sys_platform == 'win32'");
    expect(find('colorama')?.specifier).toBeUndefined();
    expect(find('legacy')).toMatchObject({ version: '1.0', marker: "python_version < '3.12'" });
  });

  it('takes the Poetry python constraint when [project] has none', () => {
    const set = parsePyproject(
      '[tool.poetry.dependencies]\npython = "~3.10"\nflask = "^3"\n',
      'pyproject.toml',
    );
    expect(set.requiresPython).toBe('>=3.10,<3.11');
    expect(set.source.requiresPythonAsWritten).toBe('~3.10');
    expect(set.dependencies.map((d) => [d.name, d.specifier, d.location?.line])).toEqual([
      ['flask', '>=3,<4', 3],
    ]);
  });

  it('reports a malformed requirement string at its line', () => {
    const set = parsePyproject(
      '[project]\nname = "x"\ndependencies = [\n  "ok>=1",\n  "bad[",\n]\n',
      'pyproject.toml',
    );
    expect(set.dependencies.map((d) => d.name)).toEqual(['ok']);
    expect(set.diagnostics[0]?.location?.startLine).toBe(5);
  });
});
