/**
 * `pybase data update` and `pybase data status`: refreshing pybase's knowledge online.
 *
 * The refreshed data lives in one directory (`--data-dir`, else `$XDG_CACHE_HOME/pybase/data`, else
 * `~/.cache/pybase/data`):
 * - `snapshot.json`: a complete snapshot in the embedded format (src/data/snapshot.ts), so
 *   `loadSnapshot(refreshedSnapshotPath(dir))` reads it like the embedded one. Whatever could not be refreshed
 *   is carried over from the previous refreshed snapshot or, failing that, from the embedded one.
 * - `status.json`: per source, the URL, the last successful refresh and the last failure.
 * - `registry-tags.json`: the tags the registry publishes for library/python (every tag ever pushed; this is
 *   not the official tag list, which comes from docker-library/official-images `library/python`).
 *
 * Every file is written to a temporary name and renamed into place. "Today" is a parameter.
 */

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TagHistory } from '../catalog/history.js';
import {
  type EolField,
  loadSnapshot,
  type PointRelease,
  type SnapshotAlpineCycle,
  type SnapshotDebianCycle,
  type SnapshotEntry,
  type SnapshotFile,
  type SnapshotPythonCycle,
  snapshotFormat,
} from '../data/snapshot.js';
import { trackTemp, untrackTemp } from '../files/temp-files.js';
import { daysBetween, type IsoDate } from '../model/date.js';
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import {
  chooseSnapshot,
  refreshedSnapshotPath,
  type SnapshotChoice,
  snapshotShapeProblem,
} from './data-dir.js';
import { createHttpClient, decodeBody, type Fetcher, type HttpClientOptions, redact } from './http.js';
import { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './registry.js';

export const DEFAULT_ENDOFLIFE_API = 'https://endoflife.date/api';
export const DEFAULT_LIBRARY_PYTHON_URL =
  'https://raw.githubusercontent.com/docker-library/official-images/master/library/python';
/** Sources older than this many days are reported as stale. */
export const STALE_AFTER_DAYS = 90;

export const statusFileName = 'status.json';
export const registryTagsFileName = 'registry-tags.json';

export type DataSourceName = 'library-python' | 'python' | 'debian' | 'alpine' | 'registry-tags';

// ---------------------------------------------------------------------------------------------- location

export {
  chooseSnapshot,
  type DataDirOptions,
  isNewerSnapshot,
  refreshedSnapshotFile,
  refreshedSnapshotPath,
  resolveDataDir,
  type SnapshotChoice,
  snapshotShapeProblem,
} from './data-dir.js';

// ------------------------------------------------------------------------------- official-images parsing

export interface LibraryEntry {
  tags: string[];
  sharedTags: string[];
  architectures: string[];
  directory: string;
  gitCommit?: string;
  constraints?: string[];
  builder?: string;
}

export interface LibraryFile {
  gitRepo?: string;
  entries: LibraryEntry[];
}

function libraryError(file: string, line: number, message: string): PybaseError {
  return new PybaseError({
    code: inputCodes.parseError,
    severity: 'error',
    message: `${file}:${line}: ${message}`,
    location: { file, startLine: line, startColumn: 1, endLine: line, endColumn: 1 },
    hint: 'the library/python file did not have the expected RFC 2822-style format; check the URL',
  });
}

/**
 * Parses a docker-library `library/<name>` file: RFC 2822-style paragraphs separated by blank lines, `#`
 * comments dropped, continuation lines (leading white space) joined to the line before. The first paragraph
 * is the header; every later paragraph with `Tags:` is an entry. Hand-written: the format is a handful of
 * rules and no npm package parses this dialect.
 */
export function parseLibraryFile(text: string, file = 'library/python'): LibraryFile {
  const paragraphs: { fields: Map<string, string>; line: number }[] = [];
  let current: { fields: Map<string, string>; line: number } | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.startsWith('#')) return;
    if (raw.trim() === '') {
      current = undefined;
      lastKey = undefined;
      return;
    }
    if (/^\s/.test(raw)) {
      if (!current || !lastKey) throw libraryError(file, lineNo, 'a continuation line follows no field');
      current.fields.set(lastKey, `${current.fields.get(lastKey) ?? ''} ${raw.trim()}`.trim());
      return;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) throw libraryError(file, lineNo, `expected 'Field: value', found '${raw.slice(0, 60)}'`);
    if (!current) {
      current = { fields: new Map(), line: lineNo };
      paragraphs.push(current);
    }
    lastKey = raw.slice(0, colon).trim();
    current.fields.set(lastKey, raw.slice(colon + 1).trim());
  });
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const result: LibraryFile = { entries: [] };
  for (const [i, paragraph] of paragraphs.entries()) {
    const fields = paragraph.fields;
    if (i === 0 && !fields.has('Tags')) {
      const gitRepo = fields.get('GitRepo');
      if (gitRepo) result.gitRepo = gitRepo;
      continue;
    }
    if (!fields.has('Tags')) continue;
    const directory = fields.get('Directory');
    if (!directory) throw libraryError(file, paragraph.line, 'an entry has no Directory');
    const architectures = list(fields.get('Architectures'));
    const entry: LibraryEntry = {
      tags: list(fields.get('Tags')),
      sharedTags: list(fields.get('SharedTags')),
      architectures: architectures.length > 0 ? architectures : ['amd64'],
      directory,
    };
    const gitCommit = fields.get('GitCommit');
    if (gitCommit) entry.gitCommit = gitCommit;
    if (fields.has('Constraints')) entry.constraints = list(fields.get('Constraints'));
    const builder = fields.get('Builder');
    if (builder) entry.builder = builder;
    result.entries.push(entry);
  }
  if (result.entries.length === 0) throw libraryError(file, 1, 'no entry with Tags');
  return result;
}

