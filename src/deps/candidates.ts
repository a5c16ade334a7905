/**
 * The images a project's dependencies are judged against: every fully specified Linux tag of the
 * official python image published at a date, with the facts wheel selection needs (Python version,
 * libc family and version, architectures, whether a compiler is on board).
 */
import type { Catalog } from '../catalog/catalog.js';
import { compareTagVersions, isFullySpecified, minorOf, tryParseTag } from '../catalog/tag.js';
import type { ImageCandidate } from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import type { PythonTag } from '../model/image-ref.js';
import { type Arch, allArchs, archSpelling, normalizeArch } from '../model/platform.js';

export interface CandidateOptions {
  /** Also list pre-release Pythons (`3.15.0rc1`). Default false. */
  includePrerelease?: boolean;
}

const linuxVariants = new Set(['full', 'slim', 'alpine']);

/** Architectures judged when none are asked for. */
export const defaultArchs: readonly Arch[] = ['amd64', 'arm64v8'];

/** The Python version of a tag as Python itself writes it (`3.12.14`, `3.15.0rc1`). */
function pythonVersionOf(tag: PythonTag): string {
  const v = tag.version;
  if (!v) return '';
  const base = `${v.major}.${v.minor ?? 0}.${v.patch ?? 0}`;
  return v.pre ? `${base}${v.pre.kind}${v.pre.number}` : base;
}

/**
 * One candidate for a fully specified tag at a date, or undefined when the tag is not such a Linux
 * tag, is not published then, or its libc is unknown to the data.
 */
export function candidateOf(catalog: Catalog, tagText: string, date: IsoDate): ImageCandidate | undefined {
  const tag = tryParseTag(tagText);
  return tag ? candidateOfParsed(catalog, tagText, tag, date) : undefined;
}

/** {@link candidateOf} for a tag already parsed (every published tag is parsed once, not twice). */
function candidateOfParsed(
  catalog: Catalog,
  tagText: string,
  tag: PythonTag,
  date: IsoDate,
): ImageCandidate | undefined {
  if (!isFullySpecified(tag) || !linuxVariants.has(tag.variant) || !tag.distro) return undefined;
  const libc = catalog.libc(tag);
  if (!libc.family || !libc.version) return undefined;
  const listed = catalog.architecturesAt(tagText, date);
  if (!listed) return undefined;
  const architectures: Arch[] = [];
  for (const a of listed) {
    const arch = normalizeArch(a);
    if (arch && arch !== 'windows-amd64' && !architectures.includes(arch)) architectures.push(arch);
  }
  return {
    tag: tagText,
    python: minorOf(tag) ?? '',
    pythonVersion: pythonVersionOf(tag),
    prerelease: tag.prerelease,
    variant: tag.variant,
    distro: tag.distro.text,
    libc: { family: libc.family, version: libc.version },
    architectures,
    hasCompiler: tag.variant === 'full',
  };
}

/**
 * A candidate for a tag that is no longer published: its last image, architectures unknown (an
 * empty list). Undefined when that image is not a Linux one pybase can judge. Shared by `check`'s
 * dependency facts and `deps --image`.
 */
export function frozenCandidate(catalog: Catalog, tag: string, date: IsoDate): ImageCandidate | undefined {
  const status = catalog.rebuildStatus(tag, date);
  const fullTag = status.fullTag;
  if (!fullTag) return undefined;
  const parsed = tryParseTag(fullTag);
  const v = parsed?.version;
  if (!parsed?.distro || !v || v.minor === undefined) return undefined;
  if (parsed.variant !== 'full' && parsed.variant !== 'slim' && parsed.variant !== 'alpine') return undefined;
  const libc = catalog.libc(parsed);
  if (!libc.family || !libc.version) return undefined;
  const base = `${v.major}.${v.minor}.${v.patch ?? 0}`;
  return {
    tag: fullTag,
    python: `${v.major}.${v.minor}`,
    pythonVersion: v.pre ? `${base}${v.pre.kind}${v.pre.number}` : base,
    prerelease: parsed.prerelease,
    variant: parsed.variant,
    distro: parsed.distro.text,
    libc: { family: libc.family, version: libc.version },
    architectures: [],
    hasCompiler: parsed.variant === 'full',
  };
}

/**
 * Every fully specified Linux tag (full, slim and alpine images; no Windows, no onbuild) published at
 * the date, newest Python first, then full, slim, alpine, then newest distro first.
 */
