/**
 * Per-package verdicts: will pip install a wheel of this release on a target, or build the sdist,
 * or fail? Follows pip's choice: files whose `requires-python` excludes the interpreter are
 * skipped, the compatible wheel with the best tag priority wins (non-yanked files first, then the
 * higher build tag), and without a compatible wheel pip falls back to the sdist.
 *
 * Hand-written on top of `tags.ts` (no npm library models pip's file selection).
 */
import { satisfies, validRange } from '@renovatebot/pep440';
import { normalizeName, sdistExtension, type WheelFilename, wheelFilenameOf } from './filename.js';
import {
  compareLibc,
  formatLibc,
  type LibcVersion,
  legacyManylinuxAliases,
  manylinuxFloor,
} from './policy.js';
import { bestTagMatchIn, type SupportedTags, supportedTags } from './tags.js';
import type { WheelTarget } from './target.js';

export interface DistributionFile {
  filename: string;
  /** The file's own `data-requires-python` (PEP 503/691), when the index gives one. */
  requiresPython?: string;
  yanked?: boolean;
}

export interface PackageFiles {
  name: string;
  version?: string;
  /** `requires-python` of the release (PEP 440 specifier set). */
  requiresPython?: string;
  files: readonly DistributionFile[];
}

export type Verdict = 'wheel' | 'pure' | 'sdist-build' | 'unavailable' | 'unknown';

export interface PackageJudgement {
  verdict: Verdict;
  /** The file pip would install: the best wheel, or the sdist. */
  file?: string;
  /** For a wheel: the supported tag that selected it. */
  tag?: string;
  /** True when the chosen file is yanked (pip installs it only because nothing else fits). */
  yanked?: boolean;
  reason: string;
}

export interface JudgeOptions {
  /**
   * Compare `requires-python` against this full version (`3.12.4`). Default: the target's patch
   * when known; otherwise a specifier counts as satisfied when some `X.Y.Z` release satisfies it.
   */
  pythonFullVersion?: string;
}

/** Python patch numbers tried when the patch is unknown (CPython 3.x releases stay far below). */
const patchSearchLimit = 40;
const requiresPythonCache = new Map<string, boolean | undefined>();
const validSpecifiers = new Map<string, boolean>();

/**
 * Whether a `requires-python` specifier admits the target's Python. `undefined` for a specifier
 * that is not valid PEP 440: pip ignores those, and so do the verdicts.
 */
export function requiresPythonAllows(
  specifier: string,
  target: WheelTarget,
  opts: JudgeOptions = {},
): boolean | undefined {
  const spec = specifier.trim();
  if (spec === '') return true;
  const { major, minor, patch } = target.python;
  const full = opts.pythonFullVersion ?? (patch === undefined ? undefined : `${major}.${minor}.${patch}`);
  const key = `${spec}\u0000${full ?? `${major}.${minor}.*`}`;
  if (requiresPythonCache.has(key)) return requiresPythonCache.get(key);
  let answer: boolean | undefined;
  try {
    // Validity depends on the specifier only: checked once per specifier, not once per Python
    // version (checking parses the specifier, a third of this function's time on a large lock).
    let valid = validSpecifiers.get(spec);
    if (valid === undefined) {
      valid = Boolean(validRange(spec));
      validSpecifiers.set(spec, valid);
    }
    if (!valid) {
      answer = undefined;
    } else if (full !== undefined) {
      answer = satisfies(full, spec, { prereleases: true });
    } else {
      answer = false;
      for (let p = 0; p <= patchSearchLimit && !answer; p++) {
        answer = satisfies(`${major}.${minor}.${p}`, spec, { prereleases: true });
      }
    }
  } catch {
    answer = undefined;
  }
  requiresPythonCache.set(key, answer);
  return answer;
}

const wheelOf = wheelFilenameOf;

interface Candidate {
  file: DistributionFile;
  wheel: WheelFilename;
  priority: number;
  tag: string;
}

