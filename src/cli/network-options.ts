/**
 * The network options commands share (`--index-url`, `--cache-dir`, `--timeout`), the progress bar
 * of index look-ups and the one-line report of a failed look-up. Kept apart from network.ts, which holds the clients, so that a command
 * run offline or answered from its cache loads no network code.
 */
import { createProgressPrinter, type Diagnostic, inputCodes, type ProgressPrinter } from '../index.js';
import { helpRows, type OptionSpecs, type Parsed, stringOption, usageError } from './args.js';
import { type Io, plural, style } from './io.js';

/** Options of commands that look packages up in an index (with `timeoutOption`). */
export const indexOptions: OptionSpecs = {
  'index-url': { type: 'string' },
  'cache-dir': { type: 'string' },
};

/** The help rows of `indexOptions` and `--timeout`, descriptions at `column` as in the command's table. */
export function indexOptionsHelp(column: number): string {
  return helpRows(
    [
      [
        '--index-url URL',
        'package index (default: PIP_INDEX_URL, index-url of the configuration,',
        "the lock's own index, or PyPI);",
        'credentials from the URL or ~/.netrc, never printed',
      ],
      ['--cache-dir DIR', 'where index pages are cached (default ~/.cache/pybase)'],
      ['--timeout SECONDS', 'give up on the network after this long (default 120)'],
    ],
    column,
  );
}

/** `--timeout SECONDS` as milliseconds, or undefined for the HTTP layer's default. */
export function deadlineMsOf(values: Parsed['values'], command: string): number | undefined {
  const text = stringOption(values, 'timeout');
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0) {
    throw usageError(`${command}: --timeout must be a number of seconds, not '${text}'`, command);
  }
  return Math.round(seconds * 1000);
}

/**
 * A package index or registry that could not be read leaves results incomplete; the output says
 * which parts, and this one line on stderr says why, naming the host (messages carry no
 * credentials). True when there was such a failure: the command then exits 2.
 */
export function reportNetworkFailures(diagnostics: readonly Diagnostic[], io: Io): boolean {
  const failures = diagnostics.filter((d) => d.code === inputCodes.network && d.severity === 'error');
  const first = failures[0];
  if (!first) return false;
  const s = style(io.color && io.stderrIsTTY);
  const more = failures.length > 1 ? ` (and ${plural(failures.length - 1, 'more failed look-up')})` : '';
  io.err(`${s.red('pybase: error:')} ${first.message}${more}\n`);
  if (first.hint) io.err(`  ${s.dim('hint:')} ${first.hint}\n`);
  return true;
}

/** The progress bar of index look-ups, on the command's stderr (drawn only on a TTY, past 10 look-ups). */
export function lookupProgress(io: Io): ProgressPrinter {
  return createProgressPrinter({
    stream: {
      isTTY: io.stderrIsTTY,
      columns: process.stderr.columns ?? 80,
      write: (text: string) => {
        io.err(text);
        return true;
      },
    },
    minTotal: 10,
  });
}
