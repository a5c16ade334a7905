/**
 * The catalog as rules see it (RuleCatalog): a thin adapter over src/catalog/catalog.ts, so rules
 * stay independent of the catalog's full API and tests can give rules a small fake.
 */
import type { Catalog } from '../catalog/catalog.js';
import { type PythonPatchRelease, pythonPatchReleases } from '../catalog/patch-releases.js';
import { compareTagVersions, formatVersion, isFullySpecified, minorOf, tryParseTag } from '../catalog/tag.js';
import { compareDotted } from '../deps/candidates.js';
import type { IsoDate } from '../model/date.js';
import type { Distro, PythonTag } from '../model/image-ref.js';
import { type Arch, normalizeArch } from '../model/platform.js';
import type { DebianEolPolicy, ImageFacts, ImageStatus, OtherPython, RuleCatalog } from '../rules/types.js';

function factsOf(catalog: Catalog, fullTag: string | undefined, tag: string, date: IsoDate): ImageFacts {
  const parsed = tryParseTag(fullTag ?? tag);
  const facts: ImageFacts = {};
  const v = parsed?.version;
  if (v) {
    if (v.minor !== undefined) facts.minor = `${v.major}.${v.minor}`;
    if (fullTag && v.patch !== undefined) facts.python = formatVersion(v);
  }
  if (parsed?.distro) facts.distro = parsed.distro;
  if (fullTag && parsed) {
    const libc = catalog.libc(parsed, date);
    if (libc.family) facts.libc = { family: libc.family, ...(libc.version ? { version: libc.version } : {}) };
  }
  return facts;
}

