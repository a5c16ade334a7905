/**
 * Crash safety: the fixer runs as a child process over 200 files and is killed with SIGKILL at
 * random moments, 200 times in all. After every kill each file must hold exactly its original or its
 * fixed text, and no temporary file may sit at a real file's name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/paths.js';

const date = '2026-08-13';
const fileCount = 200;
const lanes = 4;
const killsPerLane = 50;

let work: string;
let runner: string;

function original(i: number): string {
  return `# service ${i}\nFROM python:3.12.8-slim-bookworm AS build\nRUN echo ${i}\n\nFROM python:3.11.14-alpine3.23\nCOPY --from=build /out /out\n`;
}

function fixed(i: number): string {
  return original(i)
    .replace('3.12.8-slim-bookworm', '3.12.14-slim-bookworm')
    .replace('3.11.14-alpine3.23', '3.11.16-alpine3.23');
}

function writeRepo(dir: string): void {
  for (let i = 0; i < fileCount; i++) {
    mkdirSync(join(dir, `svc-${i}`), { recursive: true });
    writeFileSync(join(dir, `svc-${i}`, 'Dockerfile'), original(i));
  }
}

function run(dir: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [runner, dir, date], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

interface State {
  originals: number;
  fixes: number;
  temps: number;
}

/** Classify every file; anything that is neither the original nor the fixed text fails the test. */
function inspect(dir: string): State {
  const state: State = { originals: 0, fixes: 0, temps: 0 };
  for (let i = 0; i < fileCount; i++) {
    const folder = join(dir, `svc-${i}`);
    for (const name of readdirSync(folder)) {
      if (name === 'Dockerfile') continue;
      expect(name, `unexpected file in ${folder}`).toMatch(/^\.Dockerfile\.pybase-\d+-[0-9a-f]{8}\.tmp$/);
      state.temps++;
    }
    const text = readFileSync(join(folder, 'Dockerfile'), 'utf8');
    if (text === original(i)) state.originals++;
    else if (text === fixed(i)) state.fixes++;
    else expect.fail(`svc-${i}/Dockerfile is neither original nor fixed:\n${text}`);
  }
  return state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pybase fix killed with SIGKILL', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pybase-crash-'));
    runner = join(work, 'runner.mjs');
    // A bundle of the fixer with a two-line entry: starts fast enough for 200 runs in a minute.
    await build({
      stdin: {
        contents:
          "import { fixProject } from './index.js';\n" +
          'await fixProject(process.argv[2], { date: process.argv[3] });\n',
        resolveDir: join(repoRoot, 'src/fix'),
        sourcefile: 'crash-runner.ts',
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: runner,
      logLevel: 'warning',
      banner: {
        js: "import { createRequire as __req } from 'node:module'; const require = __req(import.meta.url);",
      },
    });
    copyFileSync(join(repoRoot, 'src/data/snapshot.json'), join(work, 'snapshot.json'));
  }, 60_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('leaves every file original or fixed after each of 200 kills', async () => {
    // One uninterrupted run: it must fix every file, and tells how long a whole run takes here.
    const calibration = join(work, 'calibration');
    writeRepo(calibration);
    const started = Date.now();
    const done = run(calibration);
    expect(await done.exited).toBe(0);
    const whole = Date.now() - started;
    expect(inspect(calibration)).toEqual({ originals: 0, fixes: fileCount, temps: 0 });

    const outcomes = { beforeWrites: 0, partial: 0, complete: 0 };
    const lane = async (n: number) => {
      const dir = join(work, `lane-${n}`);
      writeRepo(dir);
      // Kill times are drawn up to `scale` times the calibrated run. Runs in parallel lanes on a busy
      // machine take longer than the calibration: a kill that came before any write stretches the
      // range, one that came after the last shrinks it, so that kills keep landing while files are
      // being written however loaded the machine is.
      let scale = 1.1;
      for (let k = 0; k < killsPerLane; k++) {
        const { child, exited } = run(dir);
        await sleep(Math.random() * whole * scale);
        child.kill('SIGKILL');
        await exited;
        const state = inspect(dir);
        if (state.fixes === 0) {
          outcomes.beforeWrites++;
          scale = Math.min(scale * 1.25, 3);
        } else if (state.originals === 0) {
          outcomes.complete++;
          scale = Math.max(scale * 0.9, 0.5);
        } else outcomes.partial++;
        // Start over once everything is fixed; otherwise the next run finishes what this one began.
        if (state.originals === 0) writeRepo(dir);
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, n) => lane(n)));
    expect(outcomes.beforeWrites + outcomes.partial + outcomes.complete).toBe(lanes * killsPerLane);
    // The kills must land while files are being written, not only before or after.
    expect(outcomes.partial, JSON.stringify(outcomes)).toBeGreaterThan(10);
  }, 240_000);
});
