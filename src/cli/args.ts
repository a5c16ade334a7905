import { parseArgs } from 'node:util';
import { inputCodes, PybaseError } from '../index.js';

/** Option specs in node:util parseArgs form. */
export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/**
 * Options every command accepts; `pybase --help` lists them, and every command's help ends with them
 * (`commonOptionsHelp`).
 */
export const commonOptions: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  offline: { type: 'boolean' },
  'no-color': { type: 'boolean' },
};

export const commonOptionsHelp = `
Every command also takes --offline (never open a network connection), --no-color (no colours;
NO_COLOR=1 does the same) and -h, --help.
`;

/**
 * Rows of a help table whose descriptions start at `column` (counted from the line start), for rows
 * shared by commands whose tables have different widths. A description given as several lines
 * continues at the same column.
 */
export function helpRows(rows: readonly (readonly [string, ...string[]])[], column: number): string {
  const lines: string[] = [];
  for (const [head, ...description] of rows) {
    const first = `  ${head}`;
    lines.push(`${first}${' '.repeat(Math.max(2, column - first.length))}${description[0] ?? ''}`.trimEnd());
    for (const more of description.slice(1)) lines.push(`${' '.repeat(column)}${more}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `--date YYYY-MM-DD`: commands whose answer depends on the date. */
export const dateOption: OptionSpecs = { date: { type: 'string' } };
/** `--data-dir DIR`: commands that read the data snapshot. */
export const dataDirOption: OptionSpecs = { 'data-dir': { type: 'string' } };
/** `--json`: commands with machine-readable output. */
export const jsonOption: OptionSpecs = { json: { type: 'boolean' } };
/** `--timeout SECONDS`: commands that may go online. */
export const timeoutOption: OptionSpecs = { timeout: { type: 'string' } };

export function usageError(message: string, command?: string): PybaseError {
  return new PybaseError({
    code: inputCodes.usage,
    severity: 'error',
    message,
    hint: command ? `see 'pybase ${command} --help'` : "see 'pybase --help'",
  });
}

/**
 * An option that wants a value and is given none, or one that reads as an option: node:util's
 * messages ("argument is ambiguous") do not say what to write instead.
 */
function missingValue(
  command: string,
  argv: readonly string[],
  options: OptionSpecs,
): PybaseError | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (!arg.startsWith('--') || arg.includes('=')) continue;
    const name = arg.slice(2);
    if (options[name]?.type !== 'string') continue;
    const next = argv[i + 1];
    if (next === undefined) return usageError(`${command}: ${arg} needs a value`, command);
    if (next.startsWith('-') && next !== '-') {
      return /^--?[a-zA-Z]/.test(next)
        ? usageError(`${command}: ${arg} needs a value, but is followed by the option ${next}`, command)
        : usageError(
            `${command}: ${arg} needs a value; '${next}' starts with '-' and reads as an option: write ${arg}=${next} to give it as the value`,
            command,
          );
    }
    i++;
  }
  return undefined;
}

/** Parse a command's arguments; unknown options and missing values are usage errors that name the command. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  options: OptionSpecs,
  maxPositionals = Infinity,
): Parsed {
  const specs = { ...commonOptions, ...options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: specs, allowPositionals: true, strict: true });
  } catch (err) {
    const missing = missingValue(command, argv, specs);
    if (missing) throw missing;
    const code = (err as { code?: string }).code;
    const unknown = /^Unknown option '([^']+)'/.exec(err instanceof Error ? err.message : '')?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown === '--json') {
      throw usageError(`${command}: --json is not available: ${command} has no JSON output`, command);
    }
    const raw = err instanceof Error ? err.message : String(err);
    // node:util's messages are long and mention parseArgs internals; keep the useful first sentence.
    const message = raw
      .split('\n')[0]!
      .replace(/\. To specify a positional argument.*$/, '')
      .replace(/^Unknown option/, 'unknown option');
    throw usageError(`${command}: ${message}`, command);
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      // An empty value (`--arch ''`, `--arch ,`) would silently mean the default.
      if (typeof v === 'string' && /^[\s,]*$/.test(v)) {
        throw usageError(`${command}: --${name} needs a value, got '${v}'`, command);
      }
    }
  }
  const timeout = parsed.values.timeout;
  if (typeof timeout === 'string' && !(/^\d+(\.\d+)?$/.test(timeout) && Number(timeout) > 0)) {
    throw usageError(`${command}: --timeout must be a number of seconds, not '${timeout}'`, command);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw usageError(`${command}: unexpected argument '${parsed.positionals[maxPositionals]}'`, command);
  }
  return { values: parsed.values as Parsed['values'], positionals: parsed.positionals };
}

export function stringOption(values: Parsed['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(values: Parsed['values'], name: string): string[] {
  const v = values[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list
    .flatMap((x) => String(x).split(','))
    .map((x) => x.trim())
    .filter(Boolean);
}
