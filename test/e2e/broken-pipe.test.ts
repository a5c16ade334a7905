import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';

/**
 * `pybase ... | head`: the reader takes a few bytes and goes away. The next write fails with EPIPE;
 * pybase must end quietly with 141 (as `cat` would), not crash with an unhandled error.
 */
function readThenClose(args: string[]): Promise<{ code: number | null; stderr: string }> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run 'npm run build' first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that closes the pipe early', () => {
  it('ends pybase quietly with 141, for a large JSON output', async () => {
    // Several MB of JSON: far more than a pipe holds, so writes go on after the reader left.
    const r = await readThenClose([
      'deps',
      '../shared/corpus/lockfiles/All-Hands-AI__OpenHands',
      '--offline',
      '--no-cache',
      '--json',
    ]);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|internal error/);
    expect(r.code).toBe(141);
  });
});
