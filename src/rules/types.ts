/**
 * The shape of a pybase rule: stable code, kebab-case name, default severity per stage, the same
 * documentation sections for every rule, and one function from a context to findings.
 */
import type { DebianEolPolicy } from '../catalog/lifecycle.js';
import type { PythonPatchRelease } from '../catalog/patch-releases.js';
import type { IsoDate } from '../model/date.js';
import type { Diagnostic, Severity, SourceRange } from '../model/diagnostic.js';
import type { Distro, ImageRef } from '../model/image-ref.js';
import type { Arch } from '../model/platform.js';
import type { ExtractedReference, Extraction, StageBaseReference } from '../model/project.js';
import type { Stage } from '../model/stage.js';

/** A severity, or `off` for a rule that does not apply in a stage. */
export type RuleLevel = Severity | 'off';

export type StageSeverities = Record<Stage, RuleLevel>;

export interface RuleOptionDoc {
  /** Configuration key under `[tool.pybase]`, e.g. `eol-window-days`. */
  key: string;
  description: string;
  default: string;
}

export interface RuleDocs {
  whatItDoes: string;
  whyIsThisBad: string;
  /** A short file excerpt that triggers the rule (Dockerfile unless `exampleLanguage` says otherwise). */
  example: string;
  useInstead: string;
  exampleLanguage?: 'dockerfile' | 'yaml' | 'toml' | 'text';
  /** What `pybase fix` (or the user) does about it, and how safe that is. */
  fix: string;
  options: RuleOptionDoc[];
}

/** libc of an image: glibc on Debian, musl on Alpine; version as `2.41` / `1.2.5`. */
export interface ImageLibc {
  family: 'glibc' | 'musl';
  version?: string;
}

/** What a python tag stands for at a date: for floating tags, what it resolves to. */
export interface ImageFacts {
  /** Python version the image carries (`3.12.14`, `3.15.0rc1`) when known. */
  python?: string;
  /** `3.12` */
  minor?: string;
  distro?: Distro;
  libc?: ImageLibc;
  /** Linux architectures the image is published for, when the tag is listed at the date and the data knows them. */
  architectures?: Arch[];
}

export type { DebianEolPolicy };

export type ImageState =
  /** Published and still rebuilt at the date. */
  | 'current'
  /** Published once, no longer listed at the date: the image never changes again. */
  | 'frozen'
  /** Never published up to the date (`firstListed` says when it was, if it was later). */
  | 'unknown';

export interface ImageStatus {
  state: ImageState;
  /** For `frozen`: the first date it was no longer listed. */
  since?: IsoDate;
  /** For `unknown`: the first date the tag was listed, when that is after the date (not yet published then). */
  firstListed?: IsoDate;
  /** For `frozen`: the tag that carries the same line today (same variant, newest patch / distro). */
  replacement?: string;
  /** What the tag resolves to at the date (or, for a frozen tag, what it carried last). */
  facts: ImageFacts;
}

/**
 * The knowledge rules consult. Implemented over the catalog by src/check/catalog-view.ts; tests
 * may pass their own.
 */
export interface RuleCatalog {
  /** Date of the newest fact in the data. */
  dataDate: IsoDate;
  status(tag: string, date: IsoDate): ImageStatus;
  /** Tags close to `tag` that exist at the date (published then first), best first. */
  suggest(tag: string, date: IsoDate): string[];
  /** End of life of a Python minor (`3.12`), undefined when the data does not know it. */
  pythonEol(minor: string): IsoDate | undefined;
  /** End of life of a distro release under the Debian policy. */
  distroEol(distro: Distro, policy: DebianEolPolicy): IsoDate | undefined;
  /** Final patch releases of a minor with their dates, oldest first. */
  patchReleases(minor: string): PythonPatchRelease[];
  /**
   * The images of the other final Python minors published at the date in the variant and distro
   * family of a fully specified tag: per minor, its newest patch on the tag's distro release when
   * that minor is published there, else on the newest release of the family. Oldest minor first;
   * empty for a tag that is not fully specified.
   */
  otherPythons(tag: string, date: IsoDate): OtherPython[];
}

/** An image of another Python minor, beside the one a reference names (see `otherPythons`). */
export interface OtherPython {
  /** `3.11` */
  minor: string;
  /** `3.11.16` */
  python: string;
  /** The fully specified tag: `3.11.16-slim-trixie`. */
  tag: string;
}

/** A python image reference with everything rules need to judge it. */
export interface PythonReference {
  ref: ExtractedReference;
  /** The text judged: `resolved` when substitution made it concrete, else `text`. */
  text: string;
  image: ImageRef;
  /** Undefined when the tag is outside the grammar (`image.tagError`). */
  status?: ImageStatus;
}

export interface RuleOptions {
  eolWindowDays: number;
  debianEolPolicy: DebianEolPolicy;
  /** Registry hosts allowed (`docker.io` for Docker Hub); empty means any. */
  allowedRegistries: string[];
  /** Architectures the images are built for (configuration `archs`, normalized; default amd64, arm64v8). */
  archs: Arch[];
  /**
   * Months of support a Python must have left to be worth moving to, per stage: the recommendation
   * policy's `min-support-months` (a builder stage ships in production, so it takes `prod`'s).
   */
  minSupportMonths: Record<Stage, number>;
}

/**
 * Everything a rule may look at. Dependency rules (PB2xx) read `dependencies`, filled by whoever
 * extracts them; other rules ignore it.
 */
export interface RuleContext {
  date: IsoDate;
  extraction: Extraction;
  /** Python references whose text is concrete (no unresolved variable). */
  python: PythonReference[];
  /** References with unresolved variables that may name the python image. */
  unresolved: ExtractedReference[];
  stageBases: StageBaseReference[];
  catalog: RuleCatalog;
  options: RuleOptions;
  dependencies?: unknown;
}

export interface Rule {
  code: string;
  name: string;
  /** One line, for `pybase rules`. */
  summary: string;
  defaultSeverity: StageSeverities;
  docs: RuleDocs;
  check(context: RuleContext): Diagnostic[];
}

export interface FindingInput {
  stage: Stage;
  message: string;
  location: SourceRange;
  /** Where the values the finding judges are written, when not at `location` (see Diagnostic). */
  related?: SourceRange[];
  hint?: string;
  data?: Record<string, unknown>;
  fix?: Diagnostic['fix'];
}
