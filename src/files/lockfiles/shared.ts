/**
 * Pieces every dependency reader shares: parsing TOML/JSON into a value or a located diagnostic,
 * line look-ups, group selection and the marker algebra used to combine environment markers.
 */

import { parse as parseToml, TomlError } from 'smol-toml';
import type {
  Dependency,
  DependencySet,
  DependencySource,
  DistributionFile,
} from '../../model/dependencies.js';
import { isJudgeable, mainGroup, normalizePackageName } from '../../model/dependencies.js';
import type { Diagnostic, Severity, SourceRange } from '../../model/diagnostic.js';
import { inputCodes } from '../../model/diagnostic.js';
import { clampedLineColumn } from '../text.js';

/** Options every reader takes. */
export interface ReadOptions {
  /** Groups to read beside the runtime (`main`) ones; `'*'` selects every group. */
  with?: string[];
}

// ---------------------------------------------------------------------------------------------
// Diagnostics and positions

export function pointRange(file: string, line: number, column = 1): SourceRange {
  return { file, startLine: line, startColumn: column, endLine: line, endColumn: column + 1 };
}

export function makeDiagnostic(
  code: string,
  severity: Severity,
  message: string,
  file: string,
  line?: number,
  extra: { column?: number; hint?: string; data?: Record<string, unknown> } = {},
): Diagnostic {
  const diagnostic: Diagnostic = { code, severity, message };
  if (line !== undefined) diagnostic.location = pointRange(file, line, extra.column);
  else diagnostic.location = pointRange(file, 1);
  if (extra.hint) diagnostic.hint = extra.hint;
  if (extra.data) diagnostic.data = extra.data;
  return diagnostic;
}

/** A problem with one entry of a file: the rest of the file is still read. */
export function entryProblem(file: string, line: number | undefined, message: string): Diagnostic {
  return makeDiagnostic(inputCodes.parseError, 'warning', `${file}:${line ?? 1}: ${message}`, file, line, {
    hint: 'Fix or regenerate the file; this entry was skipped.',
  });
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based line numbers of each `[[name]]` array-of-tables header, in order. */
export function arrayTableLines(text: string, name: string): number[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^[ \\t]*\\[\\[[ \\t]*${escaped}[ \\t]*\\]\\][ \\t]*(#.*)?$`, 'gm');
  const lines: number[] = [];
  const starts = lineStarts(text);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) lines.push(lineOfOffset(starts, m.index));
  return lines;
}

/** Offsets at which each line starts (index 0 = line 1). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Line of an offset by binary search over `lineStarts`. */
export function lineOfOffset(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

// ---------------------------------------------------------------------------------------------
// Parsing documents

export type Parsed<T> = { ok: true; value: T } | { ok: false; diagnostic: Diagnostic };

/**
 * A syntax error of a whole file, at the line and column the parser reported, kept inside the file:
 * parsers report an unexpected end of input on the line after a final line break.
 */
function fileError(
  text: string,
  file: string,
  reportedLine: number,
  reportedColumn: number,
  what: string,
  detail: string,
): Diagnostic {
  const { line, column, endOfLine } = clampedLineColumn(text, reportedLine, reportedColumn);
  const diagnostic = makeDiagnostic(
    inputCodes.parseError,
    'error',
    `${file}:${line}:${column}: not valid ${what}: ${detail}`,
    file,
    line,
    { column, hint: `Fix the ${what} syntax or regenerate the file.` },
  );
  // The one character at the position, or none at the end of the line.
  if (diagnostic.location) diagnostic.location.endColumn = Math.min(column + 1, endOfLine);
  return diagnostic;
}

/** Parses TOML; a syntax error becomes a diagnostic at its line and column. */
export function parseTomlDocument(text: string, file: string): Parsed<Record<string, unknown>> {
  try {
    return { ok: true, value: parseToml(text) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof TomlError) {
      const detail =
        error.message.split('\n')[0]?.replace(/^Invalid TOML document:\s*/, '') ?? 'syntax error';
      return { ok: false, diagnostic: fileError(text, file, error.line, error.column, 'TOML', detail) };
    }
    // smol-toml only throws TomlError for bad input; anything else (e.g. stack exhaustion on absurd
    // nesting) is still a property of the input, so it is reported the same way.
    return { ok: false, diagnostic: fileError(text, file, 1, 1, 'TOML', String(error)) };
  }
}

/** Parses JSON; a syntax error becomes a diagnostic at its line and column. */
export function parseJsonDocument(text: string, file: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const line = lineAt(text, offset);
    const starts = lineStarts(text);
    const column = offset - (starts[line - 1] ?? 0) + 1;
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, diagnostic: fileError(text, file, line, column, 'JSON', detail ?? 'syntax error') };
  }
}

