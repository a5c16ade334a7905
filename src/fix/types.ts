/**
 * The shapes the fixer works with: what to change (edits with exact ranges), how to choose the new
 * tag (modes), and what came out (applied and dropped edits, diagnostics, per-file texts).
 */

import type { DependencyFacts } from '../deps/facts.js';
import type { IsoDate } from '../model/date.js';
import type { Diagnostic, SourceRange } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import type { Stage } from '../model/stage.js';

/**
 * What an edit does: `patch`, `minor` and `distro` move the tag (named after the largest change);
 * `pin` adds a digest where none was written; `refresh` replaces a stale digest and keeps the tag.
 */
export type EditKind = 'refresh' | 'patch' | 'minor' | 'distro' | 'pin';

/** How far a bump may go. */
export type BumpMode = 'patch' | 'minor' | 'distro';

/** A value the edited file must hold after re-parsing, at the place of an extracted reference or statement. */
export interface ExpectedValue {
  what: 'reference' | 'version';
  /** The range of the reference or statement in the original text (for ARG edits: the FROM, not the ARG). */
  range: SourceRange;
  /** The reference or version as it resolved before the edit. */
  before: string;
  /** What it must resolve to after the edit. */
  after: string;
}

/** One splice: replace `before` (exactly the text at `range`) with `after`. */
export interface Edit {
  /** Path relative to the root, '/' separators. */
  file: string;
  /** The replaced text's range; offsets are computed from lines and columns when the extractor left them out. */
  range: SourceRange;
  before: string;
  after: string;
  kind: EditKind;
  /** One sentence for people: what changes and why. */
  reason: string;
  /** What re-parsing the edited file must find (every FROM an ARG default feeds, for example). */
  expect: ExpectedValue[];
  /**
   * The range is a YAML scalar, or the inside of a quoted one. Written into a plain scalar, a new text
   * that YAML would read as something else (`3.10` is the number 3.1) is put in single quotes, and
   * the re-read compares the value YAML parses there, as a string, with the intended one.
   */
  yamlScalar?: boolean;
}

/** Where the new tag comes from. */
export type FixTarget =
  | { kind: 'bump'; bump: BumpMode }
  /** One tag for every python reference (`--to 3.13-slim-trixie`). */
  | { kind: 'to'; tag: string }
  /** A tag per stage, as the recommendation engine proposes it (`--to recommended`). */
  | { kind: 'recommended'; tags: Partial<Record<Stage, string>> };

/** Resolves the digest (`sha256:<64 hex>`) a reference's tag points to today. */
export type DigestResolver = (reference: string) => Promise<string>;

export interface PlanOptions {
  /** The date every judgement is made at. */
  date: IsoDate;
  /** Default: `{ kind: 'bump', bump: 'patch' }`. */
  target?: FixTarget;
  /** Add or refresh `@sha256:` digests (needs `resolveDigest`). */
  pinDigest?: boolean;
  resolveDigest?: DigestResolver;
  /** Extra places the python image is served from (as in the reference parser). */
  mirrors?: readonly string[];
  /**
   * The project's locked dependencies, read offline. With `--bump minor` a new Python minor is only
   * chosen when they install there no worse than on the image's current Python (see
   * {@link DependencyRefusal}); absent: the dependencies are not judged.
   */
  dependencies?: DependencyFacts;
}

/** A locked package that installs from a wheel on the current image and would not on the new one. */
export interface DependencyBlocker {
  /** PEP 503 name. */
  name: string;
  version?: string;
  /** What installing it comes to on the new image: a source build, or no way at all. */
  verdict: 'sdist-build' | 'unavailable';
  /** On the current image: a binary or pure wheel, or not installed there (its marker excludes it). */
  was: 'wheel' | 'pure' | 'absent';
  /** The architectures (of those judged) where this happens. */
  archs: Arch[];
  /** The dependency engine's words, on the first of those architectures. */
  reason: string;
}

/** Why the locked dependencies refuse a move to a new Python minor. */
export interface DependencyRefusal {
  /** The tag the bump would have written (`3.14.7-slim-trixie`). */
  tag: string;
  /** The image judged for it, fully specified (`3.14.7-slim-trixie`), when pybase can place it. */
  image?: string;
  /** Packages that install from wheels on the current image and would not on the new one. */
  blockers: DependencyBlocker[];
  /** Set when the dependency file's own Python constraint excludes the new Python, in words. */
  excluded?: string;
  /** Set when pybase cannot tell which image one of the two tags is, so nothing could be compared. */
  unplaced?: string;
}

export interface Plan {
  edits: Edit[];
  /** Why references were left alone, and what could not be done. */
  diagnostics: Diagnostic[];
  /** The dependency file `--bump minor` judged its moves with (relative to the root), and on which architectures. */
  dependencies?: { file: string; archs: Arch[] };
}

/** One file before and after its edits (text as stored, byte-order mark included). */
export interface FileChange {
  file: string;
  before: string;
  after: string;
  edits: Edit[];
}

export interface ApplyResult {
  /** Files whose edits all passed verification (written unless it was a dry run). */
  changes: FileChange[];
  /** Edits left out, each explained by a diagnostic. */
  dropped: Edit[];
  diagnostics: Diagnostic[];
}
