/**
 * Temporary folders made by a test file, removed after each of its tests. Call once at the top level
 * of the file (`const temps = tempDirs();`), then `temps.make('pybase-x-')` for a new folder, or
 * `temps.push(dir)` for one made otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export interface TempDirs {
  make(prefix?: string): string;
  push(...dirs: string[]): number;
}

export function tempDirs(): TempDirs {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    make(prefix = 'pybase-test-') {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    push: (...more) => dirs.push(...more),
  };
}
