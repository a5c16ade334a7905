import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CapturedIo extends Io {
  stdout(): string;
  stderr(): string;
}

/** An Io that records what a command prints; nothing is a terminal, colour is off. */
export function captureIo(options: { cwd?: string; now?: string; env?: NodeJS.ProcessEnv } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    color: false,
    cwd: options.cwd ?? process.cwd(),
    // Without an environment of its own, a command sees only the test's cache directory.
    env: options.env ?? (process.env.XDG_CACHE_HOME ? { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME } : {}),
    now: new Date(options.now ?? '2026-08-20T12:00:00Z'),
    stdout: () => out,
    stderr: () => err,
  };
}

/** Run the CLI in-process with a captured Io: exit code and what it printed. */
export async function runMain(
  argv: string[],
  options: { cwd?: string; now?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(options);
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}
