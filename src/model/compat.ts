/**
 * Which candidate images can install a project's dependencies: the result of the dependency
 * engine (src/deps/), consumed by `pybase deps`, the PB2xx rules of `pybase check`, and
 * `pybase recommend`.
 */

import type { IsoDate } from './date.js';
import type { Diagnostic } from './diagnostic.js';
import type { Variant } from './image-ref.js';
import type { Arch } from './platform.js';

/** What installing one package on one image comes down to. */
export type Verdict = 'wheel' | 'pure' | 'sdist-build' | 'unavailable' | 'unknown';

export const verdicts: readonly Verdict[] = ['wheel', 'pure', 'sdist-build', 'unavailable', 'unknown'];

/** A fully specified python image published at the date, as a target for installing dependencies. */
export interface ImageCandidate {
  /** `3.12.14-slim-trixie` */
  tag: string;
  /** `3.12` */
  python: string;
  /** `3.12.14` (or `3.15.0rc1`) */
  pythonVersion: string;
  prerelease: boolean;
  variant: Variant;
  /** `trixie`, `alpine3.23` */
  distro: string;
  libc: { family: 'glibc' | 'musl'; version: string };
  /** Architectures the image is published for. */
  architectures: Arch[];
  /** True for the full (non-slim, non-alpine) Debian images, which ship a C compiler and headers. */
  hasCompiler: boolean;
}

/** One package judged on one image and architecture. */
export interface PackageVerdict {
  /** PEP 503 name. */
  name: string;
  version?: string;
  verdict: Verdict;
  /** In words: "numpy 1.24.4 publishes no cp312 wheel ...". */
  reason: string;
  /** The file pip would install, when one does. */
  file?: string;
}

/** All packages on one image and architecture. */
export interface ImageCompatibility {
  image: ImageCandidate;
  arch: Arch;
  counts: Record<Verdict, number>;
  /** Packages whose marker excludes them on this target are left out. */
  packages: PackageVerdict[];
  /** True when every package installs from a wheel (binary or pure) on this image and architecture. */
  allFromWheels: boolean;
  /**
   * True when nothing is `unavailable` and every `sdist-build` can be built here: the image has a
   * compiler, or the package has no binary wheel anywhere (an sdist-only release, built by pip alone).
   */
  installable: boolean;
  /**
   * Set when the project's own requires-python (as the dependency file states it) excludes the
   * image's Python, in words; such an image is not `installable`.
   */
  excludedByProject?: string;
}

/** Per package, across every image: facts the rules and the recommendation quote. */
export interface PackageSummary {
  name: string;
  version?: string;
  /** True when the package ships at least one platform-specific (binary) wheel. */
  hasBinaryWheels: boolean;
  /** True when some musllinux wheel exists among its files. */
  hasMusllinuxWheel: boolean;
  /** The lowest glibc its best manylinux wheels need on each architecture (`2.28`), when binary. */
  glibcFloor?: Partial<Record<Arch, string>>;
  /** Python minors (`3.12`) for which a binary wheel exists. */
  wheelPythons?: string[];
}

export interface CompatibilityReport {
  date: IsoDate;
  /** The dependency file read. */
  source?: { file: string; kind: string };
  archs: Arch[];
  images: ImageCompatibility[];
  packages: PackageSummary[];
  /** Dependencies that cannot be judged (VCS, URL, path, editable) and look-up failures. */
  diagnostics: Diagnostic[];
  /** True when some verdicts are `unknown` because pybase was offline and the lock named no files. */
  incomplete: boolean;
}
