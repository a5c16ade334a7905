/**
 * Types of a recommendation: which python image tag to use per stage, the candidates weighed, the
 * ones rejected (each with a reason code) and the path through the decision.
 */
import type { DebianEolPolicy } from '../catalog/catalog.js';
import type { ImageCandidate } from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import type { VersionStatementKind } from '../model/project.js';
import type { RecommendStage } from '../model/stage.js';

/** Why a candidate cannot be used. Codes are stable: they appear in JSON output. */
export type RejectionCode =
  | 'support-too-short'
  | 'prerelease'
  | 'arch-missing'
  | 'python-excluded'
  | 'deps-unavailable'
  | 'deps-need-compiler'
  | 'libc-not-allowed'
  | 'glibc-only-sdk'
  | 'ml-glibc-floor'
  | 'vulnerabilities';

export const rejectionCodes: readonly RejectionCode[] = [
  'support-too-short',
  'prerelease',
  'arch-missing',
  'python-excluded',
  'deps-unavailable',
  'deps-need-compiler',
  'libc-not-allowed',
  'glibc-only-sdk',
  'ml-glibc-floor',
  'vulnerabilities',
];

export type LibcChoice = 'glibc' | 'musl' | 'any';
export type Appetite = 'patch' | 'minor' | 'any';
export type VulnSeverity = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';
export const vulnSeverities: readonly VulnSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'negligible',
  'unknown',
];

export interface RecommendPolicy {
  /** Minimum remaining support (Python and distro) in months, per stage. */
  minSupportMonths: Record<RecommendStage, number>;
  /** Allowed libc family. */
  libc: LibcChoice;
  /**
   * Prefer the smallest image: with `libc` `any`, lets alpine win when every dependency installs
   * from a wheel on it. (With `libc` `musl` alpine is the only choice anyway.)
   */
  preferSmall: boolean;
  /** SDKs or packages that only run on glibc: when any is given, no musl image is recommended. */
  glibcOnly: string[];
  /** How far from the current Python minor a recommendation may go. */
  appetite: Appetite;
  /** Accept pre-release Pythons. */
  prereleases: boolean;
  /** Which Debian date counts as end of life. */
  debianEol: DebianEolPolicy;
  /** Accept building sdists on images without a compiler (the Dockerfile installs one). */
  allowBuild: boolean;
  /** Most vulnerabilities of each severity a scanned image may have. */
  vulnLimits: Partial<Record<VulnSeverity, number>>;
}

/** Counts of one scanner report for one image. */
export interface VulnerabilityReport {
  scanner: 'trivy' | 'grype';
  /** The file read. */
  file: string;
  /** The image reference the report names (`python:3.12.4-slim-bookworm`). */
  image: string;
  counts: Record<VulnSeverity, number>;
}

export interface Rejection {
  code: RejectionCode;
  /** In words, independent of the candidate where possible so that rejections group. */
  message: string;
  /** The packages behind a dependency rejection, `name version`. */
  packages?: string[];
}

export interface ScoreParts {
  /**
   * 1 when the candidate suits the appetite: `patch` the current minor; `minor` no downgrade (or a
   * downgrade when only downgrades install every dependency from wheels); `any` always 0.
   */
  appetite: number;
  /** 1 when every dependency installs from a wheel on every architecture. */
  wheels: number;
  /**
   * Minus the number of packages with native code (binary wheels elsewhere) that pip would build
   * from source on the image, on any architecture: fewer builds rank first.
   */
  builds: number;
  /** Python minor as a number (3.12 -> 312). */
  python: number;
  /** Distro rank: newer is higher. */
  distro: number;
  /** Variant preference for the stage: higher is preferred. */
  variant: number;
  /** Minus the weighted vulnerability count when a report names the image; 0 otherwise. */
  vulnerabilities: number;
  /** Size rank: alpine 2, slim 1, full 0. */
  size: number;
}

export interface ScoredCandidate {
  tag: string;
  candidate: ImageCandidate;
  /** Rank among the survivors of the stage, from 1. */
  rank: number;
  /** A single number that orders like the comparison (bigger is better). */
  score: number;
  parts: ScoreParts;
  /** What this one trades compared with the recommendation (empty for the recommendation). */
  trades: string[];
  vulnerabilities?: Record<VulnSeverity, number>;
  /** Dependency verdicts were not known for every architecture (offline, hashes only). */
  verdictsUnknown: boolean;
}