function better(a: Candidate, b: Candidate): boolean {
  const ay = a.file.yanked ? 1 : 0;
  const by = b.file.yanked ? 1 : 0;
  if (ay !== by) return ay < by;
  if (a.priority !== b.priority) return a.priority < b.priority;
  const an = a.wheel.build?.number ?? -1;
  const bn = b.wheel.build?.number ?? -1;
  if (an !== bn) return an > bn;
  return (a.wheel.build?.suffix ?? '') > (b.wheel.build?.suffix ?? '');
}

function releaseLabel(pkg: PackageFiles, wheels: readonly WheelFilename[]): string {
  const version = pkg.version ?? wheels[0]?.version;
  return version ? `${pkg.name} ${version}` : pkg.name;
}

function libcWord(target: WheelTarget): string {
  return target.libc.family === 'glibc' ? 'manylinux' : 'musllinux';
}

/** True when the wheel tag's interpreter and ABI are acceptable to the target's Python. */
function pythonAccepts(supported: SupportedTags, interpreter: string, abi: string): boolean {
  const { priority, target } = supported;
  return (
    priority.has(`${interpreter}-${abi}-linux_${target.machine}`) || priority.has(`${interpreter}-${abi}-any`)
  );
}

const manylinuxPattern = /^manylinux_(\d+)_(\d+)_(.+)$/;
const musllinuxPattern = /^musllinux_(\d+)_(\d+)_(.+)$/;

/** The libc a platform tag asks for on `machine`, or undefined when the tag is for another machine. */
export function platformLibcRequirement(
  platform: string,
  machine: string,
): { kind: 'any' } | { kind: 'glibc' | 'musl'; version: LibcVersion } | undefined {
  if (platform === 'any' || platform === `linux_${machine}`) return { kind: 'any' };
  const many = manylinuxPattern.exec(platform);
  if (many) {
    return many[3] === machine
      ? { kind: 'glibc', version: { major: Number(many[1]), minor: Number(many[2]) } }
      : undefined;
  }
  const musl = musllinuxPattern.exec(platform);
  if (musl) {
    return musl[3] === machine
      ? { kind: 'musl', version: { major: Number(musl[1]), minor: Number(musl[2]) } }
      : undefined;
  }
  for (const alias of legacyManylinuxAliases) {
    if (platform === `${alias.tag}_${machine}`) return { kind: 'glibc', version: alias.glibc };
  }
  return undefined;
}

function pyLabel(target: WheelTarget): string {
  return `cp${target.python.major}${target.python.minor}`;
}

/**
 * Distinct CPython / generic Python tags in version order (other interpreters such as `pp310` do
 * not matter to CPython images); long lists keep the oldest and the newest few.
 */
function pythonTagList(tags: Iterable<string>): string {
  const key = (t: string) => {
    const m = /^(?:cp|py)(\d)(\d*)/.exec(t);
    return m ? Number(m[1]) * 1000 + Number(m[2] || 0) : 0;
  };
  const all = [...new Set(tags)];
  const cpython = all.filter((t) => /^(?:cp|py)\d/.test(t));
  const sorted = (cpython.length > 0 ? cpython : all).sort((a, b) => key(a) - key(b) || a.localeCompare(b));
  return sorted.length <= 6 ? sorted.join(', ') : `${sorted[0]}, ..., ${sorted.slice(-4).join(', ')}`;
}

