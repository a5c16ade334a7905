import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../test/support/paths.js';
import { parsePdmLock } from './pdm-lock.js';

const file = join(repoRoot, 'test', 'fixtures', 'deps-pdm', 'pdm.lock');
const text = readFileSync(file, 'utf8');

describe('pdm.lock', () => {
  it('maps the default group to main and keeps the others', () => {
    const runtime = parsePdmLock(text, file);
    expect(runtime.dependencies.map((d) => d.name)).toEqual(['httpx', 'pywin32', 'mylib']);
    const all = parsePdmLock(text, file, { with: ['test'] });
    expect(all.dependencies.find((d) => d.name === 'httpx')?.groups).toEqual(['main', 'test']);
    expect(all.dependencies.find((d) => d.name === 'pytest')?.groups).toEqual(['test']);
    expect(all.groups).toEqual(['main', 'test']);
  });

  it('reads markers, files, requires_python and the target Python range', () => {
    const set = parsePdmLock(text, file);
    expect(set.dependencies.find((d) => d.name === 'pywin32')).toMatchObject({
      marker: 'sys_platform == "win32"',
      files: [{ filename: 'pywin32-306-cp312-cp312-win_amd64.whl', hashes: ['sha256:m1'] }],
      location: { file, line: 27 },
    });
    expect(set.dependencies.find((d) => d.name === 'httpx')?.requiresPython).toBe('>=3.8');
    expect(set.requiresPython).toBe('>=3.11');
    expect(set.source.formatVersion).toBe('4.5.0');
  });

  it('keeps git packages as VCS', () => {
    const set = parsePdmLock(text, file);
    expect(set.dependencies.find((d) => d.name === 'mylib')).toMatchObject({
      kind: 'vcs',
      url: 'https://github.com/example/mylib.git@cafe',
    });
  });
});
