/** How rules name Python version statements in messages, and which CPython minor a named version pins. */
import type { ValueOrigin, VersionStatement } from '../model/project.js';

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

/** The statement as written, cut short when it is long (its location points at the whole of it). */
export function statementText(st: VersionStatement): string {
  return st.text.length > 80 ? `${st.text.slice(0, 77)}...` : st.text;
}

/** The statement named for a message: `requires-python '>=3.13'`. */
export function statementName(st: VersionStatement): string {
  return `${statementLabel(st.kind)} '${statementText(st)}'`;
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
