/**
 * The dependencies of a Python project, as read from one lock or requirements file.
 * Readers live in src/files/lockfiles/; the wheel logic in src/wheels/ judges them.
 */

import type { Diagnostic } from './diagnostic.js';

/** Which kind of file the dependencies were read from, most precise first. */
export type DependencySourceKind =
  | 'uv.lock'
  | 'poetry.lock'
  | 'pdm.lock'
  | 'Pipfile.lock'
  | 'requirements'
  | 'pyproject';

/** A dependency file as shown to a user: its path, with its kind when the file name does not say it. */
export function dependencySourceLabel(file: string, kind: DependencySourceKind | string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.includes(kind) ? file : `${file} (${kind})`;
}

/** One distribution file (wheel or sdist) that a lock lists for a dependency. */
export interface DistributionFile {
  /** The file name, e.g. `numpy-2.3.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`. */
  filename: string;
  /** Where the lock says the file is downloaded from, when it says. */
  url?: string;
  /** `algorithm:hex` strings, e.g. `sha256:...`. */
  hashes?: string[];
  /** The file's own Requires-Python, when the lock records it. */
  requiresPython?: string;
  /** True when the index marked the file as yanked. */
  yanked?: boolean;
}

/**
 * How a dependency is obtained. A `registry` one is judged from the files the lock names or the
 * package index lists; a direct URL or path to a wheel or sdist is judged from that file, whose name
 * carries its tags (see {@link isJudgeable}); the others (a VCS checkout, a source folder, an editable
 * install) are reported as not judgeable.
 */
export type DependencyKind = 'registry' | 'vcs' | 'url' | 'path' | 'editable';

/**
 * True when the wheel logic can judge the dependency: one from a registry, or a direct URL or path
 * whose distribution files are known (a wheel's name says where it installs, an sdist is built).
 */
export function isJudgeable(dep: Pick<Dependency, 'kind' | 'files'>): boolean {
  if (dep.kind === 'registry') return true;
  return (dep.kind === 'url' || dep.kind === 'path') && dep.files !== undefined && dep.files.length > 0;
}

/** The group name for runtime dependencies. Every other group name is the file's own. */
export const mainGroup = 'main';

export interface Dependency {
  /** PEP 503 normalised name (lower case, runs of `-_.` replaced by one `-`). */
  name: string;
  /** The name as written in the file. */
  displayName: string;
  /** The exact version the file pins, when it pins one (without `==`). */
  version?: string;
  /** A PEP 440 version range, when the file gives a range rather than a pin. */
  specifier?: string;
  /** Extras asked for (`requests[socks]` -> `['socks']`). */
  extras?: string[];
  /**
   * The PEP 508 environment marker under which the dependency is installed, as raw text (evaluated
   * elsewhere). Absent = always installed. For locks that record a dependency graph this is the
   * marker of the paths that lead to it from the selected groups.
   */
  marker?: string;
  /** The dependency's own Requires-Python (PEP 440), when the file records it. */
  requiresPython?: string;
  /** The distribution files the lock lists for it, when it lists them. */
  files?: DistributionFile[];
  /** `algorithm:hex` hashes when only hashes are known (Pipfile.lock, requirements with --hash). */
  hashes?: string[];
  /** Every group the dependency belongs to: `main` for runtime, else the file's group names. */
  groups: string[];
  kind: DependencyKind;
  /** The URL of a VCS, URL or path dependency, as written. */
  url?: string;
  /** The index URL that serves it, when the file says. */
  index?: string;
  /** Where it is written. `file` is the file that holds the line (an included file for requirements). */
  location?: { file: string; line: number };
}

export interface DependencySource {
  /** The file read, as given to the reader. */
  file: string;
  kind: DependencySourceKind;
  /** The lock format version (uv `version`, Poetry `lock-version`, PDM `lock_version`, Pipfile spec). */
  formatVersion?: string;
  /** The project's Python constraint exactly as the file writes it (Poetry `^3.10`, Pipfile `3.7`...). */
  requiresPythonAsWritten?: string;
}

export interface DependencySet {
  source: DependencySource;
  /** The project's Python constraint as a PEP 440 specifier (converted from Poetry or Pipfile syntax). */
  requiresPython?: string;
  /** Package index URLs the file names (first = primary), in order, without duplicates. */
  indexUrls: string[];
  /** `--find-links` locations of a requirements file, when any. */
  findLinks?: string[];
  /** Every group the file knows of, `main` first (whether or not selected). */
  groups: string[];
  /** The project's own packages the lock lists (workspace members, the root project): not dependencies. */
  projectPackages?: string[];
  /** The dependencies of the selected groups. */
  dependencies: Dependency[];
  /**
   * Unreadable entries, include cycles, not-judgeable requirements... Errors (severity `error`) mean
   * the dependencies read are incomplete: see {@link dependencyReadErrors}.
   */
  diagnostics: Diagnostic[];
  /**
   * Set when the file could not be read at all (not valid TOML or JSON, cut short, not the format its
   * name says): the set is then empty and must not be judged as a project without dependencies.
   * The same diagnostic is also in `diagnostics`.
   */
  unreadable?: Diagnostic;
}

/**
 * The errors among a dependency reader's diagnostics (an include cycle, an included file that cannot
 * be read, a lock that names packages it does not list): the dependencies judged are incomplete.
 */
export function dependencyReadErrors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error' && d.data?.dependencyFile !== undefined);
}

/** PEP 503 normalised form of a distribution name. */
export function normalizePackageName(name: string): string {
  return name
    .trim()
    .replace(/[-_.]+/g, '-')
    .toLowerCase();
}
