/**
 * What pybase knows about the official python image, at any date: the tags listed, what each one
 * names, whether an image is still rebuilt, life cycles of Python and of the distros, libc versions.
 *
 * Everything is answered from the data snapshot (src/data/snapshot.json or a refreshed one) and a date
 * passed in by the caller; nothing here reads the clock or the network.
 */

import {
  loadSnapshot,
  type SnapshotFile,
  type SnapshotImageList,
  type SourceProvenance,
  snapshotIdentity,
} from '../data/snapshot.js';
import { daysBetween, type IsoDate, parseIsoDate } from '../model/date.js';
import { isPybaseError } from '../model/diagnostic.js';
import type { Distro, PythonTag, TagVersion, Variant } from '../model/image-ref.js';
import { type Arch, normalizeArch } from '../model/platform.js';
import { type TagHistory as History, type ListState, TagHistory, type TagInterval } from './history.js';
import { distroName, type Image, ListView, windowsBuildRank } from './images.js';
import {
  alpineLifecycleAt,
  type DebianEolPolicy,
  type DistroLifecycle,
  debianLifecycleAt,
  type LibcInfo,
  libcOfDistro,
  type PythonLifecycle,
  pythonLifecycleAt,
} from './lifecycle.js';
import { type CandidateLists, nearest } from './suggest.js';
import { compareTagVersions, parseTag, tryParseTag } from './tag.js';

export type { TagInterval } from './history.js';
export type {
  DebianEolPolicy,
  DistroLifecycle,
  DistroStatus,
  LibcInfo,
  PythonLifecycle,
  PythonStatus,
} from './lifecycle.js';

export interface CatalogOptions {
  /** A refreshed snapshot file to read instead of the embedded one. */
  snapshotPath?: string;
}

/** Where a tag stands in the tag list at a date. */
export interface TagStatus {
  tag: string;
  date: IsoDate;
  /** Listed at the date. */
  published: boolean;
  /** Listed at any time in the history. */
  everPublished: boolean;
  /** Start of the listing in force (when published). */
  listedSince?: IsoDate;
  /** When it left the list, for a tag listed before but not at the date. */
  removedOn?: IsoDate;
  intervals: TagInterval[];
}

/** One image a tag names: its fully specified tag and the other tags naming it on its platform. */
export interface ResolvedImage {
  /** `3.12.14-slim-trixie` */
  fullTag: string;
  /**
   * Every tag listed at the date that names this image when pulled on this image's platform: the
   * image's own tags plus the shared tags (`3.14`, `latest`, `3.14-windowsservercore`) that include it
   * in their manifest list. In code-unit order.
   */
  sameImage: string[];
  /** Architectures of the image; undefined when no recorded tag list has a matching entry. */
  architectures?: Arch[];
  /** True when read from the recorded tag list in force at the date; false when taken from the nearest one. */
  architecturesExact: boolean;
  /** Date of the recorded tag list the architectures come from. */
  architecturesFrom?: IsoDate;
}

export interface Resolution extends ResolvedImage {
  tag: string;
  date: IsoDate;
  /** False when the tag is itself fully specified. */
  floating: boolean;
  /** The parts of `fullTag`. */
  parsed: PythonTag;
  /** The tag-list change from which on the tag has named `fullTag` without interruption. */
  since: IsoDate;
  /** What the tag named just before `since`, when it was listed then. */
  previous?: { fullTag: string; until: IsoDate };
  /**
   * A shared tag (`3.14`, `latest`) also names Windows images; those are listed here, newest build
   * first. The resolution itself is the Linux image (or the newest Windows build when there is none).
   */
  otherPlatforms: ResolvedImage[];
}

export type RebuildState = 'rebuilt' | 'frozen' | 'never-published';

/**
 * `newer-version`: the newest patch on the same distro; `distro-dropped`: the distro is no longer listed
 * for the minor; `distro-eol`: the same distro is still listed but past its end of life, so the line
 * continues on a supported one; `minor-dropped`: the nearest newer minor.
 */
export type ReplacementReason = 'newer-version' | 'distro-dropped' | 'distro-eol' | 'minor-dropped';

