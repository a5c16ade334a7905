import type { Diagnostic } from '../index.js';

/** What a command may touch of the outside world. Tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout / stderr are terminals (colour, progress bars). */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  color: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The moment the command started; "today" for every date-dependent answer unless --date says otherwise. */
  now: Date;
  /** Wait until what `out` wrote has left the process (large outputs write in pieces and wait here). */
  flush?(): Promise<void>;
}

/** 128 + SIGPIPE: what a shell reports for a program whose reader went away, as `cat` gives. */
export const brokenPipeExitCode = 141;

let pipesWatched = false;

/**
 * A reader that stops early (`pybase tags | head`) closes the pipe: the next write fails with
 * EPIPE. That ends the process quietly, as it would end a C program, instead of as a crash.
 */
function watchPipes(): void {
  if (pipesWatched) return;
  pipesWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(brokenPipeExitCode);
      throw error;
    });
  }
}

export function processIo(): Io {
  watchPipes();
  const env = process.env;
  const color =
    !env.NO_COLOR && env.TERM !== 'dumb' && (Boolean(env.FORCE_COLOR) || process.stdout.isTTY === true);
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    color,
    cwd: process.cwd(),
    env,
    now: new Date(),
    flush: () =>
      process.stdout.writableNeedDrain
        ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))
        : Promise.resolve(),
  };
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export function style(enabled: boolean): Style {
  if (!enabled) {
    const id = (s: string) => s;
    return { bold: id, dim: id, red: id, yellow: id, green: id, cyan: id };
  }
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
  };
}

/** A count and its noun, `1 image`, `2 images` (`many` for a plural that is not `word` + s). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Lay out rows as aligned columns (no trailing spaces). */
export function table(rows: string[][], gap = 2): string {
  const visible = (s: string) => s.replace(/\u001b\[\d+m/g, '').length;
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visible(cell));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visible(cell) + gap),
        )
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * `file:line: ` for a diagnostic printed on one line, or nothing when it has no location or its
 * message already starts with its file (readers write `file:line: cannot parse: ...` themselves).
 */
export function locationPrefix(d: Pick<Diagnostic, 'location' | 'message'>): string {
  if (!d.location || d.message.startsWith(d.location.file)) return '';
  return `${d.location.file}:${d.location.startLine}: `;
}