/**
 * Offset of the first JSON syntax error. Node 20's `JSON.parse` messages do not always carry a
 * position (e.g. "Unexpected end of JSON input"), so this small recogniser of the JSON grammar
 * (RFC 8259) finds it. Only called after `JSON.parse` failed.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            fail();
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail();
        }
      } else i++;
    }
    fail();
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0].length === 0) fail();
    i += m![0].length;
  };
  // An explicit stack instead of recursion, so absurdly nested input cannot exhaust the call stack.
  const value = () => {
    const stack: ('array' | 'object')[] = [];
    for (;;) {
      ws();
      const c = text[i];
      if (c === '{') {
        i++;
        ws();
        if (text[i] === '}') i++;
        else {
          stack.push('object');
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
          continue;
        }
      } else if (c === '[') {
        i++;
        ws();
        if (text[i] === ']') i++;
        else {
          stack.push('array');
          continue;
        }
      } else if (c === '"') string();
      else if (c === 't') literal('true');
      else if (c === 'f') literal('false');
      else if (c === 'n') literal('null');
      else number();
      // After a value: close containers or continue with the next element.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return;
        ws();
        const d = text[i];
        if (d === ',') {
          i++;
          if (top === 'object') {
            ws();
            string();
            ws();
            if (text[i] !== ':') fail();
            i++;
          }
          break;
        }
        if ((top === 'array' && d === ']') || (top === 'object' && d === '}')) {
          i++;
          stack.pop();
          continue;
        }
        fail();
      }
    }
  };
  try {
    value();
    ws();
    return Math.min(i, n);
  } catch (error) {
    if (error instanceof Stop) return Math.min(i, n);
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Tolerant access to parsed values. Written by hand rather than as schemas because the lock formats
// mix shapes (a string or a table, a list or a table keyed by group) and each bad entry must become
// one diagnostic at its own line while the rest of the file is still read.

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A string, or a number/boolean written where a string was expected (`version = 1`). */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string');
}

export function tables(value: unknown): Record<string, unknown>[] {
  if (isTable(value)) return [value];
  if (!Array.isArray(value)) return [];
  return value.filter(isTable);
}

