/**
 * Typed values for references to the official python image and the tags it publishes.
 * Parsing and formatting live in src/catalog/tag.ts and src/catalog/reference.ts.
 */

/** How much of the Python version a tag names. */
export type Precision = 'none' | 'major' | 'minor' | 'patch';

/** A PEP 440 style pre-release segment: `a2`, `b3`, `rc1`. */
export interface PreRelease {
  kind: 'a' | 'b' | 'rc';
  number: number;
}

export interface TagVersion {
  major: number;
  minor?: number;
  patch?: number;
  /** `3.15.0rc1` */
  pre?: PreRelease;
  /** The version exactly as written. */
  text: string;
}

export type Variant = 'full' | 'slim' | 'alpine' | 'windowsservercore' | 'nanoserver' | 'onbuild';

export type DistroFamily = 'debian' | 'alpine' | 'windows';

export interface Distro {
  family: DistroFamily;
  /** Debian codename (`trixie`), Alpine release (`3.23`), or Windows build (`ltsc2022`, `1809`). */
  name: string;
  /** The distro part exactly as written in the tag (`trixie`, `alpine3.23`, `ltsc2022`). */
  text: string;
}

/** A python image tag split into its parts. */
export interface PythonTag {
  /** The tag exactly as written. */
  raw: string;
  /** Absent for version-less tags (`latest`, `slim`, `alpine3.23`, `rc`). */
  version?: TagVersion;
  precision: Precision;
  /** A pre-release version (`3.15.0rc1`) or a pre-release line (`3.15-rc`, `rc`). */
  prerelease: boolean;
  /** The floating pre-release line: `3.15-rc`, or the version-less `rc`. */
  rcLine: boolean;
  variant: Variant;
  /** Absent when the tag leaves the distro to the image's default (`3.12-slim`). */
  distro?: Distro;
  /** True for `latest`. */
  latest: boolean;
}

/** Where the reference points: Docker Hub (under any of its names), a known public mirror, or a configured one. */
export type RegistryKind = 'docker-hub' | 'mirror' | 'configured' | 'other';

/** A parsed image reference, python or not. */
export interface ImageRef {
  /** The reference exactly as written. */
  raw: string;
  /** Registry host as written (`docker.io`, `mirror.gcr.io`), absent when the reference names none. */
  registry?: string;
  /** Repository path as written after the registry (`python`, `library/python`, `docker/library/python`). */
  repository: string;
  /** The tag as written, absent when none is written. */
  tag?: string;
  /** `sha256:<64 hex>` when present. */
  digest?: string;
  /** True when this reference names the official python image. */
  isPython: boolean;
  registryKind: RegistryKind;
  /** The parsed tag; present for python references whose tag is in the grammar (`latest` when none is written). */
  python?: PythonTag;
  /** Why the tag of a python reference could not be read (then `python` is absent). */
  tagError?: string;
  /** Per-architecture repositories of the official image (`arm64v8/python`). */
  archNamespace?: string;
}