export function candidateImages(
  catalog: Catalog,
  date: IsoDate,
  opts: CandidateOptions = {},
): ImageCandidate[] {
  const out: { candidate: ImageCandidate; parsed: PythonTag }[] = [];
  for (const text of catalog.publishedTags(date)) {
    const parsed = tryParseTag(text);
    if (!parsed || !isFullySpecified(parsed) || !linuxVariants.has(parsed.variant)) continue;
    if (parsed.prerelease && !opts.includePrerelease) continue;
    const candidate = candidateOfParsed(catalog, text, parsed, date);
    if (candidate) out.push({ candidate, parsed });
  }
  out.sort((a, b) => compareCandidates(a.candidate, a.parsed, b.candidate, b.parsed));
  return out.map((o) => o.candidate);
}

/**
 * The candidate list of {@link candidateImages}, named before it is computed: `key` says everything
 * the list depends on (the data, the date, the options), so a stored result for the same key holds
 * the same list and `list` need not run. `list` computes it (once).
 */
export interface CandidateList {
  key: string;
  list(): ImageCandidate[];
}

export function candidateList(catalog: Catalog, date: IsoDate, opts: CandidateOptions = {}): CandidateList {
  let computed: ImageCandidate[] | undefined;
  return {
    key: JSON.stringify({
      data: catalog.dataIdentity(),
      date,
      includePrerelease: opts.includePrerelease === true,
    }),
    list() {
      computed ??= candidateImages(catalog, date, opts);
      return computed;
    },
  };
}

const variantOrder: Record<string, number> = { full: 0, slim: 1, alpine: 2 };

function compareCandidates(a: ImageCandidate, ap: PythonTag, b: ImageCandidate, bp: PythonTag): number {
  if (ap.version && bp.version) {
    const byVersion = compareTagVersions(bp.version, ap.version);
    if (byVersion !== 0) return byVersion;
  }
  const byVariant = (variantOrder[a.variant] ?? 9) - (variantOrder[b.variant] ?? 9);
  if (byVariant !== 0) return byVariant;
  // Newer libc first: it stands for the newer distro release within a variant.
  const byLibc = compareDotted(b.libc.version, a.libc.version);
  if (byLibc !== 0) return byLibc;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** Compares dotted numbers (`2.41` > `2.36`, `1.2.10` > `1.2.9`). */
export function compareDotted(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Candidates whose architectures the data does not record (an empty list: a tag list has none). */
export function withUnknownArchitectures(candidates: readonly ImageCandidate[]): ImageCandidate[] {
  return candidates.filter((c) => c.architectures.length === 0);
}

/**
 * Refuses architectures that cannot be judged at the date, before any work: when the data records
 * no architecture for any of the candidates (dates before its first tag list), and, unless
 * `named` (the user named the images: each says for itself where it is not published), when no
 * candidate is built for an architecture asked (`mips64le` after bookworm). Nothing without candidates.
 */
export function checkArchitectures(
  catalog: Pick<Catalog, 'architecturesRecordedFrom'>,
  candidates: readonly ImageCandidate[],
  archs: readonly Arch[],
  date: IsoDate,
  options: { command: string; named?: boolean },
): void {
  if (candidates.length === 0) return;
  const { command } = options;
  const known = candidates.filter((c) => c.architectures.length > 0);
  if (known.length === 0) {
    const since = catalog.architecturesRecordedFrom();
    const what = options.named
      ? candidates.map((c) => c.tag).join(', ')
      : `the ${candidates.length} python image${candidates.length === 1 ? '' : 's'} published at ${date}`;
    throw new PybaseError({
      code: inputCodes.data,
      severity: 'error',
      message: `${command}: the architectures of ${what} are not in the data${since ? ` (it records them from ${since} on)` : ''}: pybase cannot tell whether ${candidates.length === 1 && options.named ? 'it was' : 'they were'} built for ${archs.map(archSpelling).join(', ')}`,
      hint: `pybase tags --date ${date} lists the tags of that date; judge a date${since ? ` from ${since} on` : ' the data covers'}`,
    });
  }
  if (options.named) return;
  const published = allArchs.filter((a) => known.some((c) => c.architectures.includes(a)));
  const missing = archs.filter((a) => !published.includes(a));
  if (missing.length > 0) {
    throw new PybaseError({
      code: inputCodes.usage,
      severity: 'error',
      message: `${command}: no python image published at ${date} is built for ${missing.map(archSpelling).join(', ')}; they are built for ${published.map(archSpelling).join(', ')}`,
      hint: 'name architectures among those (--arch, or archs in the configuration)',
    });
  }
}