/** Last path segment of a URL or path, percent-decoded, without query or fragment. */
export function fileNameOf(urlOrPath: string): string {
  const bare = urlOrPath.split(/[?#]/)[0] ?? '';
  const last =
    bare
      .split(/[\\/]/)
      .filter((s) => s.length > 0)
      .pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Appends `value` to `list` unless present. */
export function pushUnique<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

// ---------------------------------------------------------------------------------------------
// Conditions: when is a dependency installed? `null` = always; otherwise an OR of AND-ed raw marker
// texts. Kept as sets of marker texts (not evaluated here) so that equal paths collapse.

export type Condition = null | string[][];

/** Beyond this many alternatives a condition is widened to "always", which over-reports but is safe. */
const maxAlternatives = 24;

export function conjoin(condition: Condition, marker: string | undefined): Condition {
  const m = marker?.trim();
  if (!m) return condition;
  if (condition === null) return [[m]];
  return normalizeCondition(condition.map((conj) => (conj.includes(m) ? conj : [...conj, m].sort())));
}

export function disjoin(a: Condition, b: Condition): Condition {
  if (a === null || b === null) return null;
  return normalizeCondition([...a, ...b]);
}

function normalizeCondition(alternatives: string[][]): Condition {
  const sorted = alternatives.map((c) => [...new Set(c)].sort()).sort((x, y) => x.length - y.length);
  const kept: string[][] = [];
  for (const conj of sorted) {
    if (conj.length === 0) return null;
    // Absorption: `A or (A and B)` is `A`.
    if (kept.some((k) => k.every((m) => conj.includes(m)))) continue;
    kept.push(conj);
  }
  return kept.length > maxAlternatives ? null : kept;
}

export function sameCondition(a: Condition, b: Condition): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  const key = (c: string[][]) =>
    c
      .map((x) => x.join('\u0000'))
      .sort()
      .join('\u0001');
  return key(a) === key(b);
}

function wrap(marker: string): string {
  return /\bor\b/.test(marker) ? `(${marker})` : marker;
}

/** `a and b` for marker texts, parenthesising any that contain `or`; undefined when both are absent. */
export function andMarkers(...markers: (string | undefined)[]): string | undefined {
  const present = markers.map((m) => m?.trim()).filter((m): m is string => m !== undefined && m.length > 0);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return present.map(wrap).join(' and ');
}

/** Marker text of a condition; undefined for "always". */
export function conditionText(condition: Condition): string | undefined {
  if (condition === null) return undefined;
  if (condition.length === 0) return undefined;
  const parts = condition.map((conj) => (conj.length === 1 ? (conj[0] ?? '') : conj.map(wrap).join(' and ')));
  if (parts.length === 1) return parts[0];
  return parts.map((p) => (/\b(and|or)\b/.test(p) ? `(${p})` : p)).join(' or ');
}

// ---------------------------------------------------------------------------------------------
// Entries with per-group markers, and selection of groups.

/** A dependency before group selection: its marker may differ between groups. */
export interface LockEntry extends Omit<Dependency, 'groups' | 'marker'> {
  /** Group -> the condition under which that group installs it. */
  groupConditions: Map<string, Condition>;
}

export function newEntry(displayName: string, kind: Dependency['kind']): LockEntry {
  return { name: normalizePackageName(displayName), displayName, kind, groupConditions: new Map() };
}

export function addGroup(entry: LockEntry, group: string, condition: Condition): void {
  const previous = entry.groupConditions.get(group);
  entry.groupConditions.set(group, previous === undefined ? condition : disjoin(previous, condition));
}

/** Orders group names: `main` first, then alphabetically. */
export function sortGroups(groups: Iterable<string>): string[] {
  const unique = [...new Set(groups)];
  return unique.sort((a, b) => (a === mainGroup ? -1 : b === mainGroup ? 1 : a.localeCompare(b)));
}

/** The groups a selection reads: `main` plus `with` (`*` = all). */
export function selectedGroups(options: ReadOptions | undefined, known: string[]): Set<string> {
  const wanted = options?.with ?? [];
  if (wanted.includes('*')) return new Set([mainGroup, ...known]);
  return new Set([mainGroup, ...wanted]);
}

/**
 * Builds a DependencySet from entries: keeps the entries of the selected groups, and gives each the
 * marker that is the OR of its selected groups' conditions. Warns about selected groups the file
 * does not know.
 */
export function finishSet(
  source: DependencySource,
  entries: LockEntry[],
  options: ReadOptions | undefined,
  rest: Omit<DependencySet, 'source' | 'dependencies' | 'groups'> & { groups?: string[] },
): DependencySet {
  const known = sortGroups([
    mainGroup,
    ...(rest.groups ?? []),
    ...entries.flatMap((e) => [...e.groupConditions.keys()]),
  ]);
  const selected = selectedGroups(options, known);
  const diagnostics = [...rest.diagnostics];
  for (const g of options?.with ?? []) {
    if (g !== '*' && !known.includes(g)) {
      diagnostics.push(
        makeDiagnostic(
          inputCodes.usage,
          'warning',
          `${source.file} has no dependency group "${g}" (it has: ${known.join(', ')})`,
          source.file,
          undefined,
          { hint: 'Name one of the groups the file defines.' },
        ),
      );
    }
  }
  const dependencies: Dependency[] = [];
  for (const entry of entries) {
    let condition: Condition | undefined;
    for (const [group, c] of entry.groupConditions) {
      if (!selected.has(group)) continue;
      condition = condition === undefined ? c : disjoin(condition, c);
    }
    if (condition === undefined) continue;
    const { groupConditions, ...fields } = entry;
    const dependency: Dependency = { ...fields, groups: sortGroups(groupConditions.keys()) };
    const marker = conditionText(condition);
    if (marker !== undefined) dependency.marker = marker;
    // A direct URL or a path to a wheel or an sdist is that file: its name says where it installs.
    if (
      (dependency.kind === 'url' || dependency.kind === 'path') &&
      !(dependency.files && dependency.files.length > 0) &&
      dependency.url !== undefined
    ) {
      const file = distributionFileAt(dependency.url);
      if (file) dependency.files = [file];
    }
    dependencies.push(dependency);
    if (!isJudgeable(dependency)) diagnostics.push(notJudgeable(dependency));
  }
  // Errors mark the set as incomplete for its callers (dependencyReadErrors); they name the file read.
  const marked = diagnostics.map((d) =>
    d.severity === 'error' && d.data?.dependencyFile === undefined
      ? { ...d, data: { ...d.data, dependencyFile: source.file } }
      : d,
  );
  const set: DependencySet = {
    source,
    indexUrls: rest.indexUrls,
    groups: known,
    dependencies,
    diagnostics: marked,
  };
  if (rest.unreadable !== undefined) {
    set.unreadable = marked[diagnostics.indexOf(rest.unreadable)] ?? rest.unreadable;
  }
  if (rest.requiresPython !== undefined) set.requiresPython = rest.requiresPython;
  if (rest.findLinks !== undefined) set.findLinks = rest.findLinks;
  if (rest.projectPackages !== undefined) set.projectPackages = rest.projectPackages;
  return set;
}

/** The tool that writes each lock, for the hint of a lock that cannot be read. */
const lockTools: Partial<Record<DependencySource['kind'], string>> = {
  'uv.lock': 'uv lock',
  'poetry.lock': 'poetry lock',
  'pdm.lock': 'pdm lock',
  'Pipfile.lock': 'pipenv lock',
};

/** The error for a file that parses but is not the format its name says (`what` says what is missing). */
export function notTheFormat(source: DependencySource, what: string): Diagnostic {
  const tool = lockTools[source.kind];
  return makeDiagnostic(
    inputCodes.parseError,
    'error',
    `${source.file}:1: ${what}: this is not a ${source.kind} (empty, cut short or another file)`,
    source.file,
    1,
    {
      hint: tool
        ? `Regenerate it with ${tool}, or name another file with --deps.`
        : 'Name another file with --deps.',
    },
  );
}

/**
 * The set for a file that cannot be read at all: no dependencies, and `unreadable` says why (the
 * diagnostic becomes an error if it was not one).
 */
export function unreadableSet(
  source: DependencySource,
  options: ReadOptions | undefined,
  diagnostic: Diagnostic,
  others: Diagnostic[] = [],
): DependencySet {
  const unreadable: Diagnostic = { ...diagnostic, severity: 'error' };
  return finishSet(source, [], options, { indexUrls: [], diagnostics: [unreadable, ...others], unreadable });
}

/** The file a direct URL or path names when it is a wheel or an sdist archive, else undefined. */
function distributionFileAt(url: string): DistributionFile | undefined {
  if (/^(git|hg|svn|bzr)\+/i.test(url)) return undefined;
  const filename = fileNameOf(url);
  if (!/\.(whl|tar\.gz|zip|tar\.bz2|tar\.xz|tgz)$/i.test(filename)) return undefined;
  return { filename, url };
}

/** The "cannot judge from an index" notice for a VCS/URL/path/editable dependency. */
export function notJudgeable(entry: {
  displayName: string;
  kind: Dependency['kind'];
  url?: string;
  location?: { file: string; line: number };
}): Diagnostic {
  const file = entry.location?.file ?? '';
  const what = {
    vcs: 'a VCS checkout',
    url: 'a direct URL',
    path: 'a local path',
    editable: 'an editable install',
  }[entry.kind as 'vcs' | 'url' | 'path' | 'editable'];
  return makeDiagnostic(
    inputCodes.skippedFile,
    'warning',
    `${entry.displayName} comes from ${what}${entry.url ? ` (${entry.url})` : ''}; pybase cannot tell from a package index whether it installs on an image`,
    file,
    entry.location?.line,
    {
      hint: 'Check this dependency by building the image, or depend on a released version.',
      data: { reason: 'not-judgeable', kind: entry.kind, name: entry.displayName },
    },
  );
}
