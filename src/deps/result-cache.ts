/**
 * A persistent cache of dependency analyses: the compatibility report of one dependency file against
 * one list of candidate images, stored in the user cache directory and reused while nothing it
 * depends on has changed.
 *
 * The entry's name is a hash of the dependency file's bytes (and of the pyproject.toml a Poetry lock
 * reads beside it), the file's path and kind, the groups read, the date, the architectures, every
 * field of every candidate image (which is all the engine takes from the data snapshot), whether the
 * run is offline, pybase's version and the identity of the code that computed it. Files a
 * requirements file includes are only known after reading it: the entry lists them with a hash of
 * their bytes, and a hit counts only while they all still read the same.
 *
 * Only results that did not come from the package index are stored (every file named by the lock, or
 * offline): index pages change, and the HTTP cache of the index client already keeps them for the
 * right time. A corrupt or mismatched entry is ignored, and rewritten by the run that ignores it.
 *
 * The lock readers and the engine are loaded with `import()` only on a miss, so a hit does not pay
 * for loading the TOML parser and the engine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unreadableDependencyFile } from '../files/lockfiles/locate.js';
import type {
  CompatibilityReport,
  ImageCandidate,
  ImageCompatibility,
  PackageVerdict,
} from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import type { DependencySet, DependencySourceKind } from '../model/dependencies.js';
import { PybaseError } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import type { IndexClient, IndexProgress } from '../sources/package-index.js';
import {
  codeIdentity,
  type InputFile,
  inputsUnchanged,
  maxCacheEntries,
  readEntryJson,
  readOrNull,
  sha256,
  writeEntryJson,
} from './cache-files.js';
import type { CandidateList } from './candidates.js';

function isCandidateList(images: DependencyAnalysisRequest['images']): images is CandidateList {
  return !Array.isArray(images);
}

/** Bumped whenever the layout of an entry changes: older entries then simply miss. */
const entryFormat = 2;

export { maxCacheEntries };

export interface DependencyAnalysisRequest {
  /** The dependency file (absolute, or relative to the working directory). */
  file: string;
  kind: DependencySourceKind;
  /** Groups to read beside the runtime ones (`'*'` for all). */
  with?: readonly string[];
  /**
   * The images to judge, or a candidate list named by its key: then a stored result for the same key
   * answers without the list being computed (see {@link CandidateList}).
   */
  images: readonly ImageCandidate[] | CandidateList;
  archs: readonly Arch[];
  date: IsoDate;
  offline: boolean;
  /**
   * Asked for an index client when, on a miss and online, some dependency names no files; the
   * caller opens (and later closes) it. Undefined or a function returning undefined: no look-ups.
   */
  index?: (deps: DependencySet) => Promise<IndexClient | undefined>;
  onProgress?: (progress: IndexProgress) => void;
  /** The directory holding the entries (`<cache dir>/deps`); undefined: no cache at all. */
  cacheDir?: string;
  /** The dependency file's bytes, when the caller has read them already (else read here). */
  bytes?: Buffer;
}

export interface DependencyAnalysis {
  report: CompatibilityReport;
  /** The images judged: those of the request, or, for a candidate list, the list it stood for. */
  images: readonly ImageCandidate[];
  /** The project's Python constraint as the dependency file states it (PEP 440). */
  requiresPython?: string;
  /** True when the report was read from the cache. */
  fromCache: boolean;
  /**
   * Present when the analysis is in the cache (read from it, or just stored): its key, and the files
   * beyond the dependency file it was computed from (a requirements file's includes). A result
   * derived from the analysis may be cached under the same conditions.
   */
  stored?: { key: string; inputs: readonly InputFile[] };
}

/**
 * The report as stored: every distinct image and every distinct package verdict once, each image x
 * architecture pointing at them by index. Most verdicts repeat across the images sharing a Python
 * and a machine, so this is several times smaller than the report itself.
 */
interface CompactReport {
  /** The report's own fields, in its order, with `images` in the compact form. */
  report: Omit<CompatibilityReport, 'images'> & { images: CompactImage[] };
  /** Every image of the request, in its order (the report may leave some out). */
  candidates: ImageCandidate[];
  verdicts: PackageVerdict[];
}

/** An image x architecture with its image and verdicts as indexes into the entry's tables. */
type CompactImage = Omit<ImageCompatibility, 'image' | 'packages'> & { image: number; packages: number[] };

interface Entry {
  format: number;
  key: string;
  inputs: InputFile[];
  requiresPython?: string;
  compact: CompactReport;
}

/** The pyproject.toml a Poetry lock reads beside it (for the groups of old locks). */
function companionOf(file: string, kind: DependencySourceKind): string | undefined {
  return kind === 'poetry.lock' ? path.join(path.dirname(file), 'pyproject.toml') : undefined;
}

/** The cache key of a request, given the dependency file's bytes. Exported for tests. */
export function analysisKey(request: DependencyAnalysisRequest, bytes: Uint8Array): string {
  const companion = companionOf(request.file, request.kind);
  const companionBytes = companion ? readOrNull(companion) : null;
  const parts = {
    format: entryFormat,
    code: codeIdentity(),
    file: request.file,
    kind: request.kind,
    bytes: sha256(bytes),
    companion: companionBytes ? sha256(companionBytes) : null,
    with: [...(request.with ?? [])].sort(),
    date: request.date,
    archs: request.archs,
    images: isCandidateList(request.images) ? { list: request.images.key } : request.images,
    offline: request.offline,
  };
  return sha256(JSON.stringify(parts));
}

/** `value` with some fields' values replaced, every key kept in its place (JSON output keeps its order). */
function replaceFields<T extends object>(
  value: T,
  replace: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k in replace ? replace[k] : v;
  return out;
}