export interface RejectedCandidate {
  tag: string;
  reasons: Rejection[];
}

/** Rejections sharing a code and a message, with the scope they cover. */
export interface RejectionGroup {
  code: RejectionCode;
  message: string;
  /** `all alpine`, `Python 3.8`, `3 images`. */
  scope: string;
  tags: string[];
}

export interface TraceStep {
  step: 'c-extensions' | 'alpine' | 'python' | 'patch' | 'pin';
  question: string;
  answer: string;
}

export type MoveKind = 'refresh' | 'patch' | 'minor' | 'variant' | 'distro' | 'none';

export interface Move {
  file: string;
  line: number;
  /** The reference as written (or resolved from ARG defaults). */
  current: string;
  /** The stage the reference serves. */
  stage: string;
  kind: MoveKind;
  /** The reference to write instead; absent for `none`. */
  to?: string;
  reason: string;
  /**
   * For an alpine reference left on musl while a glibc image passes: that image's tag (at the
   * reference's precision), and `reason` without the advice on how to ask for the swap (for callers
   * that advise otherwise: `pybase fix` never swaps the C library).
   */
  glibc?: { tag: string; reason: string };
}

/**
 * A Python version statement of the repository (`.python-version`, a setup-python version,
 * `runtime.txt`, `.tool-versions`, Pipfile, tox, `requires-python`, ...), as `pybase check` reads it,
 * beside the moves of the python images. `.python-version` and literal setup-python versions follow
 * the images of their Python minor when those all move to one new minor (as `pybase fix --to
 * recommended` moves them); the others are said and left to edit by hand.
 */
export interface StatementMove {
  file: string;
  line: number;
  /** What states it, as the extractor names it (`python-version-file`, `setup-python`, `requires-python`, ...). */
  statement: VersionStatementKind;
  /** The value as written (`3.11`, `>=3.10`, `${{ matrix.python }}`). */
  current: string;
  /** The versions it names, after matrix and env expansion (`['3.11', '3.12']`); absent for a range. */
  versions?: string[];
  /** The range it states (`requires-python`, Poetry's `python`, `python_requires`). */
  specifier?: string;
  /** The stage the statement serves. */
  stage: string;
  /** `minor` when it follows the images to another Python minor, else `none`. */
  kind: 'minor' | 'none';
  /** The version to write instead; absent for `none`. */
  to?: string;
  reason: string;
}

export interface Recommendation {
  stage: RecommendStage;
  /** The reference to copy, at the stage's precision (`python:3.12.14-slim-trixie@sha256:...`). */
  reference?: string;
  /** The fully specified tag chosen. */
  tag?: string;
  digest?: string;
  /** When the digest is not known: the command that pins it. */
  pinCommand?: string;
  /** One line: why this one. */
  why: string;
  /** The next best survivors (at most three) and what each trades. */
  alternatives: ScoredCandidate[];
  candidates: ScoredCandidate[];
  rejected: RejectedCandidate[];
  rejectionGroups: RejectionGroup[];
  trace: TraceStep[];
  policy: { minSupportMonths: number; libc: LibcChoice; appetite: Appetite };
  /**
   * Without a recommendation: the policy changes that would give one, each with the tag it would
   * choose (`--min-support-months 0` -> `3.11.14-slim-trixie`). Empty when none would.
   */
  relaxations?: Relaxation[];
}

/** A policy change, as the flags that make it, and the tag the stage would then get. */
export interface Relaxation {
  flags: string[];
  tag: string;
}

export interface RecommendResult {
  schemaVersion: 1;
  date: IsoDate;
  /** Newest commit date of the data snapshot. */
  dataDate: IsoDate;
  archs: Arch[];
  source?: { file: string; kind: string };
  /** Dependency verdicts are partly unknown (offline and the lock names no files). */
  incomplete: boolean;
  recommendations: Recommendation[];
  moves: Move[];
  /** The Python version statements, in the order of the files. */
  statements: StatementMove[];
  diagnostics: Diagnostic[];
}
