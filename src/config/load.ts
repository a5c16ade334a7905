/**
 * Read pybase's configuration from `pybase.toml` or `[tool.pybase]` in `pyproject.toml`, validate
 * it, and turn it into the options the checker uses. Every error is a PybaseError (PBE004) that
 * names the file, the key and its line.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { inputCodes, PybaseError, type Severity } from '../model/diagnostic.js';
import type { Stage } from '../model/stage.js';
import type { PolicyInput } from '../recommend/policy.js';
import type { DebianEolPolicy, RuleLevel } from '../rules/types.js';
import { configSchema, type ParsedConfig } from './schema.js';

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
  /**
   * `[tool.pybase.policy]`, as recommendation policy input; only the keys written. The glibc-only
   * SDKs and the Debian end-of-life policy are top-level keys: see {@link recommendPolicyOf}.
   */
  policy?: PolicyInput;
}

export const defaultConfig: PybaseConfig = fromParsed(configSchema.parse({}));

function fromParsed(p: ParsedConfig, source?: string): PybaseConfig {
  const c: PybaseConfig = {
    ignore: p.ignore,
    severity: p.severity,
    stages: p.stages,
    allowedRegistries: p['allowed-registries'],
    mirrors: p.mirrors,
    eolWindowDays: p['eol-window-days'],
    debianEolPolicy: p['debian-eol-policy'],
    buildArgs: p['build-args'],
    failOn: p['fail-on'],
    exclude: p.exclude,
  };
  if (p.select) c.select = p.select;
  if (p.archs) c.archs = p.archs;
  if (p['glibc-only']) c.glibcOnly = p['glibc-only'];
  if (p.policy) c.policy = policyFromParsed(p.policy);
  if (source) c.source = source;
  return c;
}

function policyFromParsed(p: NonNullable<ParsedConfig['policy']>): PolicyInput {
  const out: PolicyInput = {};
  if (p['min-support-months'] !== undefined) out.minSupportMonths = p['min-support-months'];
  if (p.libc !== undefined) out.libc = p.libc;
  if (p.appetite !== undefined) out.appetite = p.appetite;
  if (p.prereleases !== undefined) out.prereleases = p.prereleases;
  if (p['prefer-small'] !== undefined) out.preferSmall = p['prefer-small'];
  if (p['allow-build'] !== undefined) out.allowBuild = p['allow-build'];
  const limits: NonNullable<PolicyInput['vulnLimits']> = {};
  for (const s of ['critical', 'high', 'medium', 'low'] as const) {
    const n = p[`max-${s}`];
    if (n !== undefined) limits[s] = n;
  }
  if (Object.keys(limits).length > 0) out.vulnLimits = limits;
  return out;
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

function configError(file: string, line: number, message: string, hint: string): PybaseError {
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

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (where ? `${where}.${k}` : k));
    return `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}`;
  }
  return `'${where || '(top level)'}': ${issue.message}`;
}

/**
 * Validate a configuration table (already parsed from TOML). `file` and `text` are used to name the
 * place of an error; `prefix` is the table path of the configuration inside the file.
 */
export function validateConfig(
  value: unknown,
  file: string,
  text: string,
  prefix: readonly string[] = [],
): PybaseConfig {
  const result = configSchema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const keyPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    const line = lineOfKey(
      text,
      prefix,
      keyPath.map((k) => (typeof k === 'symbol' ? String(k) : k)),
    );
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
    throw configError(
      file,
      line,
      `invalid configuration: ${describeIssue(issue)}${more}`,
      'see docs/reference/check.md for every key; schemas/config.schema.json validates it in editors',
    );
  }
  return fromParsed(result.data, file);
}

function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    const line = err instanceof TomlError ? err.line : 1;
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'invalid TOML';
    throw configError(file, line, `cannot read TOML: ${first}`, 'fix the TOML syntax at that line');
  }
}

/** Parse configuration text: a whole pybase.toml, or `[tool.pybase]` of a pyproject.toml. */
export function parseConfigText(text: string, file: string): PybaseConfig | undefined {
  const isPyproject = path.basename(file) === 'pyproject.toml';
  if (
    isPyproject &&
    !/^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*pybase\b/m.test(text) &&
    !/^[ \t]*tool[ \t]*\.[ \t]*pybase\b/m.test(text)
  ) {
    // No pybase section: nothing to read here (a broken pyproject.toml is reported by extraction).
    return undefined;
  }
  const doc = parseTomlText(text, file);
  if (!isPyproject) return validateConfig(doc, file, text);
  const tool = doc.tool as Record<string, unknown> | undefined;
  if (tool?.pybase === undefined) return undefined;
  return validateConfig(tool.pybase, file, text, ['tool', 'pybase']);
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
    return parseConfigText(text, options.configFile) ?? { ...defaultConfig, source: options.configFile };
  }
  for (const name of ['pybase.toml', 'pyproject.toml']) {
    const text = await readIfExists(path.join(root, name));
    if (text === undefined) continue;
    const config = parseConfigText(text, name);
    if (config) return config;
  }
  return defaultConfig;
}