/** Linux architectures of the image a listed tag names at the date (undefined when not known). */
function architecturesOf(catalog: Catalog, tag: string, date: IsoDate): Arch[] | undefined {
  const listed = catalog.architecturesAt(tag, date);
  if (!listed || listed.length === 0) return undefined;
  const out: Arch[] = [];
  for (const a of listed) {
    const arch = normalizeArch(a);
    if (arch && arch !== 'windows-amd64' && !out.includes(arch)) out.push(arch);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Orders releases of one distro family, newest first: Debian by its glibc (the newer release has the
 * newer one), Alpine by its release number.
 */
function newerDistroFirst(catalog: Catalog, a: PythonTag, b: PythonTag): number {
  if (a.distro?.family === 'alpine' && b.distro?.family === 'alpine')
    return compareDotted(b.distro.name, a.distro.name);
  return compareDotted(catalog.libc(b).version ?? '0', catalog.libc(a).version ?? '0');
}

/**
 * One image per final Python minor published at the date in a variant and distro family: its newest
 * patch on the release `distro` when that minor is published there, else on the family's newest.
 */
function pythonsOfGroup(
  catalog: Catalog,
  variant: PythonTag['variant'],
  distro: Distro,
  date: IsoDate,
): OtherPython[] {
  // The newest final patch per minor and distro release of the variant and family.
  const newest = new Map<string, PythonTag>();
  for (const text of catalog.publishedTags(date)) {
    const t = tryParseTag(text);
    if (!t?.version || t.prerelease || t.variant !== variant || t.distro?.family !== distro.family) continue;
    if (!isFullySpecified(t)) continue;
    const key = `${minorOf(t)}\u0000${t.distro.name}`;
    const known = newest.get(key);
    if (!known?.version || compareTagVersions(t.version, known.version) > 0) newest.set(key, t);
  }
  const byMinor = new Map<string, PythonTag[]>();
  for (const t of newest.values()) {
    const m = minorOf(t);
    if (m) byMinor.set(m, [...(byMinor.get(m) ?? []), t]);
  }
  const out: OtherPython[] = [];
  for (const [minor, tags] of byMinor) {
    const chosen =
      tags.find((t) => t.distro?.name === distro.name) ??
      [...tags].sort((a, b) => newerDistroFirst(catalog, a, b))[0];
    if (chosen?.version) out.push({ minor, python: formatVersion(chosen.version), tag: chosen.raw });
  }
  return out.sort((a, b) => compareDotted(a.minor, b.minor));
}

export function ruleCatalogOf(
  catalog: Catalog,
  options: {
    snapshotPath?: string;
    dataDate: IsoDate;
    /** Which Debian releases count as past end of life when a frozen tag's replacement is chosen. */
    debianEolPolicy?: DebianEolPolicy;
  },
): RuleCatalog {
  // The catalog is immutable: every answer below is computed once per run and handed out as a copy.
  const statusCache = new Map<string, ImageStatus>();
  const suggestCache = new Map<string, string[]>();
  const pythonEolCache = new Map<string, IsoDate | undefined>();
  const distroEolCache = new Map<string, IsoDate | undefined>();
  const patchCache = new Map<string, PythonPatchRelease[]>();
  const groupCache = new Map<string, OtherPython[]>();
  return {
    dataDate: options.dataDate,
    status(tag, date) {
      const key = `${tag}@${date}`;
      const known = statusCache.get(key);
      if (known) return known;
      const rb = catalog.rebuildStatus(tag, date, options.debianEolPolicy);
      const state = rb.status === 'rebuilt' ? 'current' : rb.status === 'frozen' ? 'frozen' : 'unknown';
      const out: ImageStatus = { state, facts: factsOf(catalog, rb.fullTag, tag, date) };
      if (state === 'current') {
        const architectures = architecturesOf(catalog, tag, date);
        if (architectures) out.facts.architectures = architectures;
      }
      if (state === 'frozen' && rb.since) out.since = rb.since;
      if (state === 'unknown') {
        const first = catalog.tagIntervals(tag)[0]?.from;
        if (first && first > date) out.firstListed = first;
      }
      if (rb.replacement) out.replacement = rb.replacement.tag;
      statusCache.set(key, out);
      return out;
    },
    suggest(tag, date) {
      const key = `${tag}@${date}`;
      let known = suggestCache.get(key);
      if (!known) {
        const list = catalog.suggest(tag, date, 8);
        // Tags listed at the date first: those are the ones worth moving to.
        known = [...list.filter((s) => s.published), ...list.filter((s) => !s.published)].map((s) => s.tag);
        suggestCache.set(key, known);
      }
      return [...known];
    },
    pythonEol(minor) {
      if (pythonEolCache.has(minor)) return pythonEolCache.get(minor);
      const eol = catalog.pythonLifecycle(minor, options.dataDate)?.endOfLife;
      const out = typeof eol === 'string' ? eol : undefined;
      pythonEolCache.set(minor, out);
      return out;
    },
    distroEol(distro: Distro, policy: DebianEolPolicy) {
      if (distro.family === 'windows') return undefined;
      const key = `${distro.family}\u0000${distro.name}\u0000${policy}`;
      if (distroEolCache.has(key)) return distroEolCache.get(key);
      const eol = catalog.distroLifecycle(distro, options.dataDate, policy)?.endOfLife;
      const out = typeof eol === 'string' ? eol : undefined;
      distroEolCache.set(key, out);
      return out;
    },
    patchReleases(minor) {
      let known = patchCache.get(minor);
      if (!known) {
        known = pythonPatchReleases(
          minor,
          options.snapshotPath ? { snapshotPath: options.snapshotPath } : {},
        );
        patchCache.set(minor, known);
      }
      return known.map((r) => ({ ...r }));
    },
    otherPythons(tag, date) {
      const base = tryParseTag(tag);
      const minor = base ? minorOf(base) : undefined;
      if (!base?.distro || !minor || !isFullySpecified(base)) return [];
      // Every reference of one variant and distro release asks about the same group: computed once.
      const key = `${base.variant}\u0000${base.distro.text}@${date}`;
      let known = groupCache.get(key);
      if (!known) {
        known = pythonsOfGroup(catalog, base.variant, base.distro, date);
        groupCache.set(key, known);
      }
      return known.filter((o) => o.minor !== minor).map((o) => ({ ...o }));
    },
  };
}