export interface RebuildStatus {
  tag: string;
  date: IsoDate;
  /**
   * `rebuilt`: listed at the date, so it gets new builds (a floating tag also moves on);
   * `frozen`: no longer listed, the image never changes again; `never-published`: not a real tag.
   */
  status: RebuildState;
  /** rebuilt: start of the listing in force; frozen: the date it left the list. */
  since?: IsoDate;
  /** The image the tag names at the date (rebuilt) or named last (frozen). */
  fullTag?: string;
  /**
   * For a frozen tag: what to move to, and why that one. A replacement on a distro past its end of
   * life (under the policy asked for) is chosen only when no supported distro carries the line.
   */
  replacement?: {
    tag: string;
    reason: ReplacementReason;
    /**
     * `minor-dropped` only: newer minors listed in the variant that were passed over because less
     * than a year of support is left to them at the date (a move off a dropped minor should not
     * land on one that ends within the year), nearest first, with their end of life.
     */
    passedOver?: { minor: string; endOfLife: IsoDate }[];
  };
  /** The distro (or Windows build) is no longer listed for this Python minor and variant. */
  distroDropped?: boolean;
  /** This Python minor is no longer listed in this variant. */
  minorDropped?: boolean;
}

export interface NewestPatch {
  minor: string;
  date: IsoDate;
  /** Newest final release of the minor on or before the date, from the Python release data. */
  released?: { version: string; date: IsoDate };
  /** Newest final patch of the minor listed as an image at the date, from the tag list. */
  published?: string;
  /** Newest pre-release of the minor listed as an image at the date. */
  publishedPrerelease?: string;
}

export interface Equivalents {
  tag: string;
  date: IsoDate;
  /** The image the tag names (or named last, or itself when fully specified). */
  base: string;
  /** Newest listed version with the same minor, variant and distro. */
  newestPatch?: string;
  /** Same minor and variant on the newest distro listed (the default one). */
  newestDistro?: string;
  /**
   * Newest stable Python minor listed with the same variant: on the same distro when listed and not past
   * its end of life, else on the default distro.
   */
  newestMinor?: string;
}

export interface Suggestion {
  tag: string;
  /** Listed at the date asked about (else: listed before it, and removed since). */
  published: boolean;
  /** Edit distance plus a penalty for differing parsed parts; smaller is nearer. */
  distance: number;
}

export interface DataAge {
  /** The newest commit date among the snapshot's sources. */
  dataDate: IsoDate;
  ageDays: number;
  /** Older than 90 days at the date. */
  stale: boolean;
  /** Date up to which the tag list is known to be as recorded. */
  tagListCheckedAt: IsoDate;
  /** The date is past that: answers use the last recorded tag list. */
  beyondData: boolean;
}

export type LibcQuery = string | PythonTag | { variant: Variant; distro?: Distro | string };

export interface Catalog {
  /** Tags listed at the date, in code-unit order. */
  publishedTags(date: IsoDate): string[];
  isPublished(tag: string, date: IsoDate): boolean;
  tagIntervals(tag: string): TagInterval[];
  tagStatus(tag: string, date: IsoDate): TagStatus;
  allKnownTags(): string[];
  /**
   * What a listed tag names at the date; undefined when the tag is not listed then (or, for a few tags
   * of 2016 outside today's grammar rules, cannot be resolved).
   */
  resolve(tag: string, date: IsoDate): Resolution | undefined;
  /**
   * The architectures of the image a listed tag names at the date (as `resolve(...).architectures`),
   * without the rest of the resolution: undefined exactly when `resolve` is, empty when the data
   * records none for it.
   */
  architecturesAt(tag: string, date: IsoDate): Arch[] | undefined;
  /** `policy` decides which Debian releases count as past end of life for the replacement (default `security`). */
  rebuildStatus(tag: string, date: IsoDate, policy?: DebianEolPolicy): RebuildStatus;
  /** Undefined for a minor the data knows nothing about. */
  pythonLifecycle(minor: string, date: IsoDate): PythonLifecycle | undefined;
  /** Undefined for an unknown release (and for Windows). */
  distroLifecycle(
    distro: string | Distro,
    date: IsoDate,
    policy?: DebianEolPolicy,
  ): DistroLifecycle | undefined;
  /** libc of a tag (a tag without distro needs the date to know its default distro) or variant + distro. */
  libc(query: LibcQuery, date?: IsoDate): LibcInfo;
  newestPatch(minor: string, date: IsoDate): NewestPatch;
  /** `policy` decides which Debian releases count as past end of life for `newestMinor` (default `security`). */
  newestEquivalents(tag: string, date: IsoDate, policy?: DebianEolPolicy): Equivalents | undefined;
  /** Tags near `tag` that exist at the date (listed then, or listed before and removed), nearest first. */
  suggest(tag: string, date: IsoDate, n?: number): Suggestion[];
  dataAge(date: IsoDate): DataAge;
  /** Provenance of every source file, by its path in the data directory. */
  sources(): Record<string, SourceProvenance>;
  /**
   * Date of the oldest recorded tag list, which is where architectures come from: before it they are
   * taken from the nearest list when its images match, else unknown. Undefined without any list.
   */
  architecturesRecordedFrom(): IsoDate | undefined;
  /** A hash of the data the catalog answers from: results stored under it stay valid while it holds. */
  dataIdentity(): string;
}

