/**
 * Which image each listed tag names, derived from the tag grammar and one state of the tag list.
 *
 * An *image* is named by the fully specified tag the list carries for it (`3.12.14-slim-trixie`,
 * `3.14.7-windowsservercore-ltsc2022`). Every other listed tag is an alias whose meaning follows from
 * what else is listed at that moment:
 * - a minor (`3.12`) names the newest listed patch of that minor, for the same variant and distro;
 *   a pre-release line (`3.15-rc`) names the newest listed pre-release of that minor;
 * - a major (`3`) and a version-less tag (`latest`, `slim`, `alpine3.23`, `trixie`) name the newest
 *   stable minor listed; the version-less `rc` names the newest pre-release line;
 * - a Linux tag without distro names the newest distro listed for that version and variant (newest
 *   Debian release, newest Alpine release);
 * - a Windows tag without build (`3.14-windowsservercore`) is a manifest list over every listed build;
 *   a tag without variant and distro (`3.14`, `latest`) spans Linux and Windows: it names the default
 *   Linux image and every Windows build of the same version.
 * The catalog's tests check these rules against every entry of the eight recorded tag lists.
 */

import type { Distro, PythonTag, TagVersion } from '../model/image-ref.js';
import { compareTagVersions, isFullySpecified } from './tag.js';

export interface Image {
  /** The fully specified tag (or, see `implicitDistro`, the most specific tag listed for the image). */
  tag: string;
  parsed: PythonTag & { version: TagVersion };
  windows: boolean;
  /**
   * Older lists (before 2018) had images whose distro no tag spelt out (`3.6.2-slim` was jessie, with
   * no `3.6.2-slim-jessie`): such an image is named by its patch tag, and only tags without distro
   * name it.
   */
  implicitDistro: boolean;
}

/** The distro (or Windows build) name of an image; '' when no tag spells it out. */
export function distroName(image: Image): string {
  return image.parsed.distro?.name ?? '';
}

export type DistroRank = (distro: Distro) => number;

const windowsVariants = new Set(['windowsservercore', 'nanoserver']);

/** Order of Windows builds: `ltsc2016` < `1709` < `1809` < `ltsc2022` < `ltsc2025`. */
export function windowsBuildRank(name: string): number {
  const ltsc = /^(?:ltsc|sac)(\d{4})$/.exec(name);
  if (ltsc) return Number(ltsc[1]) * 100;
  const build = /^(\d{2})(\d{2})$/.exec(name);
  if (build) return (2000 + Number(build[1])) * 100 + Number(build[2]);
  return 0;
}

function minorKey(v: TagVersion): string {
  return `${v.major}.${v.minor ?? ''}`;
}

function compareMinor(a: TagVersion, b: TagVersion): number {
  return a.major - b.major || (a.minor ?? -1) - (b.minor ?? -1);
}

/** The tags listed at one moment, and the images they name. */
export class ListView {
  /** Images, Linux first, then Windows from the newest build down. */
  readonly images: Image[];
  private readonly newestStable?: TagVersion;
  private readonly newestPre?: TagVersion;
  private readonly newestStableOfMajor = new Map<number, TagVersion>();
  private readonly defaultDistro = new Map<string, string>();
  private readonly newestInLine = new Map<string, TagVersion>();
  private sameImageIndex?: Map<string, string[]>;

  constructor(
    readonly tags: readonly string[],
    private readonly parse: (tag: string) => PythonTag | undefined,
    private readonly distroRank: DistroRank,
  ) {
    const images: Image[] = [];
    const patchTags: PythonTag[] = [];
    for (const tag of tags) {
      const parsed = parse(tag);
      if (!parsed?.version || parsed.precision !== 'patch' || parsed.rcLine) continue;
      if (isFullySpecified(parsed)) {
        images.push({
          tag,
          parsed: parsed as Image['parsed'],
          windows: windowsVariants.has(parsed.variant),
          implicitDistro: false,
        });
      } else if (!parsed.distro) patchTags.push(parsed);
    }
    const specified = new Set(images.map((i) => `${i.parsed.version.text}|${i.parsed.variant}`));
    for (const parsed of patchTags) {
      if (specified.has(`${parsed.version?.text}|${parsed.variant}`)) continue;
      images.push({
        tag: parsed.raw,
        parsed: parsed as Image['parsed'],
        windows: windowsVariants.has(parsed.variant),
        implicitDistro: true,
      });
    }
    images.sort((a, b) => {
      if (a.windows !== b.windows) return a.windows ? 1 : -1;
      if (a.windows)
        return windowsBuildRank(b.parsed.distro?.name ?? '') - windowsBuildRank(a.parsed.distro?.name ?? '');
      return 0;
    });
    this.images = images;

    for (const image of images) {
      const v = image.parsed.version;
      const pre = v.pre !== undefined;
      if (pre) {
        if (!this.newestPre || compareMinor(v, this.newestPre) > 0) this.newestPre = v;
      } else {
        if (!this.newestStable || compareMinor(v, this.newestStable) > 0) this.newestStable = v;
        const ofMajor = this.newestStableOfMajor.get(v.major);
        if (!ofMajor || compareMinor(v, ofMajor) > 0) this.newestStableOfMajor.set(v.major, v);
      }
      const line = this.lineKey(image);
      const newest = this.newestInLine.get(line);
      if (!newest || compareTagVersions(v, newest) > 0) this.newestInLine.set(line, v);
      const distro = image.parsed.distro;
      if (!image.windows && distro) {
        const key = `${v.text}|${image.parsed.variant}`;
        const current = this.defaultDistro.get(key);
        if (
          current === undefined ||
          this.distroRank(distro) > this.distroRank({ ...distro, name: current })
        ) {
          this.defaultDistro.set(key, distro.name);
        }
      }
    }
  }