/** Why none of the wheels fits the target, in one sentence (without the sdist part). */
function explainMiss(
  label: string,
  wheels: readonly WheelFilename[],
  target: WheelTarget,
  supported: SupportedTags,
): string {
  const where = `${libcWord(target)} ${target.machine}`;
  if (wheels.length === 0) return `${label} publishes no wheels`;
  const pythonOk = wheels.filter((w) => w.tags.some((t) => pythonAccepts(supported, t.interpreter, t.abi)));
  const head = `${label} publishes no ${pyLabel(target)} wheel for ${where}`;
  if (pythonOk.length === 0) {
    const ownMinor = pyLabel(target);
    const freeThreaded = wheels.some((w) => w.abiTags.includes(`${ownMinor}t`));
    if (freeThreaded) {
      return `${head} (only free-threaded ${ownMinor}t wheels, which the standard images cannot load)`;
    }
    return `${head} (its wheels are for ${pythonTagList(wheels.flatMap((w) => w.pythonTags))})`;
  }
  // The Python fits some wheels: the platform does not. Look for the libc those wheels need.
  let needed: LibcVersion | undefined;
  let sameFamily = false;
  for (const w of pythonOk) {
    for (const t of w.tags) {
      if (!pythonAccepts(supported, t.interpreter, t.abi)) continue;
      const req = platformLibcRequirement(t.platform, target.machine);
      if (!req || req.kind !== target.libc.family) continue;
      if (req.kind === 'glibc' && compareLibc(req.version, manylinuxFloor(target.machine)) < 0) continue;
      if (req.kind === 'musl' && req.version.major !== target.libc.major) continue;
      sameFamily = true;
      if (!needed || compareLibc(req.version, needed) < 0) needed = req.version;
    }
  }
  const have = `${target.libc.family} ${target.libc.major}.${target.libc.minor}`;
  if (sameFamily && needed && compareLibc(needed, target.libc) > 0) {
    return `${head}: its ${libcWord(target)} wheels need ${target.libc.family} >= ${formatLibc(needed)}, the target has ${have}`;
  }
  const family = target.libc.family;
  const onPlatform = wheels.filter((w) =>
    w.platformTags.some((p) => platformLibcRequirement(p, target.machine)?.kind === family),
  );
  if (onPlatform.length === 0) {
    const anyMusl = wheels.some((w) => w.platformTags.some((p) => p.startsWith('musllinux_')));
    if (family === 'musl' && !anyMusl) return `${head} (it has no musllinux wheels at all)`;
    return `${head} (it has no ${where} wheels)`;
  }
  return `${head} (its ${where} wheels are for ${pythonTagList(onPlatform.flatMap((w) => w.pythonTags))})`;
}

/**
 * Judge one release on one target: which file pip would install, and why.
 * - `wheel` / `pure`: a compatible binary / `none-any` wheel exists (the best one is `file`);
 * - `sdist-build`: no wheel fits, pip would build the sdist (needs a compiler for native code);
 * - `unavailable`: `requires-python` excludes the target's Python, or no wheel fits and there is no sdist;
 * - `unknown`: no file list to judge.
 */