const staleAfterDays = 90;

function checkDate(date: IsoDate): IsoDate {
  return parseIsoDate(date, 'date');
}

function minorText(v: TagVersion): string {
  return `${v.major}.${v.minor}`;
}

/** The docker-library directory part for an image's variant and distro (`slim-trixie`, `alpine3.23`). */
function variantDirectory(t: PythonTag): string | undefined {
  const d = t.distro;
  if (!d) return undefined;
  switch (t.variant) {
    case 'full':
      return d.name;
    case 'slim':
      return `slim-${d.name}`;
    case 'alpine':
      return d.text;
    case 'windowsservercore':
    case 'nanoserver':
      return `windows/${t.variant}-${d.name}`;
    default:
      return undefined;
  }
}

class SnapshotCatalog implements Catalog {
  private readonly history: History;
  private readonly parsed = new Map<string, PythonTag | undefined>();
  private readonly views = new Map<ListState, ListView>();
  private readonly debianRank = new Map<string, number>();
  private listIndex?: {
    list: SnapshotImageList;
    byTag?: Map<string, SnapshotImageList['entries'][number]>;
  }[];
  private entryTags = new Map<SnapshotImageList['entries'][number], Set<string>>();
  private readonly suggestions = new Map<string, Suggestion[]>();
  private readonly unlisted = new Map<ListState, Map<number, string[]>>();
  private readonly prereleaseSeen = new Map<string, boolean>();

  constructor(private readonly snapshot: SnapshotFile) {
    this.history = new TagHistory(snapshot.history);
    for (const c of snapshot.debian.cycles) this.debianRank.set(c.codename, Number(c.cycle));
    for (const r of snapshot.libc.debian)
      if (!this.debianRank.has(r.codename)) this.debianRank.set(r.codename, Number(r.version));
  }

  // ------------------------------------------------------------------------------------------ internals

  private parse = (tag: string): PythonTag | undefined => {
    if (this.parsed.has(tag)) return this.parsed.get(tag);
    const parsed = tryParseTag(tag);
    this.parsed.set(tag, parsed);
    return parsed;
  };

  private distroRank = (d: Distro): number => {
    if (d.family === 'debian') return this.debianRank.get(d.name) ?? -1;
    if (d.family === 'windows') return windowsBuildRank(d.name);
    const [major, minor] = d.name.split('.').map(Number);
    return (major ?? 0) * 1000 + (minor ?? 0);
  };

  private view(state: ListState): ListView {
    let view = this.views.get(state);
    if (!view) {
      view = new ListView(this.history.listedAt(state), this.parse, this.distroRank);
      this.views.set(state, view);
    }
    return view;
  }

  /** The image a listed tag names in a state (Linux first), or undefined. */
  private primaryAt(state: ListState, tag: string): Image | undefined {
    const parsed = this.parse(tag);
    return parsed ? this.view(state).candidates(parsed)[0] : undefined;
  }

  private lists() {
    this.listIndex ??= this.snapshot.imageLists.map((list) => ({ list }));
    return this.listIndex;
  }

  /** The entries of one image list by tag, built when that list is first asked (one is, per date). */
  private entriesByTag(item: {
    list: SnapshotImageList;
    byTag?: Map<string, SnapshotImageList['entries'][number]>;
  }) {
    if (!item.byTag) {
      const ids = this.history.tagsById();
      const byTag = new Map<string, SnapshotImageList['entries'][number]>();
      for (const entry of item.list.entries) for (const id of entry[1]) byTag.set(ids[id] as string, entry);
      item.byTag = byTag;
    }
    return item.byTag;
  }

  private tagsOfEntry(entry: SnapshotImageList['entries'][number]): Set<string> {
    let tags = this.entryTags.get(entry);
    if (!tags) {
      const ids = this.history.tagsById();
      tags = new Set(entry[1].map((id) => ids[id] as string));
      this.entryTags.set(entry, tags);
    }
    return tags;
  }

  private archsOf(entry: SnapshotImageList['entries'][number]): Arch[] {
    const names = this.snapshot.archSets[entry[3]] ?? [];
    return names.map((a) => normalizeArch(a)).filter((a): a is Arch => a !== undefined);
  }