  /** Minor, stable or pre-release, variant and distro: the images one floating minor tag chooses from. */
  private lineKey(image: Image): string {
    const v = image.parsed.version;
    return `${minorKey(v)}|${v.pre ? 'pre' : 'final'}|${image.parsed.variant}|${image.parsed.distro?.name ?? ''}`;
  }

  private isNewestInLine(image: Image): boolean {
    const newest = this.newestInLine.get(this.lineKey(image));
    return newest !== undefined && compareTagVersions(image.parsed.version, newest) === 0;
  }

  /** The default distro of a version and variant at this moment (newest Debian or Alpine listed). */
  defaultDistroOf(versionText: string, variant: string): string | undefined {
    return this.defaultDistro.get(`${versionText}|${variant}`);
  }

  /** The newest stable minor listed (what `latest` follows). */
  newestStableMinor(): TagVersion | undefined {
    return this.newestStable;
  }

  /** The newest pre-release line listed (what `rc` follows). */
  newestPrereleaseMinor(): TagVersion | undefined {
    return this.newestPre;
  }

  /** True when `tag` names `image` at this moment. */
  names(tag: PythonTag, image: Image): boolean {
    const f = image.parsed;
    if (
      tag.variant !== f.variant &&
      !(tag.variant === 'full' && !tag.distro && f.variant === 'windowsservercore')
    ) {
      return false;
    }
    if (tag.distro) {
      if (!f.distro || tag.distro.family !== f.distro.family || tag.distro.name !== f.distro.name)
        return false;
    } else if (
      f.distro &&
      !image.windows &&
      this.defaultDistroOf(f.version.text, f.variant) !== f.distro.name
    ) {
      return false;
    }
    const fv = f.version;
    const pre = fv.pre !== undefined;
    const tv = tag.version;
    if (!tv) {
      if (tag.rcLine) {
        return (
          pre &&
          this.newestPre !== undefined &&
          compareMinor(fv, this.newestPre) === 0 &&
          this.isNewestInLine(image)
        );
      }
      return (
        !pre &&
        this.newestStable !== undefined &&
        compareMinor(fv, this.newestStable) === 0 &&
        this.isNewestInLine(image)
      );
    }
    if (tv.major !== fv.major) return false;
    switch (tag.precision) {
      case 'major': {
        const newest = this.newestStableOfMajor.get(tv.major);
        return !pre && newest !== undefined && compareMinor(fv, newest) === 0 && this.isNewestInLine(image);
      }
      case 'minor':
        return tv.minor === fv.minor && pre === tag.rcLine && this.isNewestInLine(image);
      case 'patch':
        return compareTagVersions(tv, fv) === 0;
      default:
        return false;
    }
  }

  /** The images a tag names at this moment: the Linux one first, then Windows builds, newest first. */
  candidates(tag: PythonTag): Image[] {
    return this.images.filter((image) => this.names(tag, image));
  }

  /** Every listed tag naming the image with fully specified tag `imageTag`, in code-unit order. */
  sameImage(imageTag: string): string[] {
    // Answered per image and remembered: testing every listed tag against the images with this
    // tag only, rather than building the answer for every image at once (tags x images tests,
    // about 5 ms on the first call of `pybase tag`, which asks about one image).
    this.sameImageIndex ??= new Map();
    let list = this.sameImageIndex.get(imageTag);
    if (!list) {
      const images = this.images.filter((image) => image.tag === imageTag);
      list = [];
      for (const tag of this.tags) {
        const parsed = this.parse(tag);
        if (!parsed) continue;
        for (const image of images) if (this.names(parsed, image)) list.push(tag);
      }
      list.sort();
      this.sameImageIndex.set(imageTag, list);
    }
    return list;
  }

  image(tag: string): Image | undefined {
    return this.images.find((i) => i.tag === tag);
  }
}
