/**
 * The decision: candidates -> hard constraints (each rejection with a reason code) -> stage-aware
 * ranking of the survivors -> the reference at the stage's precision, with the decision path.
 *
 * Ranking, in order (the first difference decides):
 *  1. appetite: with `patch`, candidates on the project's current minor first; with `minor`, no
 *     downgrade below the current minor unless nothing else survives, or the downgrade installs
 *     better (by 2 and 3) than every image of the current minor or newer;
 *  2. wheels: every dependency installs from a wheel (binary or pure) on every architecture;
 *  3. builds: the fewest packages with native code built from source (sdist-only packages, built
 *     the same everywhere, do not count): a source build is a compiler run that can fail;
 *  4. Python: the newest minor;
 *  5. variant for the stage: slim for ci/prod/prod-ai, slim for dev unless something must compile
 *     (then the full image, which has a compiler); alpine first only when the policy wants small
 *     images (`libc = musl`, or `preferSmall` with `libc = any`) - it has already survived only if
 *     every dependency installs from a wheel on musl; otherwise alpine comes last;
 *  6. distro: the newest (highest glibc / Alpine release);
 *  7. vulnerabilities: fewer (weighted by severity) when both images have a scanner report;
 *  8. size: alpine < slim < full;
 *  9. the newest patch, then the tag text (for a stable order).
 */
import type { Catalog } from '../catalog/catalog.js';
import type {
  CompatibilityReport,
  ImageCandidate,
  ImageCompatibility,
  PackageSummary,
} from '../model/compat.js';
import { addMonths, type IsoDate } from '../model/date.js';
import type { Arch } from '../model/platform.js';
import type { Extraction } from '../model/project.js';
import type { RecommendStage } from '../model/stage.js';
import { type PolicyInput, resolvePolicy } from './policy.js';
import { stagePrecision, tagAtPrecision } from './precision.js';
import {
  constraintsText,
  excludingConstraints,
  type PythonConstraint,
  projectPythonConstraints,
  pythonAllowed,
} from './python-constraints.js';
import {
  type Recommendation,
  type RecommendPolicy,
  type RejectedCandidate,
  type Rejection,
  type RejectionCode,
  type RejectionGroup,
  rejectionCodes,
  type ScoredCandidate,
  type ScoreParts,
  type TraceStep,
  type VulnerabilityReport,
  type VulnSeverity,
} from './types.js';
import { exceededLimits } from './vuln-limits.js';

export interface DecideInput {
  catalog: Catalog;
  date: IsoDate;
  /** Fully specified tags published at the date (the dependency engine's `candidateImages`). */
  candidates: readonly ImageCandidate[];
  /** The dependency engine's report over those candidates; absent when the project has no dependency file. */
  compatibility?: CompatibilityReport;
  /** The project's Python constraint (PEP 440), e.g. from the lock. */
  requiresPython?: string;
  /** Current references and version statements of the repository. */
  extraction?: Extraction;
  archs: readonly Arch[];
  policy?: PolicyInput;
  vulnerabilities?: readonly VulnerabilityReport[];
  /** The project's current Python minor per stage (for the appetite), see `currentMinors`. */
  currentMinor?: string;
}

/**
 * Names of packages whose wheels tie an image to a glibc floor in ML inference (PyTorch, its CUDA
 * libraries, compilers and runtimes). Only names: the floors themselves come from the wheels.
 */
const mlPackagePattern =
  /^(?:torch|torchvision|torchaudio|triton|nvidia-.+|tensorflow(?:-.+)?|jax|jaxlib|onnxruntime(?:-.+)?|xformers|vllm|bitsandbytes|flash-attn|cupy(?:-.+)?|paddlepaddle(?:-.+)?|tensorrt(?:-.+)?)$/;

export function isMlPackage(name: string): boolean {
  return mlPackagePattern.test(name);
}

const variants = ['full', 'slim', 'alpine'];