export function judgePackage(
  pkg: PackageFiles,
  target: WheelTarget,
  opts: JudgeOptions = {},
): PackageJudgement {
  if (pkg.files.length === 0) {
    return {
      verdict: 'unknown',
      reason: `no distribution files are listed for ${pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name}; they must be looked up in the package index`,
    };
  }
  const py = `${target.python.major}.${target.python.minor}`;
  const projectName = normalizeName(pkg.name);
  if (pkg.requiresPython !== undefined && requiresPythonAllows(pkg.requiresPython, target, opts) === false) {
    return {
      verdict: 'unavailable',
      reason: `${pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name} requires Python '${pkg.requiresPython}', which excludes CPython ${py}`,
    };
  }
  const wheels: WheelFilename[] = [];
  const sdists: DistributionFile[] = [];
  const excluded: DistributionFile[] = [];
  let best: Candidate | undefined;
  const supported = supportedTags(target);
  for (const file of pkg.files) {
    const wheel = file.filename.endsWith('.whl') ? wheelOf(file.filename) : undefined;
    const isSdist = !wheel && !file.filename.endsWith('.whl') && sdistExtension(file.filename) !== undefined;
    if (!wheel && !isSdist) continue;
    if (wheel && wheel.name !== projectName) continue;
    if (
      file.requiresPython !== undefined &&
      requiresPythonAllows(file.requiresPython, target, opts) === false
    ) {
      excluded.push(file);
      continue;
    }
    if (isSdist) {
      sdists.push(file);
      continue;
    }
    if (!wheel) continue;
    wheels.push(wheel);
    const match = bestTagMatchIn(supported, wheel);
    if (!match) continue;
    const candidate: Candidate = { file, wheel, priority: match.priority, tag: match.tag };
    if (!best || better(candidate, best)) best = candidate;
  }
  const label = releaseLabel(pkg, wheels);
  if (best) {
    const pure = best.tag.endsWith('-any');
    const yanked = best.file.yanked === true;
    const judgement: PackageJudgement = {
      verdict: pure ? 'pure' : 'wheel',
      file: best.file.filename,
      tag: best.tag,
      reason: `${label} installs ${pure ? 'the pure-Python wheel' : 'the wheel'} ${best.file.filename} on ${describeShort(supported.target)}${yanked ? ' (a yanked file: nothing else fits)' : ''}${plainLinuxOnMusl(best.tag, target) ? plainLinuxCaution : ''}`,
    };
    if (yanked) judgement.yanked = true;
    return judgement;
  }
  if (wheels.length === 0 && sdists.length === 0 && excluded.length > 0) {
    const specs = [...new Set(excluded.map((f) => f.requiresPython))].join("', '");
    return {
      verdict: 'unavailable',
      reason: `every file of ${label} requires Python '${specs}', which excludes CPython ${py}`,
    };
  }
  const sdist = sdists.find((f) => !f.yanked) ?? sdists[0];
  const miss = explainMiss(label, wheels, target, supported);
  if (sdist) {
    const native = wheels.some((w) => w.platformTags.some((p) => p !== 'any'));
    const build =
      wheels.length === 0
        ? `${label} publishes only an sdist: pip builds it at install time (a compiler is needed if it has C extensions)`
        : native
          ? `${miss}; pip would build the sdist, which needs a C compiler and headers`
          : `${miss}; pip would build the sdist`;
    const judgement: PackageJudgement = { verdict: 'sdist-build', file: sdist.filename, reason: build };
    if (sdist.yanked) judgement.yanked = true;
    return judgement;
  }
  return { verdict: 'unavailable', reason: `${miss}, and no sdist to build from` };
}

/**
 * pip accepts a plain `linux_<machine>` wheel on musl as on glibc, and so does pybase; but the tag says
 * nothing about the libc it was built against, and most such wheels are built on glibc.
 */
function plainLinuxOnMusl(tag: string, target: WheelTarget): boolean {
  return target.libc.family === 'musl' && tag.endsWith(`-linux_${target.machine}`);
}

const plainLinuxCaution =
  ' (pip accepts this plain linux_* wheel on musl, but its tag does not say which libc it was built for: most are built on glibc and then fail to load on Alpine)';

function describeShort(target: WheelTarget): string {
  return `${pyLabel(target)} ${target.libc.family} ${target.libc.major}.${target.libc.minor} ${target.machine}`;
}

/** What a release's wheels ask of the libc, for one Python minor on one machine. */
export interface LibcNeeds {
  /** A wheel for this Python installs regardless of libc (`any` or plain `linux_<machine>`). */
  anyLibc: boolean;
  /** The oldest glibc on which one of its manylinux wheels installs (undefined: none does). */
  glibc?: LibcVersion;
  /** The oldest musl on which one of its musllinux wheels installs (undefined: no musllinux wheel). */
  musl?: LibcVersion;
}

/**
 * The libc versions a release's wheels need for CPython `python` on `machine` (wheels whose
 * `requires-python` excludes that Python are left out; yanked ones too, unless nothing else fits).
 */
