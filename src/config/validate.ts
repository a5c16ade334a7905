/**
 * Validation of configuration text against configSchema: loaded by load.ts only when a
 * configuration exists, since zod and the TOML parser are costly to load.
 */
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { clampedLineColumn } from '../files/text.js';
import { inputCodes } from '../model/diagnostic.js';
import { allArchs, normalizeArch } from '../model/platform.js';
import type { PolicyInput } from '../recommend/policy.js';
import { rules } from '../rules/index.js';
import { configError, lineOfKey, mayHoldConfig, type PybaseConfig } from './load.js';
import { configSchema, type ParsedConfig } from './schema.js';

/** A parsed configuration in the form the checker uses. Exported for config.test.ts. */
export function fromParsed(p: ParsedConfig, source?: string): PybaseConfig {
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
  if (p['index-url']) c.indexUrl = p['index-url'];
  if (p['extra-index-urls']) c.extraIndexUrls = p['extra-index-urls'];
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

const levelWords = 'error, warning, info or off';

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '';
  // A severity is one level or a table of levels per stage: zod's union message says neither.
  if (issue.path[0] === 'severity' && issue.path.length >= 2 && issue.code !== 'invalid_key') {
    return `'${where}': must be ${levelWords}, or a table of those per stage (dev, ci, build, prod)`;
  }
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
  const problem = semanticProblem(result.data);
  if (problem) {
    throw configError(
      file,
      lineOfKey(text, prefix, problem.path),
      `invalid configuration: '${problem.path.join('.')}': ${problem.message}`,
      problem.hint,
    );
  }
  return fromParsed(result.data, file);
}

/** Codes a `select` / `ignore` pattern or a severity key may name: every rule's and input codes. */
const knownCodes = [...rules.map((r) => r.code), ...Object.values(inputCodes)];

/**
 * What the schema cannot say: rule codes that name no rule, architectures no image is built for,
 * mirrors not written as an image name. Typos there would otherwise silently do nothing.
 */
function semanticProblem(
  c: ParsedConfig,
): { path: (string | number)[]; message: string; hint: string } | undefined {
  const codesHint = "'pybase rules' lists every rule code";
  for (const key of ['select', 'ignore'] as const) {
    for (const [i, pattern] of (c[key] ?? []).entries()) {
      if (!knownCodes.some((code) => code.startsWith(pattern))) {
        return { path: [key, i], message: `'${pattern}' matches no rule code`, hint: codesHint };
      }
    }
  }
  for (const code of Object.keys(c.severity)) {
    if (!rules.some((r) => r.code === code)) {
      return { path: ['severity', code], message: `'${code}' is not a rule code`, hint: codesHint };
    }
  }
  for (const [i, arch] of (c.archs ?? []).entries()) {
    if (!normalizeArch(arch)) {
      return {
        path: ['archs', i],
        message: `'${arch}' is not an architecture python images are built for`,
        hint: `use one of ${allArchs.join(', ')} (or the linux/... platform form)`,
      };
    }
  }
  for (const [i, mirror] of c.mirrors.entries()) {
    // host[:port][/path]/python: no scheme, tag or digest, and the image name is python.
    const name = mirror.replace(/\/+$/, '');
    if (!/^[A-Za-z0-9.-]+(?::\d+)?(?:\/[a-z0-9._-]+)*\/python$/.test(name)) {
      return {
        path: ['mirrors', i],
        message: `'${mirror}' is not a mirror of the python image: write it as host[/path]/python, without a scheme, tag or digest`,
        hint: "for example 'registry.example.com/library/python'",
      };
    }
  }
  return undefined;
}

function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    // Kept inside the file: a TOML cut short is reported on the line after its final line break.
    const line = clampedLineColumn(text, err instanceof TomlError ? err.line : 1, 1).line;
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'invalid TOML';
    throw configError(file, line, `cannot read TOML: ${first}`, 'fix the TOML syntax at that line');
  }
}

/** Parse configuration text: a whole pybase.toml, or `[tool.pybase]` of a pyproject.toml. */
export function parseConfigText(text: string, file: string): PybaseConfig | undefined {
  // No pybase section: nothing to read here (a broken pyproject.toml is reported by extraction).
  if (!mayHoldConfig(text, file)) return undefined;
  const doc = parseTomlText(text, file);
  if (path.basename(file) !== 'pyproject.toml') return validateConfig(doc, file, text);
  const tool = doc.tool as Record<string, unknown> | undefined;
  if (tool?.pybase === undefined) return undefined;
  return validateConfig(tool.pybase, file, text, ['tool', 'pybase']);
}