function compactOf(report: CompatibilityReport, judged: readonly ImageCandidate[]): CompactReport {
  const candidates: ImageCandidate[] = [...judged];
  const candidateIndex = new Map<ImageCandidate, number>(candidates.map((c, i) => [c, i]));
  const verdicts: PackageVerdict[] = [];
  const verdictIndex = new Map<string, number>();
  const images = report.images.map((c) => {
    let image = candidateIndex.get(c.image);
    if (image === undefined) {
      image = candidates.push(c.image) - 1;
      candidateIndex.set(c.image, image);
    }
    const packages = c.packages.map((p) => {
      const text = JSON.stringify(p);
      let i = verdictIndex.get(text);
      if (i === undefined) {
        i = verdicts.push(p) - 1;
        verdictIndex.set(text, i);
      }
      return i;
    });
    return replaceFields(c, { image, packages }) as CompactImage;
  });
  return {
    report: replaceFields(report, { images }) as CompactReport['report'],
    candidates,
    verdicts,
  };
}

function at<T>(table: readonly T[], i: number): T {
  const v = table[i];
  if (v === undefined) throw new Error(`entry refers to a missing row ${i}`);
  return v;
}

function reportOf(compact: CompactReport): CompatibilityReport {
  const images = compact.report.images.map(
    (c) =>
      replaceFields(c, {
        image: at(compact.candidates, c.image),
        packages: c.packages.map((i) => at(compact.verdicts, i)),
      }) as unknown as ImageCompatibility,
  );
  return replaceFields(compact.report, { images }) as unknown as CompatibilityReport;
}

/**
 * The stored analysis for `key`, its report rebuilt, or undefined when absent, unreadable, corrupt
 * or out of date.
 */
function readEntry(dir: string, key: string): { entry: Entry; report: CompatibilityReport } | undefined {
  const entry = readEntryJson(dir, key) as Entry | undefined;
  try {
    if (entry?.format !== entryFormat || entry.key !== key || !Array.isArray(entry.inputs)) return undefined;
    if (!inputsUnchanged(entry.inputs)) return undefined;
    // Rebuilding checks the shape as far as the indexes go; a broken entry throws here.
    return { entry, report: reportOf(entry.compact) };
  } catch {
    return undefined;
  }
}

/** The dependency file's bytes; an unreadable file is the input error a reader gives. */
export function readDependencyFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw unreadableDependencyFile(file, error);
  }
}

/**
 * The compatibility report of a dependency file against the candidate images: from the cache when an
 * entry for the same inputs exists, else computed by the engine (and stored when it may be).
 */
export async function analyzeDependencyFile(request: DependencyAnalysisRequest): Promise<DependencyAnalysis> {
  const bytes = request.bytes ?? readDependencyFile(request.file);
  const key = request.cacheDir !== undefined ? analysisKey(request, bytes) : undefined;
  if (request.cacheDir !== undefined && key !== undefined) {
    const hit = readEntry(request.cacheDir, key);
    if (hit) {
      const { entry, report } = hit;
      const images = isCandidateList(request.images) ? entry.compact.candidates : request.images;
      return {
        report,
        images,
        ...(entry.requiresPython !== undefined ? { requiresPython: entry.requiresPython } : {}),
        fromCache: true,
        stored: { key, inputs: entry.inputs },
      };
    }
  }
  // The list a key stood for is computed only now, before any reading (it may refuse the request).
  const images = isCandidateList(request.images) ? request.images.list() : request.images;
  // Loaded here, not at the top: a cache hit needs neither the lock readers nor the engine.
  const [{ parseDependencies }, { analyzeDependencies }] = await Promise.all([
    import('../files/lockfiles/index.js'),
    import('./engine.js'),
  ]);
  const inputs: InputFile[] = [];
  const companion = companionOf(request.file, request.kind);
  const companionText = companion ? readOrNull(companion) : null;
  const deps = parseDependencies(bytes.toString('utf8').replace(/^\uFEFF/, ''), request.file, request.kind, {
    ...(request.with && request.with.length > 0 ? { with: [...request.with] } : {}),
    ...(companion && companionText
      ? { pyproject: { text: companionText.toString('utf8'), file: companion } }
      : {}),
    ...(request.kind === 'requirements'
      ? {
          readInclude: (file: string) => {
            const full = path.resolve(file);
            const included = readOrNull(full);
            inputs.push({ file: full, sha256: included ? sha256(included) : null });
            // An unreadable include throws the reader's own error, as an ordinary read would.
            return (included ?? readFileSync(full)).toString('utf8').replace(/^\uFEFF/, '');
          },
        }
      : {}),
  });
  // A file that cannot be parsed at all is an input error, not a project without dependencies.
  if (deps.unreadable) throw new PybaseError(deps.unreadable);
  const needsIndex = deps.dependencies.some((d) => d.kind === 'registry' && !(d.files && d.files.length > 0));
  const index = !request.offline && needsIndex && request.index ? await request.index(deps) : undefined;
  const report = await analyzeDependencies({
    deps,
    images,
    archs: request.archs,
    date: request.date,
    ...(index ? { index } : {}),
    offline: request.offline || index === undefined,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  // Stored only when nothing came from the index (see the module comment).
  const store = key !== undefined && !(needsIndex && !request.offline);
  if (store && request.cacheDir !== undefined) {
    writeEntryJson(request.cacheDir, key, {
      format: entryFormat,
      key,
      inputs,
      ...(deps.requiresPython !== undefined ? { requiresPython: deps.requiresPython } : {}),
      compact: compactOf(report, images),
    });
  }
  return {
    report,
    images,
    ...(deps.requiresPython !== undefined ? { requiresPython: deps.requiresPython } : {}),
    fromCache: false,
    ...(store ? { stored: { key, inputs } } : {}),
  };
}
