/**
 * Read pybase's configuration from `pybase.toml` or `[tool.pybase]` in `pyproject.toml`, validate
 * it, and turn it into the options the checker uses. Every error is a PybaseError (PBE004) that
 * names the file, the key and its line.
 *
 * Validation (zod and the TOML parser, in validate.ts) is loaded only when there is a configuration
 * to validate: a project without one, the common case, does not pay for loading them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExtractOptions } from '../files/extract.js';
import { inputCodes, PybaseError, type Severity } from '../model/diagnostic.js';
import type { Stage } from '../model/stage.js';
import type { PolicyInput } from '../recommend/policy.js';
import type { DebianEolPolicy, RuleLevel } from '../rules/types.js';

export type FailOn = Severity | 'never';

export interface PybaseConfig {
  /** Only these codes / prefixes run (undefined: all). */
  select?: string[];
  ignore: string[];
  severity: Record<string, RuleLevel | Partial<Record<Stage, RuleLevel>>>;
  stages: Partial<Record<Stage, string[]>>;
  allowedRegistries: string[];
  mirrors: string[];
  eolWindowDays: number;
  debianEolPolicy: DebianEolPolicy;
  buildArgs: Record<string, string>;
  failOn: FailOn;
  exclude: string[];
  /** The file the configuration was read from (relative to the root when inside it). */
  source?: string;
  /** Architectures the images are built for (dependency rules); absent = the default pair. */
  archs?: string[];
  /** Packages or vendor SDKs declared glibc-only (PB206, and no Alpine recommendation). */
  glibcOnly?: string[];
  /** Package index for dependency look-ups (below --index-url and PIP_INDEX_URL). */
  indexUrl?: string;
  /** Indexes asked after the main one. */
  extraIndexUrls?: string[];
  /**
   * `[tool.pybase.policy]`, as recommendation policy input; only the keys written. The glibc-only
   * SDKs and the Debian end-of-life policy are top-level keys: see {@link recommendPolicyOf}.
   */
  policy?: PolicyInput;
}

/**
 * The configuration when none is written: the defaults of configSchema (schema.ts), written out
 * here so that using them does not load zod. config.test.ts checks that the two agree.
 */
export const defaultConfig: PybaseConfig = {
  ignore: [],
  severity: {},
  stages: {},
  allowedRegistries: [],
  mirrors: [],
  eolWindowDays: 180,
  debianEolPolicy: 'security',
  buildArgs: {},
  failOn: 'error',
  exclude: [],
};

/**
 * A whole configuration from a partial one, as library callers may write it: keys left out or set
 * to undefined take their defaults.
 */
export function withConfigDefaults(partial: Partial<PybaseConfig> | undefined): PybaseConfig {
  const config: PybaseConfig = { ...defaultConfig };
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}

/**
 * How a project's files are read under a configuration: its `exclude` globs (then `extraExclude`,
 * from `--exclude`), the stage of each file (`stages`) and `build-args`. Every command reads a
 * project this way, so that `check`, `recommend`, `fix`, `report`, `matrix`, `init` and `renovate`
 * see the same references.
 */
export function extractOptionsOf(
  partial: Partial<PybaseConfig> | undefined,
  extraExclude: readonly string[] = [],
): ExtractOptions {
  const config = withConfigDefaults(partial);
  return {
    exclude: [...config.exclude, ...extraExclude],
    stages: config.stages,
    buildArgs: config.buildArgs,
  };
}

/**
 * The recommendation policy a configuration asks for: `[tool.pybase.policy]`, plus the top-level
 * keys the checker shares with it (`glibc-only`, `debian-eol-policy`). Flags are laid over this.
 */
export function recommendPolicyOf(config: PybaseConfig): PolicyInput {
  return {
    ...(config.policy ?? {}),
    debianEol: config.debianEolPolicy,
    ...(config.glibcOnly && config.glibcOnly.length > 0 ? { glibcOnly: [...config.glibcOnly] } : {}),
  };
}

