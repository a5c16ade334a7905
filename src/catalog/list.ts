/**
 * The images the official python repository publishes at a date, grouped by Python minor and
 * variant, each with its status: the library side of `pybase tags`.
 */

import { addDays, daysBetween, type IsoDate } from '../model/date.js';
import type { PythonTag } from '../model/image-ref.js';
import type { Arch } from '../model/platform.js';
import type { Catalog, DebianEolPolicy, DistroLifecycle, PythonLifecycle } from './catalog.js';
import { compareTagVersions, isFullySpecified, minorOf, parseTag, tryParseTag } from './tag.js';

export type ListedImageStatus = 'supported' | 'eol-soon' | 'eol' | 'prerelease' | 'frozen';

export interface ListedImage {
  /** The fully specified tag (`3.12.14-slim-trixie`). */
  fullTag: string;
  /** Every tag naming this image at the date, the full tag first. */
  tags: string[];
  minor: string;
  variant: PythonTag['variant'];
  distro?: string;
  /** For a frozen image, those of its last listing; undefined when the data does not record them. */
  architectures?: Arch[];
  python?: PythonLifecycle;
  distroLifecycle?: DistroLifecycle;
  status: ListedImageStatus;
  /** Why the status is what it is, in words. */
  note?: string;
  /** Frozen images only: when the tag stopped being listed, and what replaced it. */
  frozenSince?: IsoDate;
  replacement?: string;
}

export interface ListOptions {
  catalog: Catalog;
  date: IsoDate;
  /**
   * `3.12`, `slim`, `alpine`, `3.12-slim`, `trixie`, `rc`: every part written must match (any case).
   * `latest`, which names no part, keeps the images the tag `latest` names (the Linux one and the
   * Windows ones of its manifest list). Throws a PybaseError when the filter is not a tag.
   */
  filter?: string;
  arch?: Arch;
  debianEol?: DebianEolPolicy;
  eolWindowDays?: number;
  /** Also list fully specified tags that stopped being rebuilt within this many days before the date. */
  frozenWithinDays?: number;
}

function matches(tag: PythonTag, filter: PythonTag | undefined): boolean {
  if (!filter) return true;
  const v = filter.version;
  if (v) {
    const t = tag.version;
    if (!t || t.major !== v.major) return false;
    if (v.minor !== undefined && t.minor !== v.minor) return false;
    if (v.patch !== undefined && t.patch !== v.patch) return false;
  }
  if (filter.prerelease && !tag.prerelease) return false;
  if (filter.variant !== 'full' && tag.variant !== filter.variant) return false;
  if (filter.distro && tag.distro?.name !== filter.distro.name) return false;
  return true;
}

function statusOf(
  python: PythonLifecycle | undefined,
  distro: DistroLifecycle | undefined,
  date: IsoDate,
  window: number,
): { status: ListedImageStatus; note?: string } {
  if (python?.status === 'prerelease') return { status: 'prerelease', note: 'pre-release Python' };
  if (python?.status === 'eol') return { status: 'eol', note: `Python ${python.minor} end of life` };
  if (distro?.endOfLifeReached) return { status: 'eol', note: `${distro.name} end of life` };
  const soon = (d: IsoDate | true | undefined) => typeof d === 'string' && daysBetween(date, d) <= window;
  if (soon(python?.endOfLife))
    return { status: 'eol-soon', note: `Python ${python?.minor} end of life ${python?.endOfLife}` };
  if (soon(distro?.endOfLife))
    return { status: 'eol-soon', note: `${distro?.name} end of life ${distro?.endOfLife}` };
  return { status: 'supported' };
}

/** List the images published at the date (newest Python first), optionally with recently frozen tags. */
export function listImages(options: ListOptions): ListedImage[] {
  const { catalog, date } = options;
  const window = options.eolWindowDays ?? 180;
  const filter = options.filter ? parseTag(options.filter.toLowerCase()) : undefined;
  const images: ListedImage[] = [];

  const describe = (
    fullTag: string,
    parsed: PythonTag,
    tags: string[],
    architectures: Arch[] | undefined,
  ) => {
    const minor = minorOf(parsed) ?? String(parsed.version?.major ?? '');
    const python = catalog.pythonLifecycle(minor, date);
    const distroLifecycle =
      parsed.distro && parsed.distro.family !== 'windows'
        ? catalog.distroLifecycle(parsed.distro, date, options.debianEol ?? 'security')
        : undefined;
    return {
      fullTag,
      tags,
      minor,
      variant: parsed.variant,
      ...(parsed.distro ? { distro: parsed.distro.text } : {}),
      ...(architectures ? { architectures } : {}),
      ...(python ? { python } : {}),
      ...(distroLifecycle ? { distroLifecycle } : {}),
      ...statusOf(python, distroLifecycle, date, window),
    };
  };

  for (const tag of catalog.publishedTags(date)) {
    const parsed = tryParseTag(tag);
    if (!parsed || !isFullySpecified(parsed) || !matches(parsed, filter)) continue;
    const resolution = catalog.resolve(tag, date);
    if (!resolution || resolution.fullTag !== tag) continue;
    if (options.arch && resolution.architectures && !resolution.architectures.includes(options.arch))
      continue;
    const tags = [tag, ...resolution.sameImage.filter((t) => t !== tag)];
    if (filter?.latest && !tags.includes('latest')) continue;
    images.push(describe(tag, parsed, tags, resolution.architectures));
  }

  // A frozen tag is named by no floating tag any more, `latest` included.
  if (options.frozenWithinDays !== undefined && !filter?.latest) {
    const from = addDays(date, -options.frozenWithinDays);
    for (const tag of catalog.allKnownTags()) {
      const parsed = tryParseTag(tag);
      if (!parsed || !isFullySpecified(parsed) || !matches(parsed, filter)) continue;
      const status = catalog.tagStatus(tag, date);
      if (status.published || !status.removedOn || status.removedOn < from || status.removedOn > date)
        continue;
      const rebuild = catalog.rebuildStatus(tag, date);
      // Its architectures are those of its last day on the list (from the nearest recorded list).
      const last = catalog.resolve(tag, addDays(status.removedOn, -1));
      const architectures = last?.fullTag === tag ? last.architectures : undefined;
      if (options.arch && architectures && !architectures.includes(options.arch)) continue;
      const item = describe(tag, parsed, [tag], architectures);
      images.push({
        ...item,
        status: 'frozen',
        note: 'no longer rebuilt',
        frozenSince: status.removedOn,
        ...(rebuild.replacement ? { replacement: rebuild.replacement.tag } : {}),
      });
    }
  }

  const variantOrder = ['full', 'slim', 'alpine', 'windowsservercore', 'nanoserver', 'onbuild'];
  return images.sort((a, b) => {
    const pa = parseTag(a.fullTag);
    const pb = parseTag(b.fullTag);
    const byMinor = compareTagVersions(parseTag(b.minor).version!, parseTag(a.minor).version!);
    if (byMinor !== 0) return byMinor;
    const byVariant = variantOrder.indexOf(a.variant) - variantOrder.indexOf(b.variant);
    if (byVariant !== 0) return byVariant;
    if ((a.status === 'frozen') !== (b.status === 'frozen')) return a.status === 'frozen' ? 1 : -1;
    return compareTagVersions(pb.version!, pa.version!) || a.fullTag.localeCompare(b.fullTag);
  });
}