// --------------------------------------------------------------------------------------- tag history

interface DecodedHistory {
  /** Per tag, its listing intervals as dates (`to` null: still listed). */
  intervals: Map<string, [IsoDate, IsoDate | null][]>;
  dates: IsoDate[];
}

function decodeHistory(snapshot: SnapshotFile): DecodedHistory {
  const { dates, groups } = snapshot.history;
  const intervals = new Map<string, [IsoDate, IsoDate | null][]>();
  for (const [flat, names] of groups) {
    const spans: [IsoDate, IsoDate | null][] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const end = flat[i + 1] as number;
      spans.push([dates[flat[i] as number] as string, end === -1 ? null : (dates[end] as string)]);
    }
    for (const name of names.split(' '))
      intervals.set(
        name,
        spans.map((s) => [...s] as [IsoDate, IsoDate | null]),
      );
  }
  return { intervals, dates: [...dates] };
}

/** Re-encodes a history the way scripts/snapshot.mjs does: tags sorted, grouped by identical intervals. */
function encodeHistory(decoded: DecodedHistory): { history: SnapshotFile['history']; names: string[] } {
  const dates = [...new Set(decoded.dates)].sort();
  const index = new Map(dates.map((d, i) => [d, i]));
  const groups = new Map<string, [number[], string[]]>();
  for (const name of [...decoded.intervals.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const flat: number[] = [];
    for (const [from, to] of decoded.intervals.get(name) ?? []) {
      flat.push(index.get(from) as number, to === null ? -1 : (index.get(to) as number));
    }
    const key = flat.join(',');
    const group = groups.get(key);
    if (group) group[1].push(name);
    else groups.set(key, [flat, [name]]);
  }
  const names: string[] = [];
  const encoded: [number[], string][] = [];
  for (const [flat, members] of groups.values()) {
    names.push(...members);
    encoded.push([flat, members.join(' ')]);
  }
  return { history: { dates, groups: encoded }, names };
}

export interface TagListChange {
  added: string[];
  removed: string[];
  /** True when a new image list was recorded (tags, directories or architectures changed). */
  changed: boolean;
}

/**
 * A copy of `snapshot` with the official tag list replaced by `library` as of `today`: tags that appeared
 * open an interval, tags that disappeared close theirs, and the file's entries become the newest image list.
 */
export function applyLibraryFile(
  snapshot: SnapshotFile,
  library: LibraryFile,
  today: IsoDate,
  source: string,
): { snapshot: SnapshotFile; change: TagListChange } {
  const oldNames = new TagHistory(snapshot.history).tagsById();
  const decoded = decodeHistory(snapshot);
  const listedNow = new Set<string>();
  for (const [name, spans] of decoded.intervals) if (spans.some((s) => s[1] === null)) listedNow.add(name);
  const wanted = new Set<string>();
  for (const entry of library.entries)
    for (const tag of [...entry.tags, ...entry.sharedTags]) wanted.add(tag);
  const added = [...wanted].filter((t) => !listedNow.has(t)).sort();
  const removed = [...listedNow].filter((t) => !wanted.has(t)).sort();
  if (added.length > 0 || removed.length > 0) decoded.dates.push(today);
  for (const tag of removed) {
    const spans = decoded.intervals.get(tag) ?? [];
    const open = spans.find((s) => s[1] === null);
    if (open) open[1] = today;
  }
  for (const tag of added) {
    const spans = decoded.intervals.get(tag) ?? [];
    spans.push([today, null]);
    decoded.intervals.set(tag, spans);
  }
  const { history, names } = encodeHistory(decoded);
  const newId = new Map(names.map((n, i) => [n, i]));
  const remap = (ids: number[]) => ids.map((id) => newId.get(oldNames[id] as string) as number);

  const archSets = snapshot.archSets.map((s) => [...s]);
  const archKey = new Map(archSets.map((s, i) => [s.join(' '), i]));
  const entries: SnapshotEntry[] = library.entries.map((entry) => {
    const archs = [...entry.architectures].sort();
    const key = archs.join(' ');
    let set = archKey.get(key);
    if (set === undefined) {
      set = archSets.length;
      archSets.push(archs);
      archKey.set(key, set);
    }
    return [
      entry.directory,
      entry.tags.map((t) => newId.get(t) as number),
      entry.sharedTags.map((t) => newId.get(t) as number),
      set,
    ];
  });
  const imageLists = snapshot.imageLists.map((list) => ({
    ...list,
    entries: list.entries.map(
      ([dir, tags, shared, set]) => [dir, remap(tags), remap(shared), set] as SnapshotEntry,
    ),
  }));
  const last = imageLists[imageLists.length - 1];
  const changed = !last || JSON.stringify(last.entries) !== JSON.stringify(entries);
  if (changed) {
    if (last && last.until === null) last.until = today;
    imageLists.push({ date: today, until: null, source, entries });
  }
  const lastChange = added.length > 0 || removed.length > 0 ? today : snapshot.tagList.lastChange;
  return {
    snapshot: { ...snapshot, history, archSets, imageLists, tagList: { lastChange, checkedAt: today } },
    change: { added, removed, changed },
  };
}

// ---------------------------------------------------------------------------------------- endoflife

function asDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return match ? match[1] : undefined;
}

