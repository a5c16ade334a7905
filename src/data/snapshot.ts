/**
 * Typed access to the embedded data snapshot (src/data/snapshot.json, made by scripts/snapshot.mjs).
 *
 * The file is read on first use and memoised. Start-up time matters for every CLI call, so the check is
 * a format number, not a schema library: the generator and these types change together.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inputCodes, PybaseError } from '../model/diagnostic.js';

/** The shape version this loader reads. Bump together with FORMAT in scripts/snapshot.mjs. */
export const snapshotFormat = 1;

/** An ISO date of the endoflife data, or a boolean where the source only says "already" / "not yet". */
export type EolField = string | boolean | null;

/** Where one source file came from: repository, path, commits and their dates (as recorded in the data). */
export type SourceProvenance = Record<string, unknown>;

export interface SnapshotHistory {
  /** UTC dates on which the tag list changed, ascending. Intervals below index into this list. */
  dates: string[];
  /**
   * Tags grouped by identical listing intervals: `[flatIntervals, "tag tag tag"]`. `flatIntervals` is
   * `[start, end, start, end, ...]` as indexes into `dates`; a tag is listed from `dates[start]` until the
   * day before `dates[end]`; `end === -1` means still listed at the last change.
   */
  groups: [number[], string][];
}

/** One entry of a library/python file: `[directory, tag ids, shared tag ids, architecture set id]`. */
export type SnapshotEntry = [string, number[], number[], number];

export interface SnapshotImageList {
  /** UTC date of the commit that produced this list. */
  date: string;
  /** UTC date of the next change of the list (null: none known); the list is exact from `date` until then. */
  until: string | null;
  /** Data file it was read from (a key of `sources`). */
  source: string;
  entries: SnapshotEntry[];
}

export interface SnapshotPythonCycle {
  cycle: string;
  releaseDate: string;
  /** End of bugfix ("active") support. */
  eoas: EolField;
  eol: EolField;
  latest: string | null;
  latestReleaseDate: string | null;
}

export interface SnapshotDebianCycle {
  cycle: string;
  codename: string;
  releaseDate: string;
  /** End of regular security support by the Debian Security team. */
  eol: EolField;
  /** End of Debian LTS. */
  eoes: EolField;
  latest: string | null;
}

export interface SnapshotAlpineCycle {
  cycle: string;
  releaseDate: string;
  eol: EolField;
  latest: string | null;
}

/** `[version, releaseDate]`, ascending by version. */
export type PointRelease = [string, string];

export interface SnapshotLibc {
  debian: {
    version: string;
    codename: string;
    glibc: string;
    manylinuxMax: string | null;
    provisional: boolean;
  }[];
  alpine: { release: string; musl: string; exact: boolean; musllinuxMax: string | null }[];
  /** python image directory variant (`slim-trixie`, `alpine3.23`, `windows/windowsservercore-ltsc2022`). */
  variants: Record<
    string,
    {
      os: string;
      base: string | null;
      libc: 'glibc' | 'musl' | null;
      libcVersion: string | null;
      wheelPlatformMax: string | null;
    }
  >;
}

/** docker-library/python versions.json at one commit: per line (`3.12`, `3.15-rc`), version and variants. */
export interface SnapshotDockerLibraryState {
  date: string;
  source: string;
  versions: Record<string, { version: string; variants: string[] }>;
}

export interface SnapshotFile {
  generated: string;
  format: number;
  /** The newest commit date among all sources (UTC). */
  dataDate: string;
  /** Last change of the tag list, and the date up to which it is known not to have changed again. */
  tagList: { lastChange: string; checkedAt: string };
  sources: Record<string, SourceProvenance>;
  history: SnapshotHistory;
  archSets: string[][];
  imageLists: SnapshotImageList[];
  python: { cycles: SnapshotPythonCycle[]; patches: Record<string, PointRelease[]> };
  debian: { cycles: SnapshotDebianCycle[]; points: Record<string, PointRelease[]> };
  alpine: { cycles: SnapshotAlpineCycle[]; points: Record<string, PointRelease[]> };
  libc: SnapshotLibc;
  dockerLibrary: SnapshotDockerLibraryState[];
}

const embedded = 'embedded';
const cache = new Map<string, SnapshotFile>();
/** A hash of each loaded snapshot's text: what results computed from it are stored under. */
const identities = new WeakMap<SnapshotFile, string>();
/** The text each snapshot was read from, until its identity is asked for. */
const texts = new WeakMap<SnapshotFile, string>();

/**
 * SHA-256 in hex. `node:crypto` is loaded on first use: most commands (`tag`, `check`) never ask for
 * an identity, and loading it is a measurable part of their start.
 */
function sha256Hex(text: string): string {
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A hash of the snapshot's content (the text it was read from): equal identities mean equal facts.
 * A snapshot built in memory is hashed from its JSON.
 */
export function snapshotIdentity(snapshot: SnapshotFile): string {
  let known = identities.get(snapshot);
  if (!known) {
    known = sha256Hex(texts.get(snapshot) ?? JSON.stringify(snapshot));
    identities.set(snapshot, known);
    texts.delete(snapshot);
  }
  return known;
}

function dataError(message: string, file: string, hint?: string): PybaseError {
  return new PybaseError({
    code: inputCodes.data,
    severity: 'error',
    message,
    location: { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    ...(hint ? { hint } : {}),
  });
}

/**
 * The snapshot: the embedded one, or the file at `path` (a refreshed snapshot). Read once per path.
 * Throws a PybaseError (PBE009) when the file cannot be read or has another format.
 */
export function loadSnapshot(path?: string): SnapshotFile {
  const key = path ?? embedded;
  const known = cache.get(key);
  if (known) return known;
  const shown = path ?? 'src/data/snapshot.json (embedded)';
  let text: string;
  try {
    // Keep this exact relative form: the build copies snapshot.json next to the bundled entry points.
    text =
      path === undefined
        ? readFileSync(new URL('./snapshot.json', import.meta.url), 'utf8')
        : readFileSync(path, 'utf8');
  } catch (error) {
    throw dataError(`cannot read the data snapshot ${shown}: ${(error as Error).message}`, shown);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw dataError(`the data snapshot ${shown} is not JSON: ${(error as Error).message}`, shown);
  }
  const format = (parsed as { format?: unknown } | null)?.format;
  if (format !== snapshotFormat) {
    throw dataError(
      `the data snapshot ${shown} has format ${JSON.stringify(format)}; this pybase reads format ${snapshotFormat}`,
      shown,
      'regenerate it with `node scripts/snapshot.mjs --out FILE` from the same pybase version',
    );
  }
  const snapshot = parsed as SnapshotFile;
  texts.set(snapshot, text);
  cache.set(key, snapshot);
  return snapshot;
}
