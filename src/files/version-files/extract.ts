/**
 * Statements of a Python version outside images: `.python-version`, `pyproject.toml`
 * (`project.requires-python`, `tool.poetry.dependencies.python`), `runtime.txt`, `Pipfile`
 * (`[requires] python_version` / `python_full_version`), `.tool-versions`, `tox.ini` `envlist`,
 * `setup.cfg` `[options] python_requires`. TOML is validated and read with smol-toml; positions
 * come from a scan of the source because smol-toml reports values, not where they are written.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import type { Diagnostic } from '../../model/diagnostic.js';
import type {
  IgnorePragma,
  ProjectFileKind,
  StatementPart,
  VersionStatement,
  VersionStatementKind,
} from '../../model/project.js';
import type { Stage } from '../../model/stage.js';
import {
  clampedLineColumn,
  indentedBlockAfter,
  LineIndex,
  misplacedPragma,
  parseErrorDiagnostic,
  scanPragmas,
} from '../text.js';

export interface VersionFileOptions {
  configuredStage?: Stage;
}

export interface VersionFileExtraction {
  versions: VersionStatement[];
  pragmas: IgnorePragma[];
  diagnostics: Diagnostic[];
}

type Kind = Extract<
  ProjectFileKind,
  'python-version' | 'pyproject' | 'runtime-txt' | 'pipfile' | 'tool-versions' | 'tox-ini' | 'setup-cfg'
>;

export function isVersionFileKind(kind: ProjectFileKind): kind is Kind {
  return [
    'python-version',
    'pyproject',
    'runtime-txt',
    'pipfile',
    'tool-versions',
    'tox-ini',
    'setup-cfg',
  ].includes(kind);
}

class Collector {
  readonly out: VersionFileExtraction = { versions: [], pragmas: [], diagnostics: [] };
  readonly index: LineIndex;
  constructor(
    readonly file: string,
    readonly text: string,
    readonly stage: Stage,
  ) {
    this.index = new LineIndex(text);
  }
  add(kind: VersionStatementKind, start: number, end: number, extra: Partial<VersionStatement> = {}): void {
    const written = this.text.slice(start, end);
    this.out.versions.push({
      kind,
      file: this.file,
      range: this.index.range(this.file, start, end),
      text: written,
      stage: this.stage,
      ...extra,
    });
  }
  /** Offset of the start of a 0-based line. */
  lineStart(line: number): number {
    return this.index.offsetAt(line, 0);
  }
}

export function extractVersionFile(
  kind: Kind,
  file: string,
  text: string,
  options: VersionFileOptions = {},
): VersionFileExtraction {
  const c = new Collector(file, text, options.configuredStage ?? 'dev');
  switch (kind) {
    case 'python-version':
      pythonVersionFile(c);
      break;
    case 'runtime-txt':
      runtimeTxt(c);
      break;
    case 'tool-versions':
      toolVersions(c);
      break;
    case 'pyproject':
      pyproject(c);
      break;
    case 'pipfile':
      pipfile(c);
      break;
    case 'tox-ini':
      toxIni(c);
      break;
    case 'setup-cfg':
      setupCfg(c);
      break;
  }
  // INI files take `;` comments; TOML files end a line with a `#` comment, `.tool-versions` (as
  // asdf reads it) with a `#` anywhere.
  const ini = kind === 'tox-ini' || kind === 'setup-cfg';
  const toml = file.endsWith('.toml') || kind === 'pipfile';
  c.out.pragmas = scanPragmas(file, c.index, (line) => indentedBlockAfter(c.index, line), undefined, {
    ini,
    trailing: kind === 'tool-versions' ? 'any-hash' : toml,
  });
  return c.out;
}

/**
 * Each line of `.python-version` that is not blank or a comment names one version. A comment is a
 * line of its own: uv reads the whole of any other line as the version (and ignores a line such as
 * `3.8  # note`, which it cannot read), pyenv its first word. So an ignore pragma after a version
 * silences nothing and is reported; the version before it is still read, as pyenv reads it.
 */