export function configError(file: string, line: number, message: string, hint: string): PybaseError {
  return new PybaseError({
    code: inputCodes.config,
    severity: 'error',
    message: `${file}: ${message}`,
    location: { file, startLine: line, startColumn: 1, endLine: line, endColumn: 1 },
    hint,
  });
}

// Greedy capture, trimmed by the caller: a lazy `+?` beside `\s*` backtracks cubically on long lines.
const headerPattern = /^\s*\[\[?([^\]]+)\]\]?\s*(?:#.*)?$/;
const keyPattern =
  /^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/;

function splitDotted(key: string): string[] {
  // One pass: dots inside quotes belong to the key part (a regular expression with a look-ahead over
  // the rest of the line is quadratic on long keys).
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of key) {
    if (quote) {
      if (ch === quote) quote = undefined;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((k) => k.trim().replace(/^["']|["']$/g, ''));
}

/**
 * The 1-based line where a key is written. smol-toml gives no positions for values, so this walks
 * the text: table headers set the current table, `key =` lines name keys inside it. Falls back to
 * the closest enclosing key, then to the section header, then to line 1.
 */
export function lineOfKey(
  text: string,
  prefix: readonly string[],
  keyPath: readonly (string | number)[],
): number {
  const lines = text.split(/\r\n|\r|\n/);
  const names = keyPath.filter((k): k is string => typeof k === 'string');
  let table: string[] = [];
  const found = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const header = headerPattern.exec(line);
    if (header?.[1]) {
      table = splitDotted(header[1]);
      const k = table.join('.');
      if (!found.has(k)) found.set(k, i + 1);
      continue;
    }
    const key = keyPattern.exec(line);
    if (key?.[1]) {
      const k = [...table, ...splitDotted(key[1])].join('.');
      if (!found.has(k)) found.set(k, i + 1);
    }
  }
  for (let n = names.length; n >= 0; n--) {
    const line = found.get([...prefix, ...names.slice(0, n)].join('.'));
    if (line !== undefined) return line;
  }
  return 1;
}

/**
 * Whether the text can hold a pybase configuration: any pybase.toml, and a pyproject.toml with a
 * `[tool.pybase...]` table or a `tool.pybase` key. A pyproject.toml without one is not read here (a
 * broken one is reported by extraction).
 */
export function mayHoldConfig(text: string, file: string): boolean {
  if (path.basename(file) !== 'pyproject.toml') return true;
  return (
    /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*pybase\b/m.test(text) || /^[ \t]*tool[ \t]*\.[ \t]*pybase\b/m.test(text)
  );
}

/** Validate configuration text; the validator (and zod with it) is loaded on the first call. */
async function parseConfig(text: string, file: string): Promise<PybaseConfig | undefined> {
  if (!mayHoldConfig(text, file)) return undefined;
  const { parseConfigText } = await import('./validate.js');
  return parseConfigText(text, file);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PybaseError({
      code: inputCodes.unreadableFile,
      severity: 'error',
      message: `${file}: cannot read: ${(err as Error).message}`,
    });
  }
}

export interface LoadConfigOptions {
  /** An explicit configuration file (absolute, or relative to `cwd`); must exist. */
  configFile?: string;
  cwd?: string;
}

/**
 * Find and read the configuration of the project at `root`: an explicit file, else `pybase.toml`,
 * else `[tool.pybase]` of `pyproject.toml`, else the defaults.
 */
export async function loadConfig(root: string, options: LoadConfigOptions = {}): Promise<PybaseConfig> {
  if (options.configFile) {
    const abs = path.resolve(options.cwd ?? root, options.configFile);
    const text = await readIfExists(abs);
    if (text === undefined) {
      throw configError(options.configFile, 1, 'configuration file not found', 'check the --config path');
    }
    return (await parseConfig(text, options.configFile)) ?? { ...defaultConfig, source: options.configFile };
  }
  for (const name of ['pybase.toml', 'pyproject.toml']) {
    const text = await readIfExists(path.join(root, name));
    if (text === undefined) continue;
    const config = await parseConfig(text, name);
    if (config) return config;
  }
  return defaultConfig;
}