  private architectures(
    image: Image,
    date: IsoDate,
  ): Pick<ResolvedImage, 'architectures' | 'architecturesExact' | 'architecturesFrom'> {
    const lists = this.lists();
    const checkedAt = this.snapshot.tagList.checkedAt;
    const inForce = lists.find(
      ({ list }) => list.date <= date && (list.until === null ? date <= checkedAt : date < list.until),
    );
    const exact = inForce ? this.entriesByTag(inForce).get(image.tag) : undefined;
    if (inForce && exact) {
      return {
        architectures: this.archsOf(exact),
        architecturesExact: true,
        architecturesFrom: inForce.list.date,
      };
    }
    const nearest = [...lists].sort(
      (a, b) => Math.abs(daysBetween(a.list.date, date)) - Math.abs(daysBetween(b.list.date, date)),
    );
    const v = image.parsed.version;
    const dir = variantDirectory(image.parsed);
    const line = `${minorText(v)}${v.pre ? '-rc' : ''}`;
    const tests: ((directory: string, tags: Set<string>) => boolean)[] = [
      (_d, tags) => tags.has(image.tag),
      (d) => d === `${line}/${dir}`,
      (d) => dir !== undefined && d.endsWith(`/${dir}`),
    ];
    for (const test of tests) {
      for (const { list } of nearest) {
        for (const entry of list.entries) {
          if (test(entry[0], this.tagsOfEntry(entry))) {
            return {
              architectures: this.archsOf(entry),
              architecturesExact: false,
              architecturesFrom: list.date,
            };
          }
        }
      }
    }
    return { architecturesExact: false };
  }

  private resolvedImage(view: ListView, image: Image, date: IsoDate): ResolvedImage {
    return { fullTag: image.tag, sameImage: view.sameImage(image.tag), ...this.architectures(image, date) };
  }

  /** The last state at or before `state` in which the tag was listed, or undefined. */
  private lastListedState(tag: string, state: ListState): ListState | undefined {
    let last: ListState | undefined;
    for (const interval of this.history.intervals(tag)) {
      if (interval.from > (this.history.stateDate(state) ?? '')) break;
      if (interval.to === null) return state;
      const endState = this.history.stateAt(interval.to);
      last = Math.min(endState - 1, state);
    }
    return last;
  }

