/**
 * The facts about published python tags the fixer needs, asked of the catalog: which tags were
 * published by a date (a tag keeps pulling after it leaves the list, so an end-of-life line's last
 * patch is still a valid target), which are listed at a date, Python end of life, the order of distro
 * releases, and Python patch releases (for version files).
 */
import type { Catalog } from '../catalog/catalog.js';
import { windowsBuildRank } from '../catalog/images.js';
import { pythonPatchReleases } from '../catalog/patch-releases.js';
import { tryParseTag } from '../catalog/tag.js';
import type { IsoDate } from '../model/date.js';
import type { Distro, PythonTag } from '../model/image-ref.js';

export interface TagFacts {
  /** Every tag listed at some point on or before `date`, parsed (tags outside the grammar left out). */
  publishedBy(date: IsoDate): readonly PythonTag[];
  /** Tags listed in `library/python` at `date`. */
  listedAt(date: IsoDate): ReadonlySet<string>;
  /** True when the Python minor (`3.12`) is past its end of life at `date`; undefined when unknown. */
  pythonEnded(minor: string, date: IsoDate): boolean | undefined;
  /** A number that orders releases within one distro family (Debian release, Alpine version, Windows build). */
  distroRank(distro: Distro, date: IsoDate): number | undefined;
  /** Final Python patch releases of a minor published on or before `date`, oldest first (`3.13.0` …). */
  pythonPatches(minor: string, date: IsoDate): readonly string[];
  /**
   * The fully specified tag (`3.12.8-slim-bookworm`) a tag names at `date`, or named last when it is no
   * longer listed; undefined for a tag never listed by then.
   */
  fullTag(tag: string, date: IsoDate): string | undefined;
}

/** TagFacts answered by a catalog (memoised per date); `snapshotPath` must be the catalog's own. */
export function catalogTagFacts(catalog: Catalog, options: { snapshotPath?: string } = {}): TagFacts {
  const published = new Map<IsoDate, PythonTag[]>();
  const listed = new Map<IsoDate, Set<string>>();
  let firstListed: { tag: PythonTag; from: IsoDate }[] | undefined;

  return {
    publishedBy(date) {
      const known = published.get(date);
      if (known) return known;
      firstListed ??= catalog.allKnownTags().flatMap((name) => {
        const from = catalog.tagIntervals(name)[0]?.from;
        const tag = tryParseTag(name);
        return from !== undefined && tag ? [{ tag, from }] : [];
      });
      const out = firstListed.filter((t) => t.from <= date).map((t) => t.tag);
      published.set(date, out);
      return out;
    },
    listedAt(date) {
      let set = listed.get(date);
      if (!set) {
        set = new Set(catalog.publishedTags(date));
        listed.set(date, set);
      }
      return set;
    },
    pythonEnded(minor, date) {
      const life = catalog.pythonLifecycle(minor, date);
      return life === undefined ? undefined : life.status === 'eol';
    },
    distroRank(distro, date) {
      if (distro.family === 'windows') return windowsBuildRank(distro.name) || undefined;
      const life = catalog.distroLifecycle(distro, date);
      const version = life?.version ?? (distro.family === 'alpine' ? distro.name : undefined);
      const m = version === undefined ? null : /^(\d+)(?:\.(\d+))?$/.exec(version);
      return m ? Number(m[1]) * 1000 + Number(m[2] ?? 0) : undefined;
    },
    fullTag(tag, date) {
      return catalog.rebuildStatus(tag, date).fullTag;
    },
    pythonPatches(minor, date) {
      return pythonPatchReleases(
        minor,
        options.snapshotPath !== undefined ? { snapshotPath: options.snapshotPath } : {},
      )
        .filter((r) => r.date <= date)
        .map((r) => r.version);
    },
  };
}