function pythonVersionFile(c: Collector): void {
  for (let line = 0; line < c.index.lineCount; line++) {
    const raw = c.index.lineText(line);
    if (raw.trim().startsWith('#')) continue;
    const body = raw.replace(/#.*$/, '');
    const trimmed = body.trim();
    if (trimmed === '') continue;
    const start = c.lineStart(line) + body.indexOf(trimmed);
    c.add('python-version-file', start, start + trimmed.length, { versions: [trimmed] });
    const misplaced = misplacedPragma(
      c.file,
      c.index,
      line,
      (written) =>
        `.python-version takes comments only on lines of their own: uv takes the whole line '${written}' for the version, cannot read it, and ignores the line`,
      `move the pragma to a line of its own before '${trimmed}'`,
    );
    if (misplaced) c.out.diagnostics.push(misplaced);
  }
}

/** `python-3.12.3` (Heroku-style); the statement covers the whole token. */
function runtimeTxt(c: Collector): void {
  for (let line = 0; line < c.index.lineCount; line++) {
    const raw = c.index.lineText(line);
    const m = /^(\s*)(python-(\S+))\s*$/.exec(raw);
    if (!m) continue;
    const start = c.lineStart(line) + m[1]!.length;
    c.add('runtime-txt', start, start + m[2]!.length, { versions: [m[3]!] });
    return;
  }
}

/** asdf's `.tool-versions`: `python 3.12.3 3.11.9`, each version a part of the statement. */
function toolVersions(c: Collector): void {
  for (let line = 0; line < c.index.lineCount; line++) {
    const body = c.index.lineText(line).replace(/#.*$/, '');
    const m = /^(\s*python\s+)(\S.*)$/.exec(body.trimEnd());
    if (!m) continue;
    const start = c.lineStart(line) + m[1]!.length;
    const parts: StatementPart[] = [];
    for (const token of m[2]!.matchAll(/\S+/g)) {
      const at = start + token.index;
      parts.push({
        text: token[0],
        range: c.index.range(c.file, at, at + token[0].length),
        versions: [token[0]],
      });
    }
    c.add('tool-versions', start, start + m[2]!.length, {
      versions: parts.map((p) => p.text),
      parts,
    });
  }
}

function tomlDocument(c: Collector): Record<string, unknown> | undefined {
  try {
    return parseToml(c.text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const message = (error.message.split('\n')[0] ?? error.message).replace(/^Invalid TOML document: /, '');
      const at = clampedLineColumn(c.index, error.line, error.column);
      c.out.diagnostics.push(parseErrorDiagnostic(c.file, at.line, at.column, message));
    } else {
      c.out.diagnostics.push(
        parseErrorDiagnostic(c.file, 1, 1, error instanceof Error ? error.message : String(error)),
      );
    }
    return undefined;
  }
}

function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Split a TOML key (`tool."poetry".dependencies`) into its parts. */
function tomlKeyParts(key: string): string[] {
  const parts: string[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/y;
  pattern.lastIndex = 0;
  while (pattern.lastIndex < key.length) {
    const m = pattern.exec(key);
    if (m === null) break;
    parts.push(m[1] ?? m[2] ?? m[3] ?? '');
  }
  return parts;
}

/**
 * Find where a TOML string value at `path` is written, scanning line by line: table headers set
 * the prefix, `key = "value"` lines (dotted keys too) complete it. `inner` selects a key inside an
 * inline table (`python = { version = "^3.10" }`). Returns the offsets of the string's content.
 */
function findTomlString(
  c: Collector,
  path: string[],
  expected: string,
  inner?: string,
): [number, number] | undefined {
  let table: string[] = [];
  let inMultiline: string | undefined;
  for (let line = 0; line < c.index.lineCount; line++) {
    const raw = c.index.lineText(line);
    if (inMultiline) {
      if (raw.includes(inMultiline)) inMultiline = undefined;
      continue;
    }
    // No lazy `+?` next to `\s*` (cubic backtracking on long lines): capture, then trim.
    const header = /^\s*\[\[?([^\]]+)\]\]?\s*(#.*)?$/.exec(raw);
    if (header) {
      table = tomlKeyParts(header[1]!.trim());
      continue;
    }
    // The key starts at a non-space and is greedy (trailing spaces are dropped by tomlKeyParts):
    // overlapping `\s` runs made this pattern backtrack cubically on long lines.
    const kv = /^(\s*)(?=\S)((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\s-])+)=\s*/.exec(raw);
    if (!kv) continue;
    const rest = raw.slice(kv[0].length);
    const triple = /^("""|''')/.exec(rest);
    if (triple && !rest.slice(3).includes(triple[1]!)) inMultiline = triple[1];
    const full = [...table, ...tomlKeyParts(kv[2]!)];
    if (full.length !== path.length || full.some((p, i) => p !== path[i])) continue;
    let valueStart = kv[0].length;
    let valueText = rest;
    if (inner) {
      const m = new RegExp(`(?:^|[{,\\s])${inner}\\s*=\\s*`).exec(rest);
      if (!m) continue;
      valueStart += m.index + m[0].length;
      valueText = rest.slice(m.index + m[0].length);
    }
    const q = /^(["'])(.*?)\1/.exec(valueText);
    if (!q || q[2] !== expected) continue;
    const start = c.lineStart(line) + valueStart + 1;
    return [start, start + expected.length];
  }
  return undefined;
}

function addTomlString(
  c: Collector,
  kind: VersionStatementKind,
  path: string[],
  value: unknown,
  field: 'specifier' | 'versions',
  inner?: string,
): void {
  if (typeof value !== 'string') return;
  const found = findTomlString(c, path, value, inner);
  // Written in a form the scan does not follow (escapes, multi-line strings): point at line 1.
  const [start, end] = found ?? [0, 0];
  const extra: Partial<VersionStatement> =
    field === 'specifier' ? { specifier: value } : { versions: [value] };
  if (!found) extra.text = value;
  c.add(kind, start, end, extra);
}

function pyproject(c: Collector): void {
  const doc = tomlDocument(c);
  if (!doc) return;
  addTomlString(
    c,
    'requires-python',
    ['project', 'requires-python'],
    at(doc, 'project', 'requires-python'),
    'specifier',
  );
  const poetry = at(doc, 'tool', 'poetry', 'dependencies', 'python');
  if (typeof poetry === 'string') {
    addTomlString(c, 'poetry-python', ['tool', 'poetry', 'dependencies', 'python'], poetry, 'specifier');
  } else {
    const version = at(poetry, 'version');
    addTomlString(
      c,
      'poetry-python',
      ['tool', 'poetry', 'dependencies', 'python'],
      version,
      'specifier',
      'version',
    );
  }
}

function pipfile(c: Collector): void {
  const doc = tomlDocument(c);
  if (!doc) return;
  addTomlString(
    c,
    'pipfile-python-version',
    ['requires', 'python_version'],
    at(doc, 'requires', 'python_version'),
    'versions',
  );
  addTomlString(
    c,
    'pipfile-python-full-version',
    ['requires', 'python_full_version'],
    at(doc, 'requires', 'python_full_version'),
    'versions',
  );
}

/**
 * An INI value (tox.ini, setup.cfg) with its continuation lines, as configparser reads it:
 * sections `[name]`, `key = value` or `key: value`, indented lines continue the value.
 * Hand-written because no installed package keeps positions for INI files.
 */
function findIniValue(c: Collector, section: string, keys: readonly string[]): [number, number] | undefined {
  let current = '';
  for (let line = 0; line < c.index.lineCount; line++) {
    const raw = c.index.lineText(line);
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      current = header[1]!.trim();
      continue;
    }
    if (current !== section) continue;
    const kv = /^([A-Za-z0-9_.-]+)\s*[=:]\s*/.exec(raw);
    if (!kv || !keys.includes(kv[1]!.toLowerCase())) continue;
    const firstValue = raw.slice(kv[0].length).replace(/\s[#;].*$/, '');
    let start = c.lineStart(line) + kv[0].length;
    let end = start + firstValue.trimEnd().length;
    if (firstValue.trim() === '') start = -1;
    for (let next = line + 1; next < c.index.lineCount; next++) {
      const t = c.index.lineText(next);
      if (t.trim() === '' || !/^\s/.test(t)) break;
      if (/^\s*[#;]/.test(t)) continue;
      const content = t.replace(/\s[#;].*$/, '');
      const lead = content.length - content.trimStart().length;
      if (start < 0) start = c.lineStart(next) + lead;
      end = c.lineStart(next) + content.trimEnd().length;
    }
    return start < 0 ? undefined : [start, end];
  }
  return undefined;
}

/** `{py311,py312}-django` -> `py311-django`, `py312-django`; nested braces expand too. */
/** Most environments one envlist entry may expand to: `{a,b}` repeated k times makes 2^k. */
export const maxToxExpansions = 1024;

/**
 * Expand tox's `{a,b}` generative names: `py{311,312}-django{42,50}` is four environments. When the
 * product would pass `limit`, each alternative is still produced once (the other groups at their first
 * alternative), so no factor is lost and the work stays linear in the text.
 */
export function expandToxBraces(text: string, limit = maxToxExpansions): string[] {
  const pieces: string[] = [];
  const groups: string[][] = [];
  let rest = text;
  for (let m = /\{([^{}]*)\}/.exec(rest); m; m = /\{([^{}]*)\}/.exec(rest)) {
    pieces.push(rest.slice(0, m.index));
    groups.push(m[1]!.split(',').map((alt) => alt.trim()));
    rest = rest.slice(m.index + m[0].length);
  }
  pieces.push(rest);
  const join = (choice: readonly string[]) => pieces.map((p, i) => p + (choice[i] ?? '')).join('');
  const product = groups.reduce((n, g) => n * g.length, 1);
  if (product <= limit) {
    let choices: string[][] = [[]];
    for (const group of groups) choices = choices.flatMap((c) => group.map((alt) => [...c, alt]));
    return choices.map(join);
  }
  const firsts = groups.map((g) => g[0] ?? '');
  const out = new Set<string>();
  groups.forEach((group, i) => {
    for (const alt of group) out.add(join(firsts.map((f, j) => (j === i ? alt : f))));
  });
  return [...out];
}

/** Versions named by tox environments: factors `py311`, `py3.11`, `py3` (not `pypy3`). */
export function toxEnvVersions(envlist: string): string[] {
  const versions: string[] = [];
  // Split on commas and newlines that are not inside braces.
  const envs: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of envlist) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if ((ch === ',' || ch === '\n' || ch === '\r') && depth === 0) {
      envs.push(current);
      current = '';
    } else current += ch;
  }
  envs.push(current);
  for (const env of envs.flatMap((e) => expandToxBraces(e.trim()))) {
    for (const factor of env.split('-')) {
      const f = /^py(\d)(?:\.?(\d+))?$/.exec(factor.trim());
      if (!f) continue;
      const v = f[2] ? `${f[1]}.${f[2]}` : f[1]!;
      if (!versions.includes(v)) versions.push(v);
    }
  }
  return versions;
}

function toxIni(c: Collector): void {
  const found = findIniValue(c, 'tox', ['envlist', 'env_list']);
  if (!found) return;
  const value = c.text.slice(found[0], found[1]);
  const versions = toxEnvVersions(value);
  c.add('tox-envlist', found[0], found[1], versions.length > 0 ? { versions } : {});
}

function setupCfg(c: Collector): void {
  const found = findIniValue(c, 'options', ['python_requires']);
  if (!found) return;
  const value = c.text.slice(found[0], found[1]).trim();
  c.add('setup-cfg', found[0], found[1], { specifier: value });
}