function versionNumber(text: string): number {
  const [a, b] = text.split('.').map((p) => Number.parseInt(p, 10));
  return (a ?? 0) * 100 + (b ?? 0);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function pkgLabel(p: { name: string; version?: string }): string {
  return p.version ? `${p.name} ${p.version}` : p.name;
}

function listShort(items: string[], max = 3): string {
  const uniq = [...new Set(items)];
  return uniq.length <= max
    ? uniq.join(', ')
    : `${uniq.slice(0, max).join(', ')} and ${uniq.length - max} more`;
}

/** What the dependency verdicts say about one candidate over the architectures asked. */
interface DepFacts {
  unavailable: { label: string; reason: string }[];
  /** sdist builds of packages with native code (a compiler is needed). */
  build: { label: string; reason: string }[];
  /** sdist builds of packages that publish no binary wheel anywhere. */
  buildPure: { label: string; reason: string }[];
  /** Distinct packages with native code built from source on some architecture (`name version`). */
  nativeBuilds: string[];
  unknown: boolean;
  /** No sdist-build and nothing unavailable on any architecture. */
  allWheels: boolean;
}

/**
 * A package with binary wheels somewhere has native code, so building its sdist needs a compiler.
 * A package that publishes no binary wheel at all (an sdist-only release, usually pure Python)
 * builds with pip alone: it does not reject an image without a compiler, it only ranks it lower.
 */
function depFacts(
  c: ImageCandidate,
  archs: readonly Arch[],
  byKey: Map<string, ImageCompatibility>,
  native: ReadonlySet<string>,
): DepFacts {
  const facts: DepFacts = {
    unavailable: [],
    build: [],
    buildPure: [],
    nativeBuilds: [],
    unknown: false,
    allWheels: true,
  };
  for (const arch of archs) {
    const ic = byKey.get(`${c.tag} ${arch}`);
    if (!ic) {
      facts.unknown = true;
      continue;
    }
    for (const p of ic.packages) {
      if (p.verdict === 'unavailable') facts.unavailable.push({ label: pkgLabel(p), reason: p.reason });
      else if (p.verdict === 'sdist-build') {
        (native.has(p.name) ? facts.build : facts.buildPure).push({ label: pkgLabel(p), reason: p.reason });
      } else if (p.verdict === 'unknown') facts.unknown = true;
    }
  }
  facts.nativeBuilds = [...new Set(facts.build.map((b) => b.label))];
  facts.allWheels =
    facts.unavailable.length === 0 && facts.build.length === 0 && facts.buildPure.length === 0;
  return facts;
}

function supportEnd(end: IsoDate | true | undefined): IsoDate | true | undefined {
  return end;
}

interface Context {
  input: DecideInput;
  policy: RecommendPolicy;
  byKey: Map<string, ImageCompatibility>;
  specs: PythonConstraint[];
  mlPackages: PackageSummary[];
  facts: Map<string, DepFacts>;
}

function matchVulns(
  c: ImageCandidate,
  reports: readonly VulnerabilityReport[],
  catalog: Catalog,
  date: IsoDate,
): { counts: Record<VulnSeverity, number>; files: string[] } | undefined {
  let found: { counts: Record<VulnSeverity, number>; files: string[] } | undefined;
  for (const r of reports) {
    const tag = tagOfReference(r.image);
    if (!tag) continue;
    const full = tag === c.tag ? tag : catalog.resolve(tag, date)?.fullTag;
    if (full !== c.tag) continue;
    if (!found) found = { counts: { ...r.counts }, files: [r.file] };
    else {
      // Two scanners on one image: keep the larger count of each severity.
      for (const s of Object.keys(r.counts) as VulnSeverity[]) {
        found.counts[s] = Math.max(found.counts[s], r.counts[s]);
      }
      found.files.push(r.file);
    }
  }
  return found;
}

/** The tag of `python:3.12-slim`, `docker.io/library/python:3.12@sha256:...`; `latest` when none. */
export function tagOfReference(reference: string): string | undefined {
  const noDigest = reference.split('@')[0] ?? '';
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  const repo = colon >= 0 ? noDigest.slice(0, colon) : noDigest;
  if (!/(?:^|\/)python$/.test(repo)) return undefined;
  return colon >= 0 ? noDigest.slice(colon + 1) : 'latest';
}

function hardConstraints(c: ImageCandidate, stage: RecommendStage, ctx: Context): Rejection[] {
  const { input, policy } = ctx;
  const { catalog, date } = input;
  const out: Rejection[] = [];
  if (c.prerelease && !policy.prereleases) {
    out.push({ code: 'prerelease', message: `Python ${c.pythonVersion} is a pre-release` });
  }
  const months = policy.minSupportMonths[stage];
  const needUntil = addMonths(date, months);
  const life = catalog.pythonLifecycle(c.python, date);
  const pyEnd = supportEnd(life?.endOfLife);
  if (!c.prerelease) {
    if (!life) out.push({ code: 'support-too-short', message: `no life-cycle data for Python ${c.python}` });
    else if (pyEnd === true || (pyEnd !== undefined && (months === 0 ? pyEnd <= date : pyEnd < needUntil))) {
      out.push({
        code: 'support-too-short',
        message:
          pyEnd === true || pyEnd <= date
            ? `Python ${c.python} is past its end of life`
            : `Python ${c.python} reaches end of life on ${pyEnd}, within the ${months} months of support asked`,
      });
    }
  }
  const distro = catalog.distroLifecycle(c.distro, date, policy.debianEol);
  const dEnd = distro?.endOfLife;
  if (dEnd === true || (dEnd !== undefined && (months === 0 ? dEnd <= date : dEnd < needUntil))) {
    out.push({
      code: 'support-too-short',
      message:
        dEnd === true || dEnd <= date
          ? `${c.distro} is past its end of life (${policy.debianEol} policy)`
          : `${c.distro} reaches end of life on ${dEnd}, within the ${months} months of support asked`,
    });
  }
  const missing = input.archs.filter((a) => !c.architectures.includes(a));
  if (missing.length > 0) {
    out.push({
      code: 'arch-missing',
      // The data records no architectures for some old images: say so rather than claim one is missing.
      message:
        c.architectures.length === 0
          ? `its architectures are not recorded in pybase's data (needed: ${missing.join(', ')})`
          : `not published for ${missing.join(', ')}`,
    });
  }
  // One rejection for every specifier that excludes this Python; the same specifier written in
  // several files (the lock and pyproject.toml) is named once, with all its places.
  const excluded = excludingConstraints(ctx.specs, c.pythonVersion);
  if (excluded.length > 0) {
    out.push({
      code: 'python-excluded',
      message: `Python ${c.python} is excluded by ${constraintsText(excluded)}`,
    });
  }
  // The dependency verdicts of a Python the project excludes say nothing: its lock was not
  // resolved for it, and nothing would be installed there. The exclusion is the reason.
  const facts = excluded.length > 0 ? undefined : ctx.facts.get(c.tag);
  if (facts) {
    if (facts.unavailable.length > 0) {
      out.push({
        code: 'deps-unavailable',
        message: `no installable file on Python ${c.python} ${c.libc.family}: ${listShort(facts.unavailable.map((u) => u.label))}`,
        packages: [...new Set(facts.unavailable.map((u) => u.label))],
      });
    }
    if (facts.build.length > 0 && !c.hasCompiler && !policy.allowBuild) {
      const labels = facts.build.map((u) => u.label);
      out.push({
        code: 'deps-need-compiler',
        message:
          c.libc.family === 'musl'
            ? `${listShort(labels)} ${new Set(labels).size > 1 ? 'have' : 'has'} no musllinux wheel for Python ${c.python}: pip would build from source, and ${c.variant} has no compiler`
            : `${listShort(labels)} ${new Set(labels).size > 1 ? 'have' : 'has'} no wheel for Python ${c.python} ${c.libc.family}: pip would build from source, and ${c.variant} has no compiler`,
        packages: [...new Set(labels)],
      });
    }
  }
  if (c.libc.family === 'musl') {
    if (stage === 'prod-ai') {
      out.push({
        code: 'libc-not-allowed',
        message: 'production inference needs glibc: ML wheels are published for manylinux',
      });
    } else if (policy.libc === 'glibc') {
      out.push({ code: 'libc-not-allowed', message: 'the policy allows only glibc images' });
    }
    if (policy.glibcOnly.length > 0) {
      out.push({
        code: 'glibc-only-sdk',
        message: `glibc-only SDKs in use: ${policy.glibcOnly.join(', ')}`,
      });
    }
  } else if (policy.libc === 'musl') {
    out.push({ code: 'libc-not-allowed', message: 'the policy allows only musl (alpine) images' });
  }
  if (stage === 'prod-ai' && c.libc.family === 'glibc') {
    const short: string[] = [];
    for (const p of ctx.mlPackages) {
      for (const arch of input.archs) {
        const floor = p.glibcFloor?.[arch];
        if (floor && compareVersions(c.libc.version, floor) < 0)
          short.push(`${pkgLabel(p)} needs glibc ${floor}`);
      }
    }
    if (short.length > 0) {
      out.push({
        code: 'ml-glibc-floor',
        message: `glibc ${c.libc.version} is below the floor of the ML wheels: ${listShort(short)}`,
      });
    }
  }
  const vulns = matchVulns(c, input.vulnerabilities ?? [], catalog, date);
  if (vulns) {
    const over = exceededLimits(vulns.counts, policy.vulnLimits);
    if (over.length > 0) {
      out.push({
        code: 'vulnerabilities',
        message: `scanner report over the limits: ${over.join(', ')} (${vulns.files.join(', ')})`,
      });
    }
  }
  return out;
}

function alpineWanted(policy: RecommendPolicy, stage: RecommendStage): boolean {
  if (stage === 'prod-ai') return false;
  return policy.libc === 'musl' || (policy.libc === 'any' && policy.preferSmall);
}

function variantScore(
  c: ImageCandidate,
  stage: RecommendStage,
  policy: RecommendPolicy,
  mustCompile: boolean,
): number {
  if (c.variant === 'alpine') return alpineWanted(policy, stage) ? 4 : 0;
  if (stage === 'dev' && mustCompile) return c.variant === 'full' ? 3 : 2;
  return c.variant === 'slim' ? 3 : 1;
}

function distroScore(c: ImageCandidate): number {
  if (c.libc.family === 'musl') return versionNumber(c.distro.replace(/^alpine/, ''));
  return versionNumber(c.libc.version);
}

const sizeScore: Record<string, number> = { alpine: 2, slim: 1, full: 0 };

function vulnWeight(counts: Record<VulnSeverity, number>): number {
  return counts.critical * 1000 + counts.high * 100 + counts.medium * 10 + counts.low;
}

function compareScored(a: ScoredCandidate, b: ScoredCandidate): number {
  const pa = a.parts;
  const pb = b.parts;
  const keys: (keyof ScoreParts)[] = ['appetite', 'wheels', 'builds', 'python', 'variant', 'distro'];
  for (const k of keys) if (pa[k] !== pb[k]) return pb[k] - pa[k];
  if (a.vulnerabilities && b.vulnerabilities && pa.vulnerabilities !== pb.vulnerabilities) {
    return pb.vulnerabilities - pa.vulnerabilities;
  }
  if (pa.size !== pb.size) return pb.size - pa.size;
  const byPatch = compareVersions(b.candidate.pythonVersion, a.candidate.pythonVersion);
  return byPatch !== 0 ? byPatch : a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/**
 * The parts packed into one number, most significant first, each in its own decimal places (the
 * largest stays below 2^53): appetite 1 digit, wheels 1, builds 3, Python minor 2, variant 1,
 * distro 3, vulnerabilities 3, size 1.
 */
function total(p: ScoreParts): number {
  const clamp = (n: number, max: number) => Math.max(0, Math.min(max, n));
  return (
    p.appetite * 1e14 +
    p.wheels * 1e13 +
    (999 - clamp(-p.builds, 999)) * 1e10 +
    clamp(p.python % 100, 99) * 1e8 +
    clamp(p.variant, 9) * 1e7 +
    clamp(p.distro, 999) * 1e4 +
    (999 + Math.max(-999, p.vulnerabilities)) * 10 +
    clamp(p.size, 9)
  );
}

function minorNumber(minor: string): number {
  return versionNumber(minor);
}

function trades(c: ScoredCandidate, best: ScoredCandidate): string[] {
  const out: string[] = [];
  const a = c.candidate;
  const b = best.candidate;
  if (a.python !== b.python) {
    out.push(
      minorNumber(a.python) < minorNumber(b.python)
        ? `older Python ${a.python} (shorter support)`
        : `newer Python ${a.python}`,
    );
  }
  if (c.parts.builds < best.parts.builds) {
    const n = -c.parts.builds;
    out.push(
      `builds ${n} package${n === 1 ? '' : 's'} with native code from source${best.parts.builds < 0 ? ` (${-best.parts.builds} on the recommendation)` : ''}`,
    );
  } else if (c.parts.wheels < best.parts.wheels) out.push('some dependencies must be built from source');
  if (a.variant !== b.variant) {
    if (a.variant === 'alpine') out.push('alpine: smallest, but musl libc (wheels must be musllinux)');
    else if (a.variant === 'full') out.push('full image: has a compiler and headers, several times larger');
    else out.push('slim: smaller, no compiler');
  }
  if (a.distro !== b.distro && a.variant === b.variant) {
    out.push(
      distroScore(a) < distroScore(b)
        ? `older distro ${a.distro} (${a.libc.family} ${a.libc.version})`
        : `newer distro ${a.distro} (${a.libc.family} ${a.libc.version})`,
    );
  }
  if (c.vulnerabilities && best.vulnerabilities) {
    const d =
      c.vulnerabilities.critical +
      c.vulnerabilities.high -
      best.vulnerabilities.critical -
      best.vulnerabilities.high;
    if (d !== 0) out.push(`${Math.abs(d)} ${d > 0 ? 'more' : 'fewer'} critical/high vulnerabilities`);
  }
  if (out.length === 0 && a.pythonVersion !== b.pythonVersion) out.push(`Python ${a.pythonVersion}`);
  return out;
}

/** Codes whose messages name one Python minor; their groups merge across minors. */
const perPythonCodes: ReadonlySet<RejectionCode> = new Set([
  'deps-need-compiler',
  'deps-unavailable',
  'python-excluded',
]);
const pythonInMessage = / (for|on) Python \d+\.\d+( glibc| musl)?/;
const excludedPython = /^Python \d+\.\d+ is excluded by /;

/**
 * The message without its Python minor (`no wheel for Python 3.13 glibc` -> `no wheel for glibc`,
 * `Python 3.9 is excluded by '>=3.11'` -> `their Python is excluded by '>=3.11'`).
 */
function withoutPython(message: string): string {
  if (excludedPython.test(message)) return message.replace(excludedPython, 'their Python is excluded by ');
  return message.replace(pythonInMessage, (_all, prep: string, libc: string | undefined) =>
    libc ? ` ${prep}${libc}` : '',
  );
}

function groupRejections(rejected: RejectedCandidate[], all: readonly ImageCandidate[]): RejectionGroup[] {
  const groups = new Map<string, RejectionGroup>();
  for (const r of rejected) {
    for (const reason of r.reasons) {
      const key = `${reason.code}\u0000${reason.message}`;
      let g = groups.get(key);
      if (!g) {
        g = { code: reason.code, message: reason.message, scope: '', tags: [] };
        groups.set(key, g);
      }
      g.tags.push(r.tag);
    }
  }
  // The same packages missing the same kind of wheel on several Pythons is one reason: merge the
  // per-Python groups and let the scope name the Pythons.
  const merged = new Map<string, RejectionGroup[]>();
  for (const g of groups.values()) {
    const key = perPythonCodes.has(g.code)
      ? `${g.code}\u0000${withoutPython(g.message)}`
      : `${g.code}\u0000${g.message}`;
    merged.set(key, [...(merged.get(key) ?? []), g]);
  }
  const out: RejectionGroup[] = [];
  for (const list of merged.values()) {
    const first = list[0]!;
    if (list.length === 1) out.push(first);
    else
      out.push({
        code: first.code,
        message: withoutPython(first.message),
        scope: '',
        tags: [...new Set(list.flatMap((g) => g.tags))],
      });
  }
  const byTag = new Map(all.map((c) => [c.tag, c]));
  for (const g of out) g.scope = scopeOf(g.tags, byTag, all);
  return out.sort((a, b) => b.tags.length - a.tags.length || a.code.localeCompare(b.code));
}

/** `3.11 to 3.14` for consecutive minors, else `3.9, 3.11`. */
function minorsText(minors: string[]): string {
  const sorted = [...minors].sort((a, b) => minorNumber(a) - minorNumber(b));
  const consecutive = sorted.every((m, i) => i === 0 || minorNumber(m) === minorNumber(sorted[i - 1]!) + 1);
  return consecutive && sorted.length > 2
    ? `${sorted[0]} to ${sorted[sorted.length - 1]}`
    : sorted.join(', ');
}

function scopeOf(tags: string[], byTag: Map<string, ImageCandidate>, all: readonly ImageCandidate[]): string {
  const cs = tags.map((t) => byTag.get(t)).filter((c): c is ImageCandidate => c !== undefined);
  const set = new Set(tags);
  const covers = (pred: (c: ImageCandidate) => boolean) => {
    const of = all.filter(pred);
    return of.length > 0 && of.every((c) => set.has(c.tag)) && cs.every(pred);
  };
  if (set.size === all.length) return 'every image';
  if (covers((c) => c.variant === 'alpine')) return 'all alpine';
  const minors = [...new Set(cs.map((c) => c.python))];
  if (minors.length === 1 && covers((c) => c.python === minors[0])) return `all Python ${minors[0]}`;
  const distros = [...new Set(cs.map((c) => c.distro))];
  if (distros.length === 1 && covers((c) => c.distro === distros[0])) return `all ${distros[0]}`;
  if (minors.length > 1 && covers((c) => minors.includes(c.python))) {
    return `all Python ${minorsText(minors)}`;
  }
  const variants = [...new Set(cs.map((c) => c.variant))];
  if (variants.length === 1 && covers((c) => c.variant === variants[0] && minors.includes(c.python))) {
    return `all ${variants[0]} on Python ${minorsText(minors)}`;
  }
  // No whole class of images: say how many, of which libc and which Pythons.
  const libcs = [...new Set(cs.map((c) => c.libc.family))];
  const libc = libcs.length === 1 ? ` ${libcs[0]}` : '';
  return `${set.size}${libc} image${set.size === 1 ? '' : 's'} of Python ${minorsText(minors)}`;
}

/**
 * The names of the packages pip would install on some image the project allows (markers are
 * applied per image and architecture, as `pybase deps` shows them), optionally only on the images
 * `which` selects. A package whose marker excludes every Linux image (`sys_platform == "win32"`,
 * macOS-only frameworks) is never among them.
 */
function neededNames(
  report: CompatibilityReport,
  allowed: (c: ImageCandidate) => boolean,
  which: (ic: ImageCompatibility) => boolean = () => true,
): Set<string> {
  const judged = report.images.filter((ic) => allowed(ic.image));
  const out = new Set<string>();
  for (const ic of judged.length > 0 ? judged : report.images) {
    if (!which(ic)) continue;
    for (const p of ic.packages) out.add(p.name);
  }
  return out;
}

function dependencyTrace(
  report: CompatibilityReport | undefined,
  allowed: (c: ImageCandidate) => boolean,
): {
  answer: string;
  binary: PackageSummary[];
  /** Packages with binary wheels needed on some musl image. */
  muslBinary: PackageSummary[];
} {
  if (!report) return { answer: 'unknown: no dependency file was read', binary: [], muslBinary: [] };
  const needed = neededNames(report, allowed);
  const onMusl = neededNames(report, allowed, (ic) => ic.image.libc.family === 'musl');
  const binary = report.packages.filter((p) => p.hasBinaryWheels && needed.has(p.name));
  const muslBinary = report.packages.filter((p) => p.hasBinaryWheels && onMusl.has(p.name));
  if (binary.length === 0) {
    return {
      answer: report.incomplete
        ? 'not known: the lock names no files (offline); judged as pure Python where known'
        : 'no: every dependency is pure Python, so any libc works',
      binary,
      muslBinary,
    };
  }
  return {
    answer: `yes: ${binary.length} package${binary.length === 1 ? ' ships' : 's ship'} binary wheels (${listShort(binary.map(pkgLabel), 4)}), so libc matters`,
    binary,
    muslBinary,
  };
}

/** One stage's recommendation from prepared inputs. */
export function decideStage(input: DecideInput, stage: RecommendStage): Recommendation {
  const policy = resolvePolicy(input.policy);
  const byKey = new Map<string, ImageCompatibility>();
  for (const ic of input.compatibility?.images ?? []) byKey.set(`${ic.image.tag} ${ic.arch}`, ic);
  const candidates = input.candidates.filter((c) => variants.includes(c.variant));
  const facts = new Map<string, DepFacts>();
  const native = new Set(
    (input.compatibility?.packages ?? []).filter((p) => p.hasBinaryWheels).map((p) => p.name),
  );
  if (input.compatibility)
    for (const c of candidates) facts.set(c.tag, depFacts(c, input.archs, byKey, native));
  const ctx: Context = {
    input,
    policy,
    byKey,
    specs: projectPythonConstraints(
      input.extraction,
      input.requiresPython,
      input.compatibility?.source?.file,
    ),
    mlPackages: (input.compatibility?.packages ?? []).filter((p) => isMlPackage(p.name)),
    facts,
  };

  const rejected: RejectedCandidate[] = [];
  const survivors: ImageCandidate[] = [];
  for (const c of candidates) {
    const reasons = hardConstraints(c, stage, ctx);
    if (reasons.length > 0) rejected.push({ tag: c.tag, reasons });
    else survivors.push(c);
  }
  // Per Python minor: does some glibc image of it need to compile a dependency with native code?
  const compileMinors = new Set(
    candidates
      .filter(
        (c) =>
          c.libc.family === 'glibc' &&
          (facts.get(c.tag)?.build.length ?? 0) > 0 &&
          pythonAllowed(ctx.specs, c.pythonVersion),
      )
      .map((c) => c.python),
  );
  const current = input.currentMinor;
  // With the `minor` appetite a downgrade is avoided, unless a downgrade installs better than any
  // image of the current minor or newer: every dependency from wheels where they all build
  // something, or fewer packages with native code built from source. Building from source on a
  // newer Python is worse than an older Python (numpy 1.24.4 has wheels up to cp311 and does not
  // build on 3.12).
  const keepsMinor = (c: ImageCandidate) =>
    current === undefined || minorNumber(c.python) >= minorNumber(current);
  // Install cost, compared like the ranking: wheels first, then native source builds.
  const cost = (c: ImageCandidate) => {
    const f = facts.get(c.tag);
    return f ? (f.allWheels ? 0 : 1) * 1e6 + f.nativeBuilds.length : 0;
  };
  const keepCost = Math.min(...survivors.filter(keepsMinor).map(cost));
  const scored: ScoredCandidate[] = survivors.map((c) => {
    const f = facts.get(c.tag);
    const vulns = matchVulns(c, input.vulnerabilities ?? [], input.catalog, input.date);
    const appetite =
      current === undefined || policy.appetite === 'any'
        ? 0
        : policy.appetite === 'patch'
          ? Number(c.python === current)
          : Number(keepsMinor(c) || cost(c) < keepCost);
    const parts: ScoreParts = {
      appetite,
      wheels: f ? Number(f.allWheels) : 1,
      builds: f ? 0 - f.nativeBuilds.length : 0,
      python: minorNumber(c.python),
      distro: distroScore(c),
      variant: variantScore(c, stage, policy, compileMinors.has(c.python)),
      vulnerabilities: vulns ? -vulnWeight(vulns.counts) : 0,
      size: sizeScore[c.variant] ?? 0,
    };
    return {
      tag: c.tag,
      candidate: c,
      rank: 0,
      score: total(parts),
      parts,
      trades: [],
      ...(vulns ? { vulnerabilities: vulns.counts } : {}),
      verdictsUnknown: f ? f.unknown : input.compatibility !== undefined,
    };
  });
  scored.sort(compareScored);
  scored.forEach((s, i) => {
    s.rank = i + 1;
  });
  const best = scored[0];
  if (best) for (const s of scored.slice(1)) s.trades = trades(s, best);

  const rejectionGroups = groupRejections(rejected, candidates);
  const trace = buildTrace(input, stage, policy, best, rejected, rejectionGroups, scored, ctx);
  const rec: Recommendation = {
    stage,
    why: best
      ? whyLine(
          best,
          scored,
          facts.get(best.tag),
          stage,
          input,
          policy,
          compileMinors.has(best.candidate.python),
        )
      : whyNone(rejected, rejectionGroups, candidates),
    alternatives: scored.slice(1, 4),
    candidates: scored,
    rejected,
    rejectionGroups,
    trace,
    policy: {
      minSupportMonths: policy.minSupportMonths[stage],
      libc: policy.libc,
      appetite: policy.appetite,
    },
  };
  if (best) {
    const tag = tagAtPrecision(input.catalog, input.date, best.tag, stagePrecision(stage));
    rec.tag = best.tag;
    rec.reference = `python:${tag}`;
    if (stage === 'prod' || stage === 'prod-ai') {
      rec.pinCommand = `docker buildx imagetools inspect python:${best.tag} --format '{{json .Manifest.Digest}}'`;
    }
  }
  return rec;
}

/**
 * Why nothing survives, counted in images: the code that rejects the most images, then the code
 * that rejects most of the images left, and so on (at most three), each with its most frequent
 * messages. A code that rejects one distro (bookworm past its end of life) must not hide the one
 * that rejects every image (the project's requires-python).
 */
function whyNone(
  rejected: RejectedCandidate[],
  groups: RejectionGroup[],
  all: readonly ImageCandidate[],
): string {
  if (rejected.length === 0) return 'no published image to choose from at this date';
  const byTag = new Map(all.map((c) => [c.tag, c]));
  const left = new Set(rejected.map((r) => r.tag));
  const parts: string[] = [];
  while (left.size > 0 && parts.length < 3) {
    const byCode = new Map<RejectionCode, Set<string>>();
    for (const r of rejected) {
      if (!left.has(r.tag)) continue;
      for (const reason of r.reasons) {
        const set = byCode.get(reason.code) ?? new Set<string>();
        set.add(r.tag);
        byCode.set(reason.code, set);
      }
    }
    const [code, covered] = [...byCode].sort(
      (a, b) => b[1].size - a[1].size || rejectionCodes.indexOf(a[0]) - rejectionCodes.indexOf(b[0]),
    )[0]!;
    const ranked = groups
      .filter((g) => g.code === code)
      .map((g) => ({ g, n: g.tags.filter((t) => covered.has(t)).length }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n);
    // One message that covers them all says it; otherwise the most frequent ones.
    const messages = (ranked[0]?.n === covered.size ? ranked.slice(0, 1) : ranked).map((x) => x.g.message);
    const said =
      messages.length <= 2
        ? messages.join('; ')
        : `${messages.slice(0, 2).join('; ')}; and ${messages.length - 2} more`;
    const how =
      parts.length === 0
        ? `${code} rejects ${covered.size === all.length ? 'every image' : `${covered.size} of ${all.length} images`}`
        : `the other ${covered.size} (${scopeOf([...covered], byTag, all)}): ${code}`;
    parts.push(`${how} (${said})`);
    for (const t of covered) left.delete(t);
  }
  if (left.size > 0) parts.push(`and ${left.size} more for other reasons`);
  return `no published image passes every constraint: ${parts.join('; ')}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Survivors of newer minors that rank lower only because they build more native packages from source. */
function newerWithMoreBuilds(best: ScoredCandidate, scored: readonly ScoredCandidate[]): ScoredCandidate[] {
  return scored.filter(
    (s) =>
      minorNumber(s.candidate.python) > minorNumber(best.candidate.python) &&
      s.parts.appetite === best.parts.appetite &&
      s.parts.builds < best.parts.builds,
  );
}

function whyLine(
  best: ScoredCandidate,
  scored: readonly ScoredCandidate[],
  facts: DepFacts | undefined,
  stage: RecommendStage,
  input: DecideInput,
  policy: RecommendPolicy,
  mustCompile: boolean,
): string {
  const c = best.candidate;
  const parts: string[] = [];
  const native = facts?.nativeBuilds ?? [];
  const pure = [...new Set((facts?.buildPure ?? []).map((b) => b.label))];
  const fewer = newerWithMoreBuilds(best, scored).length > 0;
  if (best.parts.appetite === 1 && policy.appetite === 'patch')
    parts.push(`keeps the current Python ${c.python}`);
  else if (best.verdictsUnknown)
    parts.push(
      `Python ${c.python} is the newest minor that passes every constraint known (some dependency verdicts are unknown)`,
    );
  else if (input.compatibility && best.parts.wheels === 1)
    parts.push(`Python ${c.python} is the newest minor every dependency installs from wheels on`);
  else if (fewer)
    parts.push(
      `Python ${c.python} builds the fewest packages with native code from source (${native.length === 0 ? 'none' : `${native.length}: ${listShort(native)}`}; newer minors build more)`,
    );
  else parts.push(`Python ${c.python} is the newest minor that passes every constraint`);
  if (!fewer && native.length > 0)
    parts.push(
      `${plural(native.length, 'package', 'packages')} with native code built from source (${listShort(native)})`,
    );
  // Only worth saying where there is no compiler: sdist-only packages are why "from wheels" is not said.
  if (pure.length > 0 && !c.hasCompiler)
    parts.push(
      `${listShort(pure)} ${pure.length === 1 ? 'publishes' : 'publish'} only an sdist, built from source (no binary wheel anywhere, so no compiler is assumed)`,
    );
  if (c.variant === 'alpine')
    parts.push(
      facts?.unknown
        ? 'alpine: smallest; musl wheels not confirmed for the dependencies not judged'
        : 'alpine: smallest, and every dependency has a wheel for musl',
    );
  else if (c.variant === 'full')
    parts.push(mustCompile ? 'full image: something must compile' : 'full image: no slim image passes');
  else parts.push(`slim for ${stage}: no compiler, smaller, glibc`);
  const life = input.catalog.pythonLifecycle(c.python, input.date);
  const dl = input.catalog.distroLifecycle(c.distro, input.date, policy.debianEol);
  const ends = [
    typeof life?.endOfLife === 'string' ? `Python until ${life.endOfLife}` : undefined,
    typeof dl?.endOfLife === 'string' ? `${c.distro} until ${dl.endOfLife}` : undefined,
  ].filter(Boolean);
  if (ends.length > 0) parts.push(`supported: ${ends.join(', ')}`);
  return parts.join('; ');
}

/**
 * Why each newer minor than the recommendation's lost, per minor: the codes that reject its image
 * of the recommendation's variant and distro (the one it would have been; reasons of other
 * distros, such as bookworm past its end of life, do not explain the minor), or, when one of its
 * images survives, what ranks it lower. Minors with the same answer share one entry.
 */
function newerMinorsText(
  best: ScoredCandidate,
  candidates: readonly ImageCandidate[],
  rejected: readonly RejectedCandidate[],
  scored: readonly ScoredCandidate[],
  policy: RecommendPolicy,
): string[] {
  const b = best.candidate;
  const minors = [
    ...new Set(
      candidates
        .filter((c) => !c.prerelease && minorNumber(c.python) > minorNumber(b.python))
        .map((c) => c.python),
    ),
  ].sort((x, y) => minorNumber(x) - minorNumber(y));
  const byTag = new Map(rejected.map((r) => [r.tag, r]));
  const answers = new Map<string, string[]>();
  for (const minor of minors) {
    const top = scored.find((s) => s.candidate.python === minor);
    let answer: string;
    if (top) {
      if (top.parts.appetite < best.parts.appetite)
        answer = `ranked lower by the ${policy.appetite} appetite`;
      else if (top.parts.builds < best.parts.builds) answer = `builds ${-top.parts.builds} from source`;
      else if (top.parts.wheels < best.parts.wheels) answer = 'builds sdists from source';
      else answer = 'ranked lower';
    } else {
      const own = candidates.filter((c) => c.python === minor);
      const twin = own.filter((c) => c.variant === b.variant && c.distro === b.distro);
      const sameVariant = own.filter((c) => c.variant === b.variant);
      const pool = twin.length > 0 ? twin : sameVariant.length > 0 ? sameVariant : own;
      const codes = new Set<RejectionCode>();
      for (const c of pool) for (const r of byTag.get(c.tag)?.reasons ?? []) codes.add(r.code);
      answer = `rejected: ${[...codes].join(', ')}`;
    }
    answers.set(answer, [...(answers.get(answer) ?? []), minor]);
  }
  return [...answers].map(([answer, list]) => `${minorsText(list)} ${answer}`);
}

/** Why the recommendation's minor beats newer ones that build more packages with native code. */
function fewestText(best: ScoredCandidate): string {
  if (best.parts.wheels === 1) return 'every dependency installs from wheels';
  if (best.parts.builds === 0) return 'no package with native code is built from source';
  return `the fewest packages with native code built from source (${-best.parts.builds}) among the images that pass`;
}

function buildTrace(
  input: DecideInput,
  stage: RecommendStage,
  policy: RecommendPolicy,
  best: ScoredCandidate | undefined,
  rejected: readonly RejectedCandidate[],
  groups: RejectionGroup[],
  scored: ScoredCandidate[],
  ctx: Context,
): TraceStep[] {
  const deps = dependencyTrace(input.compatibility, (c) => pythonAllowed(ctx.specs, c.pythonVersion));
  const steps: TraceStep[] = [
    { step: 'c-extensions', question: 'Does the project need C extensions?', answer: deps.answer },
  ];
  let alpine: string;
  const musl = deps.muslBinary.filter((p) => !p.hasMusllinuxWheel);
  // Reasons that keep alpine out: those covering every alpine image, or, when no alpine image
  // survives, those that only concern alpine images (per Python, for instance).
  // A group whose images all fall for a reason that has nothing to do with alpine (their Python is
  // excluded or past its end of life) does not explain why alpine lost.
  const alpineSurvives = scored.some((s) => s.candidate.variant === 'alpine');
  const otherwiseRejected = new Set(groups.filter((g) => !g.scope.includes('alpine')).flatMap((g) => g.tags));
  const alpineGroups = groups
    .filter(
      (g) => g.scope === 'all alpine' || (!alpineSurvives && g.scope.startsWith('all alpine on Python')),
    )
    .filter((g) => !g.tags.every((t) => otherwiseRejected.has(t)))
    .slice(0, 2);
  if (stage === 'prod-ai') alpine = 'no: production inference needs glibc';
  else if (policy.libc === 'glibc') alpine = 'no: the policy allows only glibc';
  else if (policy.glibcOnly.length > 0)
    alpine = `no: glibc-only SDKs in use (${policy.glibcOnly.join(', ')})`;
  else if (best?.candidate.variant === 'alpine')
    alpine = ctx.facts.get(best.candidate.tag)?.unknown
      ? 'yes, chosen: the policy prefers small images; every dependency judged installs from a wheel on musl, but some verdicts are unknown'
      : 'yes, chosen: every dependency installs from a wheel on musl and the policy prefers small images';
  else if (alpineGroups.length > 0) alpine = `rejected: ${alpineGroups.map((g) => g.message).join('; ')}`;
  else if (musl.length > 0) alpine = `risky: no musllinux wheel for ${listShort(musl.map(pkgLabel))}`;
  else if (scored.some((s) => s.candidate.variant === 'alpine'))
    alpine =
      'possible but not preferred: slim keeps glibc compatibility (set --libc musl or --prefer-small to choose alpine)';
  else alpine = 'no alpine image passes the constraints';
  steps.push({ step: 'alpine', question: 'Alpine (musl) considered?', answer: alpine });
  if (best) {
    const newer = newerMinorsText(best, input.candidates, rejected, scored, policy);
    const fewest = newerWithMoreBuilds(best, scored).length > 0;
    steps.push({
      step: 'python',
      question: 'Which Python minor?',
      answer: `${best.candidate.python}${fewest ? `: ${fewestText(best)}` : ''}${newer.length > 0 ? ` (newer: ${newer.join('; ')})` : ''}`,
    });
    steps.push({
      step: 'patch',
      question: 'Newest safe patch?',
      answer: `${best.candidate.pythonVersion}, the newest published on ${input.date}${best.vulnerabilities ? ', within the vulnerability limits' : ''}`,
    });
    const pin =
      stage === 'dev'
        ? 'minor line with distro: picks up patches and rebuilds, never a new distro'
        : stage === 'ci'
          ? 'exact patch and distro: reproducible runs'
          : 'exact tag plus digest: the image never changes under you';
    steps.push({ step: 'pin', question: 'How exact?', answer: pin });
  } else {
    steps.push({ step: 'python', question: 'Which Python minor?', answer: 'none passes the constraints' });
  }
  return steps;
}