  /** The image a tag names at the date, or named the last time it was listed before. */
  private baseImage(tag: string, date: IsoDate): { image: Image; state: ListState } | undefined {
    const state = this.history.stateAt(date);
    const parsed = this.parse(tag);
    if (!parsed) return undefined;
    const listedState = this.lastListedState(tag, state);
    if (listedState !== undefined && listedState >= 0) {
      const image = this.view(listedState).candidates(parsed)[0];
      if (image) return { image, state: listedState };
    }
    const own = this.parse(tag);
    if (own?.version && own.distro && own.precision === 'patch' && !own.rcLine) {
      const windows = own.distro.family === 'windows';
      return { image: { tag, parsed: own as Image['parsed'], windows, implicitDistro: false }, state };
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------ tag list

  publishedTags(date: IsoDate): string[] {
    return [...this.history.listedAt(this.history.stateAt(checkDate(date)))];
  }

  isPublished(tag: string, date: IsoDate): boolean {
    return this.history.isListedAt(tag, this.history.stateAt(checkDate(date)));
  }

  tagIntervals(tag: string): TagInterval[] {
    return this.history.intervals(tag);
  }

  tagStatus(tag: string, date: IsoDate): TagStatus {
    checkDate(date);
    const intervals = this.history.intervals(tag);
    const current = intervals.find((i) => i.from <= date && (i.to === null || date < i.to));
    const past = intervals.filter((i) => i.to !== null && i.to <= date).at(-1);
    return {
      tag,
      date,
      published: current !== undefined,
      everPublished: intervals.length > 0,
      ...(current ? { listedSince: current.from } : {}),
      ...(!current && past?.to ? { removedOn: past.to } : {}),
      intervals,
    };
  }

  allKnownTags(): string[] {
    return this.history.allTags();
  }

  // ------------------------------------------------------------------------------------------ resolution

  resolve(tag: string, date: IsoDate): Resolution | undefined {
    checkDate(date);
    const state = this.history.stateAt(date);
    if (!this.history.isListedAt(tag, state)) return undefined;
    const parsed = this.parse(tag);
    if (!parsed) return undefined;
    const view = this.view(state);
    const [primary, ...others] = view.candidates(parsed);
    if (!primary) return undefined;

    let first = state;
    while (
      first > 0 &&
      this.history.isListedAt(tag, first - 1) &&
      this.primaryAt(first - 1, tag)?.tag === primary.tag
    ) {
      first--;
    }
    const before = first - 1;
    const previousImage =
      before >= 0 && this.history.isListedAt(tag, before) ? this.primaryAt(before, tag) : undefined;
    return {
      tag,
      date,
      floating: primary.tag !== tag,
      parsed: primary.parsed,
      since: this.history.stateDate(first) as IsoDate,
      ...(previousImage
        ? { previous: { fullTag: previousImage.tag, until: this.history.stateDate(first) as IsoDate } }
        : {}),
      ...this.resolvedImage(view, primary, date),
      otherPlatforms: others.map((image) => this.resolvedImage(view, image, date)),
    };
  }

  dataIdentity(): string {
    return snapshotIdentity(this.snapshot);
  }

  architecturesAt(tag: string, date: IsoDate): Arch[] | undefined {
    checkDate(date);
    const state = this.history.stateAt(date);
    if (!this.history.isListedAt(tag, state)) return undefined;
    const parsed = this.parse(tag);
    const primary = parsed ? this.view(state).candidates(parsed)[0] : undefined;
    return primary ? (this.architectures(primary, date).architectures ?? []) : undefined;
  }

  rebuildStatus(tag: string, date: IsoDate, policy: DebianEolPolicy = 'security'): RebuildStatus {
    const status = this.tagStatus(tag, date);
    if (!status.everPublished) return { tag, date, status: 'never-published' };
    if (status.published) {
      const resolution = this.resolve(tag, date);
      return {
        tag,
        date,
        status: 'rebuilt',
        ...(status.listedSince ? { since: status.listedSince } : {}),
        ...(resolution ? { fullTag: resolution.fullTag } : {}),
      };
    }
    const base = this.baseImage(tag, date);
    if (status.removedOn === undefined) {
      // Listed only after the date: not yet published then.
      return { tag, date, status: 'never-published' };
    }
    const out: RebuildStatus = {
      tag,
      date,
      status: 'frozen',
      since: status.removedOn,
      ...(base ? { fullTag: base.image.tag } : {}),
    };
    if (!base) return out;
    const view = this.view(this.history.stateAt(date));
    const f = base.image.parsed;
    // A replacement should not be past its own end of life when a supported distro carries the line.
    const liveDistro = (images: Image[]) => images.filter((i) => !this.distroEnded(i, date, policy));
    const sameMinor = view.images.filter(
      (i) => i.parsed.variant === f.variant && compareMinorOf(i.parsed.version, f.version) === 0,
    );
    const sameDistro = sameMinor.filter((i) => distroName(i) === distroName(base.image));
    const newestSameDistro = newestOf(sameDistro);
    if (newestSameDistro && !this.distroEnded(newestSameDistro, date, policy))
      return { ...out, replacement: { tag: newestSameDistro.tag, reason: 'newer-version' } };
    if (newestSameDistro) {
      const live = this.onDefaultDistro(view, liveDistro(sameMinor)) ?? newestOf(liveDistro(sameMinor));
      return {
        ...out,
        replacement: live
          ? { tag: live.tag, reason: 'distro-eol' }
          : { tag: newestSameDistro.tag, reason: 'newer-version' },
      };
    }
    const onDefault =
      this.onDefaultDistro(view, liveDistro(sameMinor)) ?? this.onDefaultDistro(view, sameMinor);
    if (onDefault)
      return { ...out, distroDropped: true, replacement: { tag: onDefault.tag, reason: 'distro-dropped' } };
    // The minor is gone in this variant: the nearest newer stable minor, same distro when listed.
    const newerListed = view.images.filter(
      (i) =>
        i.parsed.variant === f.variant &&
        !i.parsed.version.pre &&
        compareMinorOf(i.parsed.version, f.version) > 0,
    );
    // The nearest newer minor worth moving to: one with at least a year of support left at the date,
    // else one not yet at its end of life (past the recorded tag list a listed minor may be), else any.
    const supportLeft = (i: Image) => {
      const life = this.pythonLifecycle(`${i.parsed.version.major}.${i.parsed.version.minor}`, date);
      if (!life || life.status === 'eol') return -1;
      return typeof life.endOfLife === 'string' ? daysBetween(date, life.endOfLife) : 0;
    };
    const lasting = newerListed.filter((i) => supportLeft(i) >= 365);
    const supported = newerListed.filter((i) => supportLeft(i) >= 0);
    const newer = lasting.length > 0 ? lasting : supported.length > 0 ? supported : newerListed;
    const nearestMinor = newer.reduce<TagVersion | undefined>(
      (best, i) => (!best || compareMinorOf(i.parsed.version, best) < 0 ? i.parsed.version : best),
      undefined,
    );
    if (!nearestMinor) return { ...out, minorDropped: true };
    const ofMinor = newer.filter((i) => compareMinorOf(i.parsed.version, nearestMinor) === 0);
    const sameDistroOfMinor = ofMinor.filter((i) => distroName(i) === distroName(base.image));
    const pick =
      newestOf(liveDistro(sameDistroOfMinor)) ??
      this.onDefaultDistro(view, liveDistro(ofMinor)) ??
      newestOf(liveDistro(ofMinor)) ??
      newestOf(sameDistroOfMinor) ??
      this.onDefaultDistro(view, ofMinor);
    // Minors older than the one picked that the year rule passed over, for the answer to name.
    const passedOver: { minor: string; endOfLife: IsoDate }[] = [];
    if (newer === lasting) {
      for (const i of supported) {
        if (compareMinorOf(i.parsed.version, nearestMinor) >= 0) continue;
        const minor = minorText(i.parsed.version);
        const end = this.pythonLifecycle(minor, date)?.endOfLife;
        if (typeof end === 'string' && !passedOver.some((p) => p.minor === minor))
          passedOver.push({ minor, endOfLife: end });
      }
      passedOver.sort((a, b) => compareTagVersions(parseTag(a.minor).version!, parseTag(b.minor).version!));
    }
    return {
      ...out,
      minorDropped: true,
      ...(pick
        ? {
            replacement: {
              tag: pick.tag,
              reason: 'minor-dropped' as const,
              ...(passedOver.length > 0 ? { passedOver } : {}),
            },
          }
        : {}),
    };
  }

  /** True when the image's distro is past its end of life at the date under the policy (never for Windows). */
  private distroEnded(image: Image, date: IsoDate, policy: DebianEolPolicy): boolean {
    const distro = image.parsed.distro;
    if (!distro || image.windows || distro.family === 'windows') return false;
    return this.distroLifecycle(distro, date, policy)?.endOfLifeReached === true;
  }

  /** Among images of one minor and variant: the newest version on the default (newest) distro. */
  private onDefaultDistro(view: ListView, images: Image[]): Image | undefined {
    const newest = newestOf(images);
    if (!newest) return undefined;
    if (newest.windows) {
      return images
        .filter((i) => compareTagVersions(i.parsed.version, newest.parsed.version) === 0)
        .sort((a, b) => windowsBuildRank(distroName(b)) - windowsBuildRank(distroName(a)))[0];
    }
    const distro = view.defaultDistroOf(newest.parsed.version.text, newest.parsed.variant);
    return images.find(
      (i) =>
        distroName(i) === (distro ?? '') && compareTagVersions(i.parsed.version, newest.parsed.version) === 0,
    );
  }

  newestEquivalents(
    tag: string,
    date: IsoDate,
    policy: DebianEolPolicy = 'security',
  ): Equivalents | undefined {
    checkDate(date);
    const base = this.baseImage(tag, date);
    if (!base) return undefined;
    const view = this.view(this.history.stateAt(date));
    const f = base.image.parsed;
    const sameVariant = view.images.filter((i) => i.parsed.variant === f.variant);
    const sameMinor = sameVariant.filter((i) => compareMinorOf(i.parsed.version, f.version) === 0);
    const newestPatch = newestOf(sameMinor.filter((i) => distroName(i) === distroName(base.image)));
    const newestDistro = this.onDefaultDistro(view, sameMinor);
    const stable = sameVariant.filter((i) => !i.parsed.version.pre);
    const top = newestOf(stable);
    let newestMinor: Image | undefined;
    if (top) {
      const ofTop = stable.filter((i) => compareMinorOf(i.parsed.version, top.parsed.version) === 0);
      const sameDistro = newestOf(ofTop.filter((i) => distroName(i) === distroName(base.image)));
      newestMinor =
        sameDistro && !this.distroEnded(sameDistro, date, policy)
          ? sameDistro
          : (this.onDefaultDistro(view, ofTop) ?? sameDistro);
    }
    return {
      tag,
      date,
      base: base.image.tag,
      ...(newestPatch ? { newestPatch: newestPatch.tag } : {}),
      ...(newestDistro ? { newestDistro: newestDistro.tag } : {}),
      ...(newestMinor ? { newestMinor: newestMinor.tag } : {}),
    };
  }

  // ------------------------------------------------------------------------------------------ life cycles

  pythonLifecycle(minor: string, date: IsoDate): PythonLifecycle | undefined {
    checkDate(date);
    if (!/^\d+\.\d+$/.test(minor)) return undefined;
    // The scan of every known tag is the costly part, and its answer never changes: kept per question.
    const key = `${minor}@${date}`;
    let hasPrerelease = this.prereleaseSeen.get(key);
    if (hasPrerelease === undefined) {
      const prefix = new RegExp(`^${minor.replace('.', '\\.')}(?:\\.0(?:a|b|rc)\\d+|-rc)(?:-|$)`);
      hasPrerelease = false;
      for (const t of this.history.knownTags()) {
        if (prefix.test(t) && (this.history.intervals(t)[0]?.from ?? '9999') <= date) {
          hasPrerelease = true;
          break;
        }
      }
      this.prereleaseSeen.set(key, hasPrerelease);
    }
    return pythonLifecycleAt(this.snapshot, minor, date, hasPrerelease);
  }

  distroLifecycle(
    distro: string | Distro,
    date: IsoDate,
    policy: DebianEolPolicy = 'security',
  ): DistroLifecycle | undefined {
    checkDate(date);
    if (typeof distro !== 'string') {
      if (distro.family === 'windows') return undefined;
      return distro.family === 'debian'
        ? debianLifecycleAt(this.snapshot, distro.name, date, policy)
        : alpineLifecycleAt(this.snapshot, distro.name, date, policy);
    }
    return /^(?:alpine-?)?\d+\.\d+(?:\.\d+)?$/i.test(distro)
      ? alpineLifecycleAt(this.snapshot, distro, date, policy)
      : debianLifecycleAt(this.snapshot, distro, date, policy);
  }

  libc(query: LibcQuery, date?: IsoDate): LibcInfo {
    let variant: Variant;
    let distro: Distro | undefined;
    if (typeof query === 'string' || 'raw' in query) {
      const parsed = typeof query === 'string' ? this.parse(query) : query;
      if (!parsed) return { family: null, version: null, exact: false, wheelPlatformMax: null };
      variant = parsed.variant;
      distro = parsed.distro;
      if (!distro && date !== undefined) {
        const resolved = this.resolve(parsed.raw, date);
        distro = resolved?.parsed.distro;
      }
    } else {
      variant = query.variant;
      distro =
        typeof query.distro === 'string'
          ? this.parse(distroTagText(variant, query.distro))?.distro
          : query.distro;
    }
    if (variant === 'windowsservercore' || variant === 'nanoserver')
      return libcOfDistro(this.snapshot, 'windows', '');
    if (!distro) {
      return {
        family: variant === 'alpine' ? 'musl' : 'glibc',
        version: null,
        exact: false,
        wheelPlatformMax: null,
      };
    }
    return libcOfDistro(this.snapshot, distro.family, distro.name);
  }

  newestPatch(minor: string, date: IsoDate): NewestPatch {
    checkDate(date);
    const lifecycle = pythonLifecycleAt(this.snapshot, minor, date, false);
    let published: TagVersion | undefined;
    let prerelease: TagVersion | undefined;
    for (const tag of this.history.listedAt(this.history.stateAt(date))) {
      const parsed = this.parse(tag);
      const v = parsed?.version;
      if (!parsed || !v || parsed.precision !== 'patch' || `${v.major}.${v.minor}` !== minor) continue;
      if (v.pre) {
        if (!prerelease || compareTagVersions(v, prerelease) > 0) prerelease = v;
      } else if (!published || compareTagVersions(v, published) > 0) published = v;
    }
    return {
      minor,
      date,
      ...(lifecycle?.latestPatch ? { released: lifecycle.latestPatch } : {}),
      ...(published ? { published: published.text } : {}),
      ...(prerelease ? { publishedPrerelease: prerelease.text } : {}),
    };
  }

  // ------------------------------------------------------------------------------------------ suggestions

  suggest(tag: string, date: IsoDate, n = 3): Suggestion[] {
    checkDate(date);
    // The catalog never changes, so one answer per (tag, date, n) serves every later question; a
    // monorepo asks the same few unknown tags thousands of times. Callers get their own copies.
    const key = `${n}\u0000${date}\u0000${tag}`;
    let answer = this.suggestions.get(key);
    if (!answer) {
      answer = this.computeSuggestions(tag, date, n);
      this.suggestions.set(key, answer);
    }
    return answer.map((s) => ({ ...s }));
  }

  /**
   * Tags listed before the date but not at it (removed since) whose length is within `within` of
   * `length`, as the per-length lists they are kept in (suggestions rank them). Tags first listed after
   * the date did not exist then and are left out. Indexed by length once per list state.
   */
  private unlistedAt(date: IsoDate, length: number, within: number): CandidateLists {
    const state = this.history.stateAt(date);
    let byLength = this.unlisted.get(state);
    if (!byLength) {
      const listed = new Set(this.history.listedAt(state));
      byLength = new Map();
      for (const t of this.history.knownTags()) {
        if (listed.has(t)) continue;
        const first = this.history.firstListedState(t);
        if (first === undefined || first > state) continue;
        const bucket = byLength.get(t.length);
        if (bucket) bucket.push(t);
        else byLength.set(t.length, [t]);
      }
      this.unlisted.set(state, byLength);
    }
    // A tag further than `within` in length is further than that in edit distance too. The lists
    // are handed out as they are kept, so that suggestions group each one by shape only once.
    const lists: string[][] = [];
    for (let l = Math.max(0, length - within); l <= length + within; l++) {
      const bucket = byLength.get(l);
      if (bucket) lists.push(bucket);
    }
    return { lists };
  }

  private computeSuggestions(tag: string, date: IsoDate, n: number): Suggestion[] {
    // Every python tag is lower case: a tag written in another case (`3.12-SLIM`) is first of all
    // that tag, when it exists at the date; the others are the ones near the lower-case text.
    const lower = tag.toLowerCase();
    if (lower !== tag) {
      const near = this.suggest(lower, date, n).filter((s) => s.tag !== lower);
      const status = this.tagStatus(lower, date);
      if (!status.published && status.removedOn === undefined) return near;
      return [{ tag: lower, published: status.published, distance: 0 }, ...near].slice(0, n);
    }
    const parsedInput = this.parse(tag) ?? parseTagPartial(tag);
    const listed = this.history.listedAt(this.history.stateAt(date));
    const limit = Math.max(3, Math.floor(tag.length / 3));
    // Only the first n of each ranking within the limit are read below, so the search is bounded by
    // it; the unbounded ranking is only needed when nothing at all is within the limit.
    const nowRanked = nearest(tag, parsedInput, listed, this.parse, n, limit);
    const out: Suggestion[] = [];
    for (const s of nowRanked) {
      if (out.length >= n || s.score > limit) break;
      out.push({ tag: s.tag, published: true, distance: s.score });
    }
    if (out.length < n) {
      // Only tags within the limit are taken from this list, so the search is bounded by it.
      for (const s of nearest(
        tag,
        parsedInput,
        this.unlistedAt(date, tag.length, limit),
        this.parse,
        n,
        limit,
      )) {
        if (out.length >= n || s.score > limit) break;
        out.push({ tag: s.tag, published: false, distance: s.score });
      }
    }
    if (out.length === 0) {
      for (const s of nearest(tag, parsedInput, listed, this.parse, n)) {
        out.push({ tag: s.tag, published: true, distance: s.score });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------ data

  dataAge(date: IsoDate): DataAge {
    checkDate(date);
    const ageDays = daysBetween(this.snapshot.dataDate, date);
    return {
      dataDate: this.snapshot.dataDate,
      ageDays,
      stale: ageDays > staleAfterDays,
      tagListCheckedAt: this.snapshot.tagList.checkedAt,
      beyondData: date > this.snapshot.tagList.checkedAt,
    };
  }

  sources(): Record<string, SourceProvenance> {
    return this.snapshot.sources;
  }

  architecturesRecordedFrom(): IsoDate | undefined {
    let oldest: IsoDate | undefined;
    for (const { list } of this.lists()) if (oldest === undefined || list.date < oldest) oldest = list.date;
    return oldest;
  }
}

/** A version-less tag text for a variant and a distro written alone (`slim-trixie`, `alpine3.23`). */
function distroTagText(variant: Variant, distro: string): string {
  if (variant === 'slim') return `slim-${distro}`;
  if (variant === 'alpine') return distro.startsWith('alpine') ? distro : `alpine${distro}`;
  if (variant === 'windowsservercore' || variant === 'nanoserver') return `${variant}-${distro}`;
  return distro;
}

/** What the tag grammar could read of a text outside it (the parser's `partial` data), for suggestions. */
function parseTagPartial(text: string): Partial<PythonTag> | undefined {
  try {
    return parseTag(text);
  } catch (error) {
    if (isPybaseError(error)) return error.diagnostic.data?.partial as Partial<PythonTag> | undefined;
    return undefined;
  }
}

function compareMinorOf(a: TagVersion, b: TagVersion): number {
  return a.major - b.major || (a.minor ?? -1) - (b.minor ?? -1);
}

function newestOf(images: Image[]): Image | undefined {
  let best: Image | undefined;
  for (const image of images)
    if (!best || compareTagVersions(image.parsed.version, best.parsed.version) > 0) best = image;
  return best;
}

/** A catalog over the embedded snapshot, or over a refreshed snapshot file. */
export function createCatalog(options: CatalogOptions = {}): Catalog {
  return new SnapshotCatalog(loadSnapshot(options.snapshotPath));
}
