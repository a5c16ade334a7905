import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared data and corpus folders that sit beside the repository. */
export const sharedDir = resolve(repoRoot, '..', 'shared');
export const sharedDataDir = resolve(sharedDir, 'data');
export const corpusDir = resolve(sharedDir, 'corpus');

/**
 * True when the shared folder is present. Tests that read it fail under CI (where it must be there)
 * and skip loudly elsewhere.
 */
export function requireShared(): boolean {
  if (existsSync(sharedDataDir)) return true;
  if (process.env.CI) throw new Error(`the shared data folder is missing: ${sharedDataDir}`);
  console.warn(`\n*** SKIPPING: ${sharedDataDir} is missing; these tests need it ***\n`);
  return false;
}
