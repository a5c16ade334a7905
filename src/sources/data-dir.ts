/**
 * Where `pybase data update` keeps the refreshed data, and which snapshot the other commands read by
 * default: the refreshed one when it can be read and is newer than the embedded one, else the
 * embedded one. Kept apart from data-update.ts, whose HTTP and registry code a command that only
 * reads the data does not need to load.
 */
import { existsSync } from 'node:fs';
import { homedir as osHomedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { loadSnapshot, type SnapshotFile } from '../data/snapshot.js';
import { isPybaseError } from '../model/diagnostic.js';

export const refreshedSnapshotFile = 'snapshot.json';

export interface DataDirOptions {
  /** Explicit directory (`--data-dir`). */
  dataDir?: string;
  env?: Record<string, string | undefined>;
  homedir?: string;
}

/** `dataDir`, else `$XDG_CACHE_HOME/pybase/data` (absolute only, as XDG demands), else `~/.cache/pybase/data`. */
export function resolveDataDir(options: DataDirOptions = {}): string {
  if (options.dataDir) return options.dataDir;
  const xdg = (options.env ?? process.env).XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'pybase', 'data');
  return join(options.homedir ?? osHomedir(), '.cache', 'pybase', 'data');
}

/** Where the refreshed snapshot of a data directory is (pass it to `loadSnapshot`). */
export function refreshedSnapshotPath(dataDir: string): string {
  return join(dataDir, refreshedSnapshotFile);
}

const isDate = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const isArray = Array.isArray;
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with the shape of a snapshot of the right format number (a part missing or of
 * another type), or undefined when every part the catalog reads is there. A quick look at the top
 * level, not a schema check: enough to tell a complete snapshot from a cut or hand-edited one.
 */
export function snapshotShapeProblem(snapshot: unknown): string | undefined {
  const s = snapshot as Partial<Record<keyof SnapshotFile, unknown>> | null;
  if (!isObject(s) || s === null) return 'it is not a JSON object';
  const tagList = s.tagList as Record<string, unknown> | undefined;
  const history = s.history as Record<string, unknown> | undefined;
  const lifecycles = ['python', 'debian', 'alpine'] as const;
  const libc = s.libc as Record<string, unknown> | undefined;
  const problems: [boolean, string][] = [
    [isDate(s.dataDate), 'dataDate'],
    [isObject(tagList) && isDate(tagList?.lastChange) && isDate(tagList?.checkedAt), 'tagList'],
    [isObject(s.sources), 'sources'],
    [isObject(history) && isArray(history?.dates) && isArray(history?.groups), 'history'],
    [isArray(s.archSets) && (s.archSets as unknown[]).every(isStringArray), 'archSets'],
    [
      isArray(history?.groups) &&
        ((history?.groups ?? []) as unknown[]).every(
          (g) => isArray(g) && g.length === 2 && isIntArray(g[0]) && typeof g[1] === 'string',
        ),
      'history.groups',
    ],
    [
      isArray(s.imageLists) && (s.imageLists as unknown[]).every((l) => isImageList(l, s.archSets)),
      'imageLists',
    ],
    ...lifecycles.map((name): [boolean, string] => {
      const part = s[name] as Record<string, unknown> | undefined;
      return [
        isObject(part) && isArray(part?.cycles) && isObject(part?.[name === 'python' ? 'patches' : 'points']),
        name,
      ];
    }),
    [isObject(libc) && isArray(libc?.debian) && isArray(libc?.alpine) && isObject(libc?.variants), 'libc'],
    [isArray(s.dockerLibrary), 'dockerLibrary'],
  ];
  const bad = problems.filter(([ok]) => !ok).map(([, name]) => name);
  return bad.length > 0 ? `${bad.join(', ')} missing or malformed` : undefined;
}

function isStringArray(v: unknown): boolean {
  return isArray(v) && (v as unknown[]).every((x) => typeof x === 'string');
}

function isIntArray(v: unknown): boolean {
  return isArray(v) && (v as unknown[]).every((x) => Number.isInteger(x));
}

/** An image list whose entries are `[directory, tag ids, shared tag ids, architecture set id]`. */
function isImageList(list: unknown, archSets: unknown): boolean {
  if (!isObject(list) || list === null) return false;
  const l = list as Record<string, unknown>;
  const sets = isArray(archSets) ? (archSets as unknown[]).length : 0;
  return (
    isDate(l.date) &&
    (l.until === null || isDate(l.until)) &&
    isArray(l.entries) &&
    (l.entries as unknown[]).every(
      (e) =>
        isArray(e) &&
        e.length === 4 &&
        typeof e[0] === 'string' &&
        isIntArray(e[1]) &&
        isIntArray(e[2]) &&
        Number.isInteger(e[3]) &&
        (e[3] as number) >= 0 &&
        (e[3] as number) < sets,
    )
  );
}

/** True when snapshot `a` knows more recent facts than `b` (newer data date, else a later-checked tag list). */
export function isNewerSnapshot(a: SnapshotFile, b: SnapshotFile): boolean {
  if (a.dataDate !== b.dataDate) return a.dataDate > b.dataDate;
  return a.tagList.checkedAt > b.tagList.checkedAt;
}

export interface SnapshotChoice {
  /** The data directory looked in. */
  dataDir: string;
  /** The refreshed snapshot to read; absent when the embedded one is used. */
  snapshotPath?: string;
  /** Data date of the snapshot chosen. */
  dataDate: string;
  /**
   * A refreshed snapshot the directory holds that is not used, and why: `unreadable` (not JSON,
   * another format, parts missing) or `not-newer` (no newer than the embedded snapshot, as after
   * an upgrade of pybase).
   */
  ignored?: { path: string; kind: 'unreadable' | 'not-newer'; reason: string; dataDate?: string };
}

/**
 * The snapshot commands read when no `--data-dir` is given: the refreshed one of `dataDir` (what
 * `pybase data update` writes) when it can be read and is newer than the embedded one, else the
 * embedded one. A refreshed snapshot that is corrupt or of another format never stops a command:
 * it is named under `ignored`.
 */
export function chooseSnapshot(dataDir: string): SnapshotChoice {
  const path = refreshedSnapshotPath(dataDir);
  const embedded = (): SnapshotFile => loadSnapshot();
  if (!existsSync(path)) return { dataDir, dataDate: embedded().dataDate };
  let refreshed: SnapshotFile;
  try {
    refreshed = loadSnapshot(path);
  } catch (error) {
    if (!isPybaseError(error)) throw error;
    return {
      dataDir,
      dataDate: embedded().dataDate,
      ignored: { path, kind: 'unreadable', reason: error.diagnostic.message },
    };
  }
  const shape = snapshotShapeProblem(refreshed);
  if (shape) {
    return {
      dataDir,
      dataDate: embedded().dataDate,
      ignored: { path, kind: 'unreadable', reason: `the data snapshot ${path} is incomplete: ${shape}` },
    };
  }
  const base = embedded();
  if (!isNewerSnapshot(refreshed, base)) {
    return {
      dataDir,
      dataDate: base.dataDate,
      ignored: {
        path,
        kind: 'not-newer',
        reason: `the refreshed data (data date ${refreshed.dataDate}) is not newer than the embedded data (${base.dataDate})`,
        dataDate: refreshed.dataDate,
      },
    };
  }
  return { dataDir, snapshotPath: path, dataDate: refreshed.dataDate };
}
