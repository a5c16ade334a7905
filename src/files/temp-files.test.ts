import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleRunner } from '../../test/support/bundle-runner.js';
import { tempDirs } from '../../test/support/temp-dirs.js';

const temps = tempDirs();
/** Runs `body` (with trackTemp and untrackTemp in scope) in a child process; returns how it ended. */
async function runChild(dir: string, body: string) {
  const runner = await bundleRunner(
    dir,
    'src/files',
    `import { trackTemp, untrackTemp } from './temp-files.js';\n${body}\n`,
  );
  return spawnSync(process.execPath, [runner], { encoding: 'utf8', timeout: 20_000 });
}

describe('temporary files of an interrupted run', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`are removed on ${signal}, and the process still ends by that signal`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pybase-temp-'));
      temps.push(dir);
      const temp = join(dir, '.Dockerfile.pybase-1-abcd.tmp');
      const done = join(dir, 'Dockerfile');
      writeFileSync(temp, 'half');
      writeFileSync(done, 'whole');
      const child = await runChild(
        dir,
        `trackTemp(${JSON.stringify(temp)});\ntrackTemp(${JSON.stringify(done)});\nuntrackTemp(${JSON.stringify(done)});\nsetTimeout(() => {}, 10000);\nprocess.kill(process.pid, '${signal}');`,
      );
      expect(child.signal).toBe(signal);
      expect(existsSync(temp)).toBe(false);
      // A file no longer tracked (renamed into place) is left alone.
      expect(existsSync(done)).toBe(true);
    });
  }

  it('leave the default behaviour alone once none is tracked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-temp-'));
    temps.push(dir);
    const child = await runChild(
      dir,
      `trackTemp('x');\nuntrackTemp('x');\nconsole.log(process.listenerCount('SIGINT'));`,
    );
    expect(child.stdout.trim()).toBe('0');
  });
});
