import { parseArgs } from 'node:util';
import { inputCodes, PybaseError } from '../index.js';

/** Option specs in node:util parseArgs form. */
export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** Options every command accepts. */
export const commonOptions: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  date: { type: 'string' },
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  offline: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  timeout: { type: 'string' },
};

export function usageError(message: string, command?: string): PybaseError {
  return new PybaseError({
    code: inputCodes.usage,
    severity: 'error',
    message,
    hint: command ? `see 'pybase ${command} --help'` : "see 'pybase --help'",
  });
}

/** Parse a command's arguments; unknown options and missing values are usage errors that name the command. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  options: OptionSpecs,
  maxPositionals = Infinity,
): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...commonOptions, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    // node:util's messages are long and mention parseArgs internals; keep the useful first sentence.
    const message = raw
      .split('\n')[0]!
      .replace(/\. To specify a positional argument.*$/, '')
      .replace(/^Unknown option/, 'unknown option');
    throw usageError(`${command}: ${message}`, command);
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