function asEol(value: unknown): EolField {
  if (typeof value === 'boolean') return value;
  return asDate(value) ?? null;
}

function asString(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function cyclesOf(json: unknown, what: string): Record<string, unknown>[] {
  if (!Array.isArray(json)) throw new Error(`${what}: expected a JSON array of release cycles`);
  const out = json.filter(
    (c): c is Record<string, unknown> =>
      !!c &&
      typeof c === 'object' &&
      asString((c as Record<string, unknown>).cycle) !== null &&
      asDate((c as Record<string, unknown>).releaseDate) !== undefined,
  );
  if (out.length === 0) throw new Error(`${what}: no usable release cycle (cycle + releaseDate)`);
  return out;
}

/** endoflife.date API v0 python cycles (`support` is the end of bugfix support, `eoas` in the data files). */
export function pythonCyclesFromApi(json: unknown): SnapshotPythonCycle[] {
  return cyclesOf(json, 'python.json').map((c) => ({
    cycle: asString(c.cycle) as string,
    releaseDate: asDate(c.releaseDate) as string,
    eoas: asEol(c.support ?? c.eoas),
    eol: asEol(c.eol),
    latest: asString(c.latest),
    latestReleaseDate: asDate(c.latestReleaseDate) ?? null,
  }));
}

/** Debian cycles (`extendedSupport` is the end of Debian LTS, `eoes` in the data files). */
export function debianCyclesFromApi(json: unknown): SnapshotDebianCycle[] {
  return cyclesOf(json, 'debian.json').map((c) => ({
    cycle: asString(c.cycle) as string,
    codename: (asString(c.codename) ?? '').toLowerCase(),
    releaseDate: asDate(c.releaseDate) as string,
    eol: asEol(c.eol),
    eoes: asEol(c.extendedSupport ?? c.eoes),
    latest: asString(c.latest),
  }));
}

export function alpineCyclesFromApi(json: unknown): SnapshotAlpineCycle[] {
  return cyclesOf(json, 'alpine-linux.json').map((c) => ({
    cycle: asString(c.cycle) as string,
    releaseDate: asDate(c.releaseDate) as string,
    eol: asEol(c.eol),
    latest: asString(c.latest),
  }));
}

function byVersion(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adds each cycle's latest release (with its date) to the point-release lists when it is not there yet. */
export function withLatestReleases(
  points: Record<string, PointRelease[]>,
  cycles: readonly { cycle: string; latest: string | null; latestReleaseDate?: string | null }[],
): Record<string, PointRelease[]> {
  const out: Record<string, PointRelease[]> = {};
  for (const [cycle, list] of Object.entries(points)) out[cycle] = list.map((p) => [...p] as PointRelease);
  for (const c of cycles) {
    if (!c.latest || !c.latestReleaseDate || c.latest === c.cycle) continue;
    const list = out[c.cycle];
    if (!list) continue; // only cycles the snapshot already tracks release by release
    if (list.some(([version]) => version === c.latest)) continue;
    list.push([c.latest, c.latestReleaseDate]);
    list.sort((x, y) => byVersion(x[0], y[0]));
  }
  return out;
}

// ------------------------------------------------------------------------------------------- writing

/** Written to a temporary name, flushed to disk and renamed into place; a failure is a PybaseError naming the file. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // Tracked before it exists: an interruption while it is being created removes it too.
    trackTemp(temp);
    const handle = await open(temp, 'wx', 0o666);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    untrackTemp(temp);
  } catch (error) {
    await rm(temp, { force: true });
    untrackTemp(temp);
    throw new PybaseError({
      code: inputCodes.unreadableFile,
      severity: 'error',
      message: `data update: cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'give --data-dir a directory you can write, with space left; the data in use stays as it was',
    });
  }
}

/** The data directory, made when missing; a PybaseError naming it when it cannot be one or cannot be written. */
async function prepareDataDir(dataDir: string): Promise<void> {
  const refuse = (why: string) =>
    new PybaseError({
      code: inputCodes.unreadableFile,
      severity: 'error',
      message: `data update: cannot use ${dataDir} as the data directory: ${why}`,
      hint: 'give --data-dir a directory you can write (or move the file in the way)',
    });
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(
      code === 'EEXIST'
        ? 'it is a file'
        : code === 'ENOTDIR'
          ? 'a part of the path is a file'
          : error instanceof Error
            ? error.message
            : String(error),
    );
  }
  await access(dataDir, constants.W_OK).catch((error: Error) => {
    throw refuse(`it is not writable (${error.message})`);
  });
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------- update

export interface SourceStatus {
  url: string;
  /** Last day the source was fetched successfully. */
  refreshed?: IsoDate;
  /** Last failed attempt and why. */
  failed?: IsoDate;
  error?: string;
}

export interface StatusFile {
  format: 1;
  updated: IsoDate;
  sources: Partial<Record<DataSourceName, SourceStatus>>;
}

export interface SourceOutcome {
  name: DataSourceName;
  url: string;
  ok: boolean;
  /** What changed, for people: "3 tags added, 1 removed", "17 cycles". */
  summary: string;
  error?: string;
}

export interface DataUpdateOptions {
  fetcher: Fetcher;
  /** The day of the refresh (the CLI passes today's UTC date). */
  today: IsoDate;
  dataDir: string;
  http?: Omit<HttpClientOptions, 'fetcher'>;
  /** endoflife.date API base (default https://endoflife.date/api). */
  endoflifeUrl?: string;
  /** Raw URL of official-images `library/python`. */
  libraryPythonUrl?: string;
  /** Registry tag listing: registry host (default docker.io) and repository; `false` skips it. */
  registry?:
    | false
    | { registry?: string; repository?: string; client?: RegistryClient; options?: RegistryClientOptions };
}

export interface DataUpdateResult {
  dataDir: string;
  snapshotPath: string;
  sources: SourceOutcome[];
  tagList?: TagListChange;
  /** Tags official-images lists that the registry does not publish (yet). */
  notPublished: string[];
}

/** The snapshot a refresh builds on: the previous refreshed one when it is readable and not older than the embedded one. */
async function baseSnapshot(dataDir: string): Promise<SnapshotFile> {
  const embedded = loadSnapshot();
  const previous = (await readJson(refreshedSnapshotPath(dataDir))) as SnapshotFile | undefined;
  if (
    previous &&
    previous.format === snapshotFormat &&
    snapshotShapeProblem(previous) === undefined &&
    previous.dataDate >= embedded.dataDate
  )
    return previous;
  return embedded;
}

export async function updateData(options: DataUpdateOptions): Promise<DataUpdateResult> {
  const http = createHttpClient({ ...options.http, fetcher: options.fetcher });
  const endoflife = (options.endoflifeUrl ?? DEFAULT_ENDOFLIFE_API).replace(/\/+$/, '');
  const libraryUrl = options.libraryPythonUrl ?? DEFAULT_LIBRARY_PYTHON_URL;
  const today = options.today;
  await prepareDataDir(options.dataDir);
  let snapshot = await baseSnapshot(options.dataDir);
  const statusPath = join(options.dataDir, statusFileName);
  const previousStatus = (await readJson(statusPath)) as StatusFile | undefined;
  const status: StatusFile = { format: 1, updated: today, sources: { ...(previousStatus?.sources ?? {}) } };
  const outcomes: SourceOutcome[] = [];
  const result: DataUpdateResult = {
    dataDir: options.dataDir,
    snapshotPath: refreshedSnapshotPath(options.dataDir),
    sources: outcomes,
    notPublished: [],
  };

  const record = (
    name: DataSourceName,
    url: string,
    outcome: { ok: true; summary: string } | { ok: false; error: string },
  ) => {
    const shownUrl = redact(url);
    const before = status.sources[name];
    if (outcome.ok) {
      status.sources[name] = { url: shownUrl, refreshed: today };
      outcomes.push({ name, url: shownUrl, ok: true, summary: outcome.summary });
    } else {
      status.sources[name] = {
        url: shownUrl,
        ...(before?.refreshed ? { refreshed: before.refreshed } : {}),
        failed: today,
        error: outcome.error,
      };
      outcomes.push({
        name,
        url: shownUrl,
        ok: false,
        summary: 'kept the previous data',
        error: outcome.error,
      });
    }
  };
  const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const getText = async (url: string) => {
    const response = await http.request({ url, maxBodyBytes: 8 * 1024 * 1024 });
    return decodeBody(response.body, response.headers['content-type']);
  };
  const getJson = async (url: string): Promise<unknown> => {
    const text = await getText(url);
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${redact(url)} did not answer JSON`);
    }
  };

  const provenance = (name: string, url: string, extra: Record<string, unknown> = {}) => {
    snapshot = {
      ...snapshot,
      sources: {
        ...snapshot.sources,
        [`refreshed/${name}`]: { url: redact(url), fetchedDate: today, ...extra },
      },
    };
  };

  // The official tag list.
  let libraryTags: string[] | undefined;
  try {
    const library = parseLibraryFile(await getText(libraryUrl), redact(libraryUrl));
    const applied = applyLibraryFile(snapshot, library, today, 'refreshed/library-python');
    snapshot = applied.snapshot;
    result.tagList = applied.change;
    libraryTags = library.entries.flatMap((e) => [...e.tags, ...e.sharedTags]);
    provenance('library-python', libraryUrl, {
      entryCount: library.entries.length,
      ...(library.gitRepo ? { gitRepo: library.gitRepo } : {}),
    });
    record('library-python', libraryUrl, {
      ok: true,
      summary: `${library.entries.length} entries; ${applied.change.added.length} tags added, ${applied.change.removed.length} removed`,
    });
  } catch (error) {
    record('library-python', libraryUrl, { ok: false, error: messageOf(error) });
  }

  // Life cycles.
  const products: { name: 'python' | 'debian' | 'alpine'; file: string }[] = [
    { name: 'python', file: 'python.json' },
    { name: 'debian', file: 'debian.json' },
    { name: 'alpine', file: 'alpine-linux.json' },
  ];
  for (const product of products) {
    const url = `${endoflife}/${product.file}`;
    try {
      const json = await getJson(url);
      if (product.name === 'python') {
        const cycles = pythonCyclesFromApi(json);
        snapshot = {
          ...snapshot,
          python: { cycles, patches: withLatestReleases(snapshot.python.patches, cycles) },
        };
      } else if (product.name === 'debian') {
        const cycles = debianCyclesFromApi(json);
        const latest = latestReleasesOf(cycles, json);
        snapshot = {
          ...snapshot,
          debian: { cycles, points: withLatestReleases(snapshot.debian.points, latest) },
        };
      } else {
        const cycles = alpineCyclesFromApi(json);
        const latest = latestReleasesOf(cycles, json);
        snapshot = {
          ...snapshot,
          alpine: { cycles, points: withLatestReleases(snapshot.alpine.points, latest) },
        };
      }
      provenance(`endoflife-${product.name}`, url);
      const count = (snapshot[product.name] as { cycles: unknown[] }).cycles.length;
      record(product.name, url, { ok: true, summary: `${count} release cycles` });
    } catch (error) {
      record(product.name, url, { ok: false, error: messageOf(error) });
    }
  }

  // The registry's published tags.
  if (options.registry !== false) {
    const registryOptions = options.registry ?? {};
    const registry = registryOptions.registry ?? 'docker.io';
    const repository = registryOptions.repository ?? 'library/python';
    const client =
      registryOptions.client ??
      createRegistryClient({
        ...registryOptions.options,
        fetcher: options.fetcher,
        ...(options.http ? { http: options.http } : {}),
      });
    const label = `${registry}/${repository}`;
    try {
      const list = await client.listTags(registry, repository);
      await writeAtomic(
        join(options.dataDir, registryTagsFileName),
        `${JSON.stringify({ registry, repository: list.repository, fetchedDate: today, truncated: list.truncated, count: list.tags.length, tags: [...list.tags].sort() }, null, 1)}\n`,
      );
      if (libraryTags && !list.truncated) {
        const published = new Set(list.tags);
        result.notPublished = [...new Set(libraryTags)].filter((t) => !published.has(t)).sort();
      }
      record('registry-tags', label, {
        ok: true,
        summary: `${list.tags.length} tags${list.truncated ? ' (stopped at the limit)' : ''}`,
      });
    } catch (error) {
      record('registry-tags', label, { ok: false, error: messageOf(error) });
    } finally {
      if (!registryOptions.client) await client.close();
    }
  }

  if (outcomes.some((o) => o.ok && o.name !== 'registry-tags')) {
    snapshot = { ...snapshot, dataDate: [snapshot.dataDate, today].sort().at(-1) as IsoDate };
    await writeAtomic(result.snapshotPath, `${JSON.stringify(snapshot)}\n`);
  }
  await writeAtomic(statusPath, `${JSON.stringify(status, null, 1)}\n`);
  return result;
}

// ------------------------------------------------------------------------------------------- status

export interface SourceState {
  name: DataSourceName | 'tag-list';
  /**
   * Where the data in use comes from; `none` for a source without embedded data that was never
   * fetched (the registry's tag list after a failed first attempt).
   */
  origin: 'embedded' | 'refreshed' | 'none';
  /** The date the data in use describes (last refresh, or the embedded source's commit date). */
  date?: IsoDate;
  ageDays?: number;
  stale: boolean;
  url?: string;
  lastError?: string;
  lastFailed?: IsoDate;
}

export interface DataStatus {
  dataDir: string;
  /**
   * The snapshot commands read: without `--data-dir`, the refreshed one when the directory has one
   * pybase can read that is newer than the embedded one (see `chooseSnapshot`); with `--data-dir`
   * (`explicit`), the directory's one whenever it can be read.
   */
  active: 'embedded' | 'refreshed';
  snapshotPath?: string;
  dataDate: IsoDate;
  /** A refreshed snapshot in the directory that commands do not read, and why. */
  ignored?: SnapshotChoice['ignored'];
  sources: SourceState[];
  /** One line per stale or failing source, and one for a refreshed snapshot that is not used. */
  warnings: string[];
}

function embeddedDate(snapshot: SnapshotFile, key: string): IsoDate | undefined {
  const source = snapshot.sources[key] as { fileCommitDate?: unknown } | undefined;
  return typeof source?.fileCommitDate === 'string'
    ? asDate(new Date(source.fileCommitDate).toISOString())
    : undefined;
}

/**
 * What `pybase data status` shows: which snapshot commands read, and each source, where it comes
 * from, its date and age. `explicit`: the directory was named (`--data-dir`), so commands read its
 * snapshot even when it is not newer than the embedded one.
 */
export async function dataStatus(options: {
  dataDir: string;
  today: IsoDate;
  explicit?: boolean;
}): Promise<DataStatus> {
  const embedded = loadSnapshot();
  const path = refreshedSnapshotPath(options.dataDir);
  const choice = chooseSnapshot(options.dataDir);
  const ignored = options.explicit && choice.ignored?.kind === 'not-newer' ? undefined : choice.ignored;
  const usable =
    choice.snapshotPath || (options.explicit && choice.ignored?.kind === 'not-newer')
      ? loadSnapshot(path)
      : undefined;
  const status = (await readJson(join(options.dataDir, statusFileName))) as StatusFile | undefined;
  const sources: SourceState[] = [];
  const warnings: string[] = [];
  if (ignored) {
    warnings.push(
      ignored.kind === 'unreadable'
        ? `${ignored.reason}; commands read the embedded snapshot: run 'pybase data update' to write it again`
        : `${ignored.reason}; commands read the embedded snapshot (run 'pybase data update' for fresher data)`,
    );
  }
  const add = (name: SourceState['name'], embeddedOn: IsoDate | undefined, statusName: DataSourceName) => {
    const s = status?.sources?.[statusName];
    const useRefreshed = usable !== undefined && s?.refreshed !== undefined;
    const date = useRefreshed ? s?.refreshed : embeddedOn;
    const ageDays = date ? daysBetween(date, options.today) : undefined;
    const stale = ageDays === undefined || ageDays > STALE_AFTER_DAYS;
    const state: SourceState = {
      name,
      origin: useRefreshed ? 'refreshed' : 'embedded',
      ...(date ? { date } : {}),
      ...(ageDays !== undefined ? { ageDays } : {}),
      stale,
      ...(s?.url ? { url: s.url } : {}),
      ...(s?.error ? { lastError: s.error } : {}),
      ...(s?.failed ? { lastFailed: s.failed } : {}),
    };
    sources.push(state);
    if (stale) {
      warnings.push(
        `${name}: ${date ? `${ageDays} days old (${date})` : 'date unknown'}, older than ${STALE_AFTER_DAYS} days; run 'pybase data update'`,
      );
    }
    if (s?.failed && (!s.refreshed || s.failed > s.refreshed))
      warnings.push(`${name}: the last update failed on ${s.failed}: ${s.error ?? 'unknown error'}`);
  };
  add('tag-list', embedded.tagList.checkedAt, 'library-python');
  add('python', embeddedDate(embedded, 'endoflife/python.json'), 'python');
  add('debian', embeddedDate(embedded, 'endoflife/debian.json'), 'debian');
  add('alpine', embeddedDate(embedded, 'endoflife/alpine.json'), 'alpine');
  const registryTags = (await readJson(join(options.dataDir, registryTagsFileName))) as
    | { fetchedDate?: string }
    | undefined;
  if (registryTags?.fetchedDate || status?.sources?.['registry-tags']) {
    const s = status?.sources?.['registry-tags'];
    const date = asDate(registryTags?.fetchedDate);
    const ageDays = date ? daysBetween(date, options.today) : undefined;
    const stale = ageDays === undefined || ageDays > STALE_AFTER_DAYS;
    sources.push({
      name: 'registry-tags',
      origin: date ? 'refreshed' : 'none',
      ...(date ? { date } : {}),
      ...(ageDays !== undefined ? { ageDays } : {}),
      stale,
      ...(s?.url ? { url: s.url } : {}),
      ...(s?.error ? { lastError: s.error } : {}),
      ...(s?.failed ? { lastFailed: s.failed } : {}),
    });
    if (!date) {
      warnings.push(
        `registry-tags: never fetched${s?.failed ? ` (the last attempt failed on ${s.failed}: ${s.error ?? 'unknown error'})` : ''}; run 'pybase data update'`,
      );
    } else {
      if (stale) warnings.push(`registry-tags: ${ageDays} days old (${date}); run 'pybase data update'`);
      if (s?.failed && (!s.refreshed || s.failed > s.refreshed))
        warnings.push(`registry-tags: the last update failed on ${s.failed}: ${s.error ?? 'unknown error'}`);
    }
  }
  return {
    dataDir: options.dataDir,
    active: usable ? 'refreshed' : 'embedded',
    ...(usable ? { snapshotPath: path } : {}),
    dataDate: (usable ?? embedded).dataDate,
    ...(ignored ? { ignored } : {}),
    sources,
    warnings,
  };
}

/** Each cycle's newest release with its date, as the endoflife.date API answer gives them. */
function latestReleasesOf(
  cycles: readonly { cycle: string; latest: string | null }[],
  json: unknown,
): { cycle: string; latest: string | null; latestReleaseDate: string | null }[] {
  const answer = json as Record<string, unknown>[];
  return cycles.map((c) => {
    const api = answer.find((x) => asString(x.cycle) === c.cycle);
    return { cycle: c.cycle, latest: c.latest, latestReleaseDate: asDate(api?.latestReleaseDate) ?? null };
  });
}