export function wheelLibcNeeds(
  pkg: PackageFiles,
  python: { major: number; minor: number; patch?: number },
  machine: string,
  opts: JudgeOptions = {},
): LibcNeeds {
  // The Python part of the tag list is the same for every libc, so a glibc target stands for all.
  const probe: WheelTarget = { python, libc: { family: 'glibc', major: 2, minor: 17 }, machine };
  const supported = supportedTags(probe);
  const projectName = normalizeName(pkg.name);
  const compute = (files: readonly DistributionFile[]): LibcNeeds => {
    const needs: LibcNeeds = { anyLibc: false };
    for (const file of files) {
      const wheel = wheelOf(file.filename);
      if (!wheel || wheel.name !== projectName) continue;
      if (
        file.requiresPython !== undefined &&
        requiresPythonAllows(file.requiresPython, probe, opts) === false
      ) {
        continue;
      }
      for (const t of wheel.tags) {
        if (!pythonAccepts(supported, t.interpreter, t.abi)) continue;
        const req = platformLibcRequirement(t.platform, machine);
        if (!req) continue;
        if (req.kind === 'any') needs.anyLibc = true;
        else if (req.kind === 'glibc') {
          if (compareLibc(req.version, manylinuxFloor(machine)) < 0) continue;
          if (!needs.glibc || compareLibc(req.version, needs.glibc) < 0) needs.glibc = req.version;
        } else if (!needs.musl || compareLibc(req.version, needs.musl) < 0) {
          needs.musl = req.version;
        }
      }
    }
    return needs;
  };
  const live = compute(pkg.files.filter((f) => !f.yanked));
  if (live.anyLibc || live.glibc || live.musl) return live;
  return compute(pkg.files);
}

export interface TargetResult {
  target: WheelTarget;
  judgement: PackageJudgement;
  needs: LibcNeeds;
}

export interface PackageSupport {
  name: string;
  version?: string;
  results: TargetResult[];
  /**
   * The newest glibc that the wheels need on any of the glibc targets given (for the Python and
   * machine of each): "wheels need glibc >= X.Y". Undefined when no glibc target needs a manylinux
   * wheel (pure wheels, or no manylinux wheel at all).
   */
  glibcFloor?: LibcVersion;
  /** The release has at least one musllinux wheel (for any Python and machine). */
  hasMusllinuxWheel: boolean;
  /** The release has binary wheels for some platform (it contains native code). */
  hasBinaryWheels: boolean;
}

/** Judge one release on many targets, with the libc facts later rules need. */
export function judgeAcrossTargets(
  pkg: PackageFiles,
  targets: readonly WheelTarget[],
  opts: JudgeOptions = {},
): PackageSupport {
  const needsCache = new Map<string, LibcNeeds>();
  const results: TargetResult[] = targets.map((target) => {
    const key = `${target.python.major}.${target.python.minor}.${target.python.patch ?? ''}-${target.machine}`;
    let needs = needsCache.get(key);
    if (!needs) {
      needs = wheelLibcNeeds(pkg, target.python, target.machine, opts);
      needsCache.set(key, needs);
    }
    return { target, judgement: judgePackage(pkg, target, opts), needs };
  });
  let glibcFloor: LibcVersion | undefined;
  for (const r of results) {
    if (r.target.libc.family !== 'glibc' || r.needs.anyLibc || !r.needs.glibc) continue;
    if (!glibcFloor || compareLibc(r.needs.glibc, glibcFloor) > 0) glibcFloor = r.needs.glibc;
  }
  let hasMusllinuxWheel = false;
  let hasBinaryWheels = false;
  for (const file of pkg.files) {
    const wheel = wheelOf(file.filename);
    if (!wheel) continue;
    if (wheel.platformTags.some((p) => p.startsWith('musllinux_'))) hasMusllinuxWheel = true;
    if (wheel.platformTags.some((p) => p !== 'any')) hasBinaryWheels = true;
  }
  const support: PackageSupport = { name: pkg.name, results, hasMusllinuxWheel, hasBinaryWheels };
  if (pkg.version !== undefined) support.version = pkg.version;
  if (glibcFloor) support.glibcFloor = glibcFloor;
  return support;
}
