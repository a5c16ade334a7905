/** How rules name Python version statements in messages, and which CPython minor a named version pins. */
import type { SourceRange } from '../model/diagnostic.js';
import type { StatementPart, ValueOrigin, VersionStatement } from '../model/project.js';
import { oneLine } from './helpers.js';

/** How each kind of statement is named in messages: by the file and key the user edits. */
const statementNames: Record<VersionStatement['kind'], string> = {
  'python-version-file': '.python-version',
  'requires-python': 'requires-python',
  'poetry-python': "Poetry's python constraint",
  'runtime-txt': 'runtime.txt',
  'pipfile-python-version': 'Pipfile python_version',
  'pipfile-python-full-version': 'Pipfile python_full_version',
  'tool-versions': '.tool-versions',
  'tox-envlist': 'tox envlist',
  'setup-cfg': 'python_requires',
  'setup-python': 'setup-python python-version',
  'setup-python-file': 'setup-python python-version-file',
};

/** How a kind of statement is named: by the file or key the user edits (`runtime.txt`, `requires-python`). */
export function statementLabel(kind: VersionStatement['kind']): string {
  return statementNames[kind] ?? kind;
}

/**
 * The statement as written, on one line (a block of versions, an envlist over several lines) and cut
 * short when it is long (its location points at the whole of it).
 */
export function statementText(st: Pick<VersionStatement, 'text'>): string {
  const text = oneLine(st.text).trim();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The statement named for a message: `requires-python '>=3.13'`; with a part, that value alone:
 * `.tool-versions '3.8.18'`.
 */
export function statementName(st: VersionStatement, part?: StatementPart): string {
  return `${statementLabel(st.kind)} '${statementText(part ?? st)}'`;
}

/**
 * Statements that name the versions a tool runs (after matrix and env expansion for setup-python),
 * as opposed to specifiers, which state a range the project supports, and `python-version-file`,
 * which names a file.
 */
export const namingKinds: ReadonlySet<VersionStatement['kind']> = new Set([
  'python-version-file',
  'runtime-txt',
  'tool-versions',
  'pipfile-python-version',
  'pipfile-python-full-version',
  'setup-python',
  'tox-envlist',
]);

// `3.8`, `3.8.10`, `3.8.x` (setup-python), `3.13t` (free-threaded), `cpython-3.12` / `cpython@3.12`
// (uv), `python-3.12`.
const pinnedVersion = /^(?:cpython[-@]?|python-?)?v?(\d+)\.(\d+)(?:\.(?:\d+|x|\*))?t?$/i;

/**
 * The CPython minor (`3.8`) that a version named by a statement pins, or undefined when it pins
 * none: a range (`>=3.8`, `~3.9`, `3.x`), a major alone (`3`), another interpreter (`pypy3.9`,
 * `graalpy-24`), a pre-release or development build (`3.14.0rc1`, `3.13-dev`), or a word (`system`).
 */
export function pinnedMinor(version: string): string | undefined {
  const m = pinnedVersion.exec(version.trim());
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/** Origins of a statement's expanded values that give one of `values` (matrix entries, env values). */
export function originsGiving(st: VersionStatement, values: ReadonlySet<string>): ValueOrigin[] {
  return (st.origins ?? []).filter(
    (o) => values.has(o.value) || (o.readAs !== undefined && values.has(o.readAs)),
  );
}

/** Where a finding about some versions of a statement points, and the other places it is about. */
export interface VersionsPlace {
  /** The first part of the statement that names one of the versions, when it is written in parts. */
  part?: StatementPart;
  /** That part's range, else the statement's. */
  location: SourceRange;
  /**
   * Where else the versions are written: further parts naming them, the matrix entries, env values
   * and input defaults that give them, and the statement itself when it starts on a line of its own
   * (`python-version: |`). A pragma at any of them silences the finding.
   */
  related: SourceRange[];
}

/**
 * Where `versions` of a statement are written: `3.8.18` of `python 3.8.18 3.12.7`, the line `3.8` of
 * a setup-python block, or the statement `${{ matrix.python }}` with the matrix entry `3.8` related.
 */
export function versionsPlace(st: VersionStatement, versions: ReadonlySet<string>): VersionsPlace {
  const parts = (st.parts ?? []).filter((p) => p.versions.some((v) => versions.has(v)));
  const [part] = parts;
  const location = part?.range ?? st.range;
  const related: SourceRange[] = [];
  const seen = new Set([placeKey(location)]);
  const add = (r: SourceRange | undefined) => {
    if (!r || seen.has(placeKey(r))) return;
    seen.add(placeKey(r));
    related.push(r);
  };
  for (const p of parts.slice(1)) add(p.range);
  for (const o of originsGiving(st, versions)) add(o.range);
  if (part && !(st.parts ?? []).some((p) => p.range.startLine === st.range.startLine)) add(st.range);
  return part ? { part, location, related } : { location, related };
}

function placeKey(r: SourceRange): string {
  return `${r.file}\u0000${r.startLine}:${r.startColumn}:${r.endLine}:${r.endColumn}`;
}
