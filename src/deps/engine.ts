/**
 * The dependency engine: which candidate images install a project's locked dependencies from
 * wheels, which need to build sdists, and which cannot work at all.
 *
 * Files come from the lock when it lists them; otherwise from the package index client (hashes
 * select exact files, a pin selects a release, a range picks the newest fitting release per
 * Python). Each (release, Python version, libc, machine) is judged once and reused by every image
 * that shares it: many tags (`3.12.14-slim-trixie`, `3.12.14-trixie`) are the same wheel target.
 */
import { compare as comparePep440, eq as equalPep440, satisfies, validRange } from '@renovatebot/pep440';
import type {
  CompatibilityReport,
  ImageCandidate,
  ImageCompatibility,
  PackageSummary,
  PackageVerdict,
  Verdict,
} from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import { type Dependency, type DependencySet, isJudgeable } from '../model/dependencies.js';
import { type Diagnostic, inputCodes, isPybaseError } from '../model/diagnostic.js';
import { type Arch, wheelMachine } from '../model/platform.js';
import type { IndexClient, IndexFile, IndexProgress, ProjectLookup } from '../sources/package-index.js';
import {
  type CandidateFile,
  evaluateMarker,
  formatLibc,
  judgePackage,
  type Marker,
  makeWheelTarget,
  markerEnvironment,
  type PackageFiles,
  parseDistributionFilename,
  parseMarker,
  requiresPythonAllows,
  type SupportedTags,
  supportedTags,
  type WheelTarget,
  wheelFilenameOf,
  wheelLibcNeeds,
} from '../wheels/index.js';
import { defaultArchs } from './candidates.js';

// Declared beside the candidates, so a caller needing only the default does not load the engine.
export { defaultArchs };

export interface AnalyzeOptions {
  deps: DependencySet;
  images: readonly ImageCandidate[];
  /** Architectures to judge (default {@link defaultArchs}); an image not published for one is left out for it. */
  archs?: readonly Arch[];
  /** The date the candidates were chosen at, recorded in the report. */
  date: IsoDate;
  /** Where files are looked up when the lock lists none. */
  index?: IndexClient;
  /** Never look anything up: dependencies without listed files get `unknown`. */
  offline?: boolean;
  onProgress?: (progress: IndexProgress) => void;
}

/** One release of a project on the index: its version and files. */
interface Release {
  version: string;
  files: CandidateFile[];
  /** Every file is yanked. */
  yanked: boolean;
}

/** How the files of one dependency are known. */
type FileSource =
  | { kind: 'fixed'; pkg: PackageFiles }
  | { kind: 'range'; specifier: string; releases: Release[]; name: string }
  | { kind: 'none'; verdict: Verdict; reason: string; version?: string };

interface Entry {
  dep: Dependency;
  source: FileSource;
  marker?: Marker;
  /**
   * True when every wheel of the fixed file list is platform-independent (`any`): then the wheel
   * pip picks depends on the Python version only, and one judgement serves every libc and machine.
   */
  pureOnly?: boolean;
  /** Judgements of a pure-only release by Python version. */
  byPython?: Map<string, PackageVerdict>;
  /** The fixed file list cut down to what can matter on one machine, by machine. */
  byMachine?: Map<string, PackageFiles>;
  /** The machine's list cut further to what can matter to one Python minor, by `minor|machine`. */
  byPythonMachine?: Map<string, PackageFiles>;
}

/**
 * The files that can be chosen on `machine`: sdists, and wheels with an `any` or `*_<machine>`
 * platform tag. Wheels for other machines (macOS, Windows, other CPUs) never match, so leaving them
 * out changes no verdict; only the wording of a miss names them, and misses are re-explained from
 * the whole list.
 */
function filesForMachine(pkg: PackageFiles, machine: string): PackageFiles {
  const suffix = `_${machine}`;
  const files = pkg.files.filter((f) => {
    const w = wheelOf(f.filename);
    if (!w) return !f.filename.endsWith('.whl');
    return w.platformTags.some((p) => p === 'any' || p.endsWith(suffix));
  });
  return files.length === pkg.files.length ? pkg : { ...pkg, files };
}

/**
 * The files of a machine's list that can be chosen by the target's Python minor, on any libc:
 * sdists, and wheels with a tag whose interpreter and ABI that Python accepts (every tag on the
 * target's list pairs an accepted interpreter and ABI with `linux_<machine>` or `any`, so no wheel
 * pip could pick is left out). Judging 2 or 3 wheels instead of every wheel of the machine is most
 * of what makes one target cheap. Only used when the release version is known: the wording of a
 * judgement falls back to the first wheel's version otherwise.
 */
function filesForPython(pkg: PackageFiles, supported: SupportedTags): PackageFiles {
  const { priority, target } = supported;
  const linux = `-linux_${target.machine}`;
  const files = pkg.files.filter((f) => {
    const w = wheelOf(f.filename);
    if (!w) return true;
    return w.tags.some((t) => {
      const pair = `${t.interpreter}-${t.abi}`;
      return priority.has(pair + linux) || priority.has(`${pair}-any`);
    });
  });
  return files.length === pkg.files.length ? pkg : { ...pkg, files };
}

interface Target {
  key: string;
  wheel: WheelTarget;
  /** `3.12.14` or `3.15.0rc1`. */
  pythonVersion: string;
  env: ReturnType<typeof markerEnvironment>;
}

/** Wheel file names are parsed once per run (the same names recur across targets and summaries). */
const wheelOf = wheelFilenameOf;

function isPureOnly(files: readonly CandidateFile[]): boolean {
  let wheels = 0;
  for (const f of files) {
    const w = wheelOf(f.filename);
    if (!w) continue;
    wheels++;
    if (w.platformTags.some((p) => p !== 'any')) return false;
  }
  return wheels > 0;
}

const zeroCounts = (): Record<Verdict, number> => ({
  wheel: 0,
  pure: 0,
  'sdist-build': 0,
  unavailable: 0,
  unknown: 0,
});

function versionOfFile(filename: string): string | undefined {
  const parsed = parseDistributionFilename(filename);
  return parsed.ok ? parsed.value.version : undefined;
}

function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return equalPep440(a, b);
  } catch {
    return false;
  }
}

/** Index files grouped into releases by the version in their names. */
function releasesOf(files: readonly IndexFile[]): Release[] {
  const byVersion = new Map<string, Release>();
  for (const f of files) {
    const version = versionOfFile(f.filename);
    if (!version) continue;
    let release = byVersion.get(version);
    if (!release) {
      release = { version, files: [], yanked: true };
      byVersion.set(version, release);
    }
    const file: CandidateFile = { filename: f.filename };
    if (f.requiresPython !== undefined) file.requiresPython = f.requiresPython;
    if (f.yanked !== false) file.yanked = true;
    else release.yanked = false;
    release.files.push(file);
  }
  return [...byVersion.values()];
}

function toCandidateFile(f: IndexFile): CandidateFile {
  const file: CandidateFile = { filename: f.filename };
  if (f.requiresPython !== undefined) file.requiresPython = f.requiresPython;
  if (f.yanked !== false) file.yanked = true;
  return file;
}

function label(dep: Dependency, version?: string): string {
  const v = version ?? dep.version;
  return v ? `${dep.name} ${v}` : dep.name;
}

/** Files selected by the `algorithm:hex` hashes of a Pipfile.lock or `--hash` requirement. */
function filesByHash(files: readonly IndexFile[], hashes: readonly string[]): IndexFile[] {
  const wanted = new Set(hashes.map((h) => h.toLowerCase()));
  return files.filter((f) =>
    Object.entries(f.hashes).some(([alg, hex]) => wanted.has(`${alg.toLowerCase()}:${hex.toLowerCase()}`)),
  );
}

/** Decide where a dependency's files come from once its index page (if any) is known. */
function sourceFromIndex(dep: Dependency, lookup: ProjectLookup, diagnostics: Diagnostic[]): FileSource {
  if (lookup.status === 'error') {
    diagnostics.push(lookup.diagnostic);
    return { kind: 'none', verdict: 'unknown', reason: `${label(dep)}: the index look-up failed` };
  }
  if (lookup.status === 'notFound') {
    return {
      kind: 'none',
      verdict: 'unavailable',
      reason: `${dep.name} is not on the package index (${lookup.searched.join(', ')})`,
    };
  }
  if (dep.hashes && dep.hashes.length > 0) {
    const exact = filesByHash(lookup.files, dep.hashes);
    if (exact.length > 0) {
      const version = dep.version ?? versionOfFile(exact[0]!.filename);
      return { kind: 'fixed', pkg: packageFiles(dep.name, version, exact.map(toCandidateFile)) };
    }
    diagnostics.push({
      code: inputCodes.network,
      severity: 'warning',
      message: `none of the ${dep.hashes.length} hashes written for ${label(dep)} matches a file on ${lookup.indexUrl}`,
      ...(dep.location ? { location: pointAt(dep.location) } : {}),
      hint: 'the lock may be stale, or the files come from another index; the release files are judged instead',
    });
  }
  if (dep.version !== undefined) {
    const version = dep.version;
    const files = lookup.files.filter((f) => {
      const v = versionOfFile(f.filename);
      return v !== undefined && sameVersion(v, version);
    });
    if (files.length === 0) {
      return {
        kind: 'none',
        verdict: 'unavailable',
        version,
        reason: `${dep.name} ${version} has no files on ${lookup.indexUrl}`,
      };
    }
    return { kind: 'fixed', pkg: packageFiles(dep.name, version, files.map(toCandidateFile)) };
  }
  return {
    kind: 'range',
    specifier: dep.specifier ?? '',
    releases: releasesOf(lookup.files),
    name: dep.name,
  };
}

function packageFiles(
  name: string,
  version: string | undefined,
  files: CandidateFile[],
  requiresPython?: string,
): PackageFiles {
  const pkg: PackageFiles = { name, files };
  if (version !== undefined) pkg.version = version;
  if (requiresPython !== undefined) pkg.requiresPython = requiresPython;
  return pkg;
}

function pointAt(loc: { file: string; line: number }): Diagnostic['location'] {
  return { file: loc.file, startLine: loc.line, startColumn: 1, endLine: loc.line, endColumn: 1 };
}

function isPrereleaseVersion(version: string): boolean {
  return /(a|b|rc|c|alpha|beta|pre|preview|dev)\d*/i.test(version.replace(/\.post\d+$/i, ''));
}

/**
 * The release pip would pick for a range on one Python: the newest version that satisfies the
 * specifier, is not yanked (PEP 592), and has a file whose requires-python admits the Python.
 * Pre-releases only when the specifier names one.
 */
function pickRelease(
  source: Extract<FileSource, { kind: 'range' }>,
  target: WheelTarget,
  pythonVersion: string,
): Release | undefined {
  const spec = source.specifier.trim();
  const specValid = spec === '' || Boolean(validRange(spec));
  const allowPre = /\d(a|b|rc)\d/i.test(spec);
  let best: Release | undefined;
  for (const r of source.releases) {
    if (r.yanked) continue;
    if (!allowPre && isPrereleaseVersion(r.version)) continue;
    try {
      if (spec !== '' && specValid && !satisfies(r.version, spec)) continue;
    } catch {
      continue;
    }
    const admits = r.files.some(
      (f) =>
        !f.yanked &&
        (f.requiresPython === undefined ||
          requiresPythonAllows(f.requiresPython, target, { pythonFullVersion: pythonVersion }) !== false),
    );
    if (!admits) continue;
    if (!best || safeCompare(r.version, best.version) > 0) best = r;
  }
  return best;
}

function safeCompare(a: string, b: string): number {
  try {
    return comparePep440(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

function makeTarget(image: ImageCandidate, arch: Arch): Target | undefined {
  const machine = wheelMachine(arch);
  if (!machine) return undefined;
  const exact = /^\d+\.\d+\.\d+$/.test(image.pythonVersion);
  let wheel: WheelTarget;
  try {
    wheel = makeWheelTarget(exact ? image.pythonVersion : image.python, image.libc, arch);
  } catch {
    return undefined;
  }
  const env = markerEnvironment(wheel, {
    python_full_version: image.pythonVersion,
    implementation_version: image.pythonVersion,
  });
  return {
    key: `${image.pythonVersion}|${image.libc.family}${image.libc.version}|${machine}`,
    wheel,
    pythonVersion: image.pythonVersion,
    env,
  };
}

/** Python minors for which a release ships a binary wheel (abi3 wheels count for later minors seen). */
function wheelPythonsOf(files: readonly CandidateFile[], minorsSeen: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const wheel = wheelOf(f.filename);
    if (!wheel) continue;
    for (const t of wheel.tags) {
      if (t.platform === 'any') continue;
      // A `py3` (or `py3N`) binary wheel without an ABI, such as the CUDA libraries' `py3-none-
      // manylinux...`, loads on every CPython 3 from that minor on: no Python is missing it.
      const generic = t.abi === 'none' ? /^py3(\d*)$/.exec(t.interpreter) : null;
      if (generic) {
        const from = `3.${generic[1] || '0'}`;
        for (const seen of minorsSeen) if (compareMinor(seen, from) >= 0) out.add(seen);
        continue;
      }
      const m = /^cp(\d)(\d+)$/.exec(t.interpreter);
      if (!m) continue;
      const minor = `${m[1]}.${m[2]}`;
      out.add(minor);
      if (t.abi === 'abi3') {
        for (const seen of minorsSeen) if (compareMinor(seen, minor) > 0) out.add(seen);
      }
    }
  }
  return [...out].sort(compareMinor);
}

function compareMinor(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return (am ?? 0) - (bm ?? 0) || (an ?? 0) - (bn ?? 0);
}

function summarize(
  pkg: PackageFiles,
  archs: readonly Arch[],
  pythons: readonly { major: number; minor: number; patch?: number; full: string }[],
  minorsSeen: readonly string[],
): PackageSummary {
  let hasBinaryWheels = false;
  let hasMusllinuxWheel = false;
  for (const f of pkg.files) {
    const wheel = wheelOf(f.filename);
    if (!wheel) continue;
    if (wheel.platformTags.some((p) => p !== 'any')) hasBinaryWheels = true;
    if (wheel.platformTags.some((p) => p.startsWith('musllinux_'))) hasMusllinuxWheel = true;
  }
  const summary: PackageSummary = { name: pkg.name, hasBinaryWheels, hasMusllinuxWheel };
  if (pkg.version !== undefined) summary.version = pkg.version;
  if (!hasBinaryWheels) return summary;
  const floor: Partial<Record<Arch, string>> = {};
  for (const arch of archs) {
    const machine = wheelMachine(arch);
    if (!machine) continue;
    let worst: { major: number; minor: number } | undefined;
    const cut = filesForMachine(pkg, machine);
    for (const py of pythons) {
      const needs = wheelLibcNeeds(cut, py, machine, { pythonFullVersion: py.full });
      if (needs.anyLibc || !needs.glibc) continue;
      if (
        !worst ||
        needs.glibc.major > worst.major ||
        (needs.glibc.major === worst.major && needs.glibc.minor > worst.minor)
      ) {
        worst = needs.glibc;
      }
    }
    if (worst) floor[arch] = formatLibc(worst);
  }
  if (Object.keys(floor).length > 0) summary.glibcFloor = floor;
  const wheelPythons = wheelPythonsOf(pkg.files, minorsSeen);
  if (wheelPythons.length > 0) summary.wheelPythons = wheelPythons;
  return summary;
}

/** The dependencies the engine judges: those the wheel logic can place, less the project's own packages. */
function judgeableDependencies(deps: DependencySet): Dependency[] {
  const own = new Set(deps.projectPackages ?? []);
  return deps.dependencies.filter((d) => isJudgeable(d) && !own.has(d.name));
}

/**
 * Names of the dependencies whose files the dependency file does not name (hashes only, plain
 * pins, ranges): what must be looked up in the package index before they can be judged.
 */
export function dependenciesToLookUp(deps: DependencySet): string[] {
  const names = judgeableDependencies(deps)
    .filter((d) => !(d.files && d.files.length > 0))
    .map((d) => d.name);
  return [...new Set(names)];
}

/**
 * Look every dependency of {@link dependenciesToLookUp} up in the index, by name. Failures are
 * results too (`status: 'error'`, with a diagnostic naming the host), never thrown.
 */
export async function lookUpDependencies(
  deps: DependencySet,
  index: IndexClient,
  onProgress?: (progress: IndexProgress) => void,
): Promise<Map<string, ProjectLookup>> {
  const names = dependenciesToLookUp(deps);
  const lookups = new Map<string, ProjectLookup>();
  if (names.length === 0) return lookups;
  const results = await index.lookupMany(names, onProgress);
  names.forEach((n, i) => {
    const r = results[i];
    if (r) lookups.set(n, r);
  });
  return lookups;
}

/**
 * Judge every dependency on every candidate image and architecture. Never throws for problems in
 * the input: look-up failures and unreadable markers become diagnostics.
 */
export async function analyzeDependencies(options: AnalyzeOptions): Promise<CompatibilityReport> {
  const online = !options.offline && options.index !== undefined;
  const lookups = online
    ? await lookUpDependencies(options.deps, options.index!, options.onProgress)
    : undefined;
  return judgeAll(options, judgeableDependencies(options.deps), lookups);
}

export interface AnalyzeSyncOptions extends Omit<AnalyzeOptions, 'index' | 'onProgress'> {
  /**
   * Index pages looked up beforehand ({@link lookUpDependencies}): dependencies whose files the
   * lock does not name are judged from them. Without it they are `unknown`.
   */
  lookups?: ReadonlyMap<string, ProjectLookup>;
}

/**
 * The same report synchronously, without a look-up of its own: dependencies whose files the lock
 * does not name are judged from `lookups` when given, else `unknown` (their reason says pybase is
 * offline when `offline` is true or left out, else that no package index was given). For callers
 * that cannot wait (the rules of `pybase check`, which look up beforehand).
 */
export function analyzeDependenciesOffline(options: AnalyzeSyncOptions): CompatibilityReport {
  const { lookups, ...rest } = options;
  return judgeAll(
    { ...rest, offline: lookups === undefined && options.offline !== false },
    judgeableDependencies(options.deps),
    lookups,
  );
}

function judgeAll(
  options: AnalyzeOptions,
  registry: Dependency[],
  lookups: ReadonlyMap<string, ProjectLookup> | undefined,
): CompatibilityReport {
  const { deps, images } = options;
  const archs = options.archs && options.archs.length > 0 ? [...options.archs] : [...defaultArchs];
  const diagnostics: Diagnostic[] = [...deps.diagnostics];
  const online = lookups !== undefined;
  let incomplete = false;
  const entries: Entry[] = registry.map((dep) => {
    let source: FileSource;
    if (dep.files && dep.files.length > 0) {
      source = { kind: 'fixed', pkg: packageFiles(dep.name, dep.version, dep.files, dep.requiresPython) };
    } else if (!online) {
      incomplete = true;
      source = {
        kind: 'none',
        verdict: 'unknown',
        reason: `${dep.name}: ${deps.source.kind} names no files for ${label(dep)} and ${options.offline ? 'pybase is offline' : 'no package index was given'}, so its wheels are unknown`,
      };
      if (dep.version !== undefined) source.version = dep.version;
    } else {
      const lookup = lookups.get(dep.name);
      source = lookup
        ? sourceFromIndex(dep, lookup, diagnostics)
        : { kind: 'none', verdict: 'unknown', reason: `${label(dep)} was not looked up` };
      if (source.kind === 'none' && source.verdict === 'unknown') incomplete = true;
    }
    const entry: Entry = { dep, source };
    if (source.kind === 'fixed' && isPureOnly(source.pkg.files)) {
      entry.pureOnly = true;
      entry.byPython = new Map();
    }
    if (dep.marker && dep.marker.trim() !== '') {
      const parsed = parseMarker(dep.marker);
      if (parsed.ok) entry.marker = parsed.marker;
      else {
        diagnostics.push({
          code: inputCodes.parseError,
          severity: 'warning',
          message: `the marker of ${dep.name} cannot be read (${parsed.error.message}); the dependency is judged on every image`,
          ...(dep.location ? { location: pointAt(dep.location) } : {}),
        });
      }
    }
    return entry;
  });

  // 2. Distinct wheel targets: images that share Python version, libc and machine share verdicts.
  const targets = new Map<string, Target>();
  const pairs: { image: ImageCandidate; arch: Arch; target: Target }[] = [];
  for (const image of images) {
    for (const arch of archs) {
      if (!image.architectures.includes(arch)) continue;
      const target = makeTarget(image, arch);
      if (!target) continue;
      const shared = targets.get(target.key) ?? target;
      targets.set(target.key, shared);
      pairs.push({ image, arch, target: shared });
    }
  }

  // 3. Judge each dependency once per target.
  const markerFailures = new Set<string>();
  // Many dependencies share a marker text; its value depends only on the target's environment.
  const markerValues = new Map<string, boolean>();
  const chosen = new Map<Entry, PackageFiles>();
  const perTarget = new Map<string, { packages: PackageVerdict[]; counts: Record<Verdict, number> }>();
  for (const target of targets.values()) {
    const packages: PackageVerdict[] = [];
    const counts = zeroCounts();
    for (const entry of entries) {
      if (entry.marker) {
        const memoKey = `${entry.dep.marker}\u0000${target.pythonVersion}\u0000${target.wheel.machine}`;
        let included = markerValues.get(memoKey);
        if (included === undefined) {
          try {
            included = evaluateMarker(entry.marker, target.env);
            markerValues.set(memoKey, included);
          } catch (error) {
            if (!isPybaseError(error)) throw error;
            if (!markerFailures.has(entry.dep.name)) {
              markerFailures.add(entry.dep.name);
              diagnostics.push({
                ...error.diagnostic,
                severity: 'warning',
                message: `${entry.dep.name}: ${error.diagnostic.message}; the dependency is judged on every image`,
              });
            }
            included = true;
          }
        }
        if (!included) continue;
      }
      const verdict = judgeEntry(entry, target, chosen);
      counts[verdict.verdict]++;
      packages.push(verdict);
    }
    perTarget.set(target.key, { packages, counts });
  }

  // 4. Per-package facts across the candidates.
  const pythonsSeen = new Map<string, { major: number; minor: number; patch?: number; full: string }>();
  for (const t of targets.values()) {
    const py: { major: number; minor: number; patch?: number; full: string } = {
      major: t.wheel.python.major,
      minor: t.wheel.python.minor,
      full: t.pythonVersion,
    };
    if (t.wheel.python.patch !== undefined) py.patch = t.wheel.python.patch;
    pythonsSeen.set(t.pythonVersion, py);
  }
  const pythons = [...pythonsSeen.values()];
  const minorsSeen = [...new Set(pythons.map((p) => `${p.major}.${p.minor}`))];
  const packages: PackageSummary[] = [];
  const summarized = new Set<string>();
  for (const entry of entries) {
    const key = `${entry.dep.name}\u0000${entry.dep.version ?? ''}`;
    if (summarized.has(key)) continue;
    summarized.add(key);
    const pkg =
      entry.source.kind === 'fixed'
        ? entry.source.pkg
        : (chosen.get(entry) ?? (entry.source.kind === 'range' ? newestRelease(entry.source) : undefined));
    if (!pkg) {
      const summary: PackageSummary = {
        name: entry.dep.name,
        hasBinaryWheels: false,
        hasMusllinuxWheel: false,
      };
      const version = entry.dep.version ?? (entry.source.kind === 'none' ? entry.source.version : undefined);
      if (version !== undefined) summary.version = version;
      packages.push(summary);
      continue;
    }
    packages.push(summarize(pkg, archs, pythons, minorsSeen));
  }

  // 5. Per image and architecture. Packages with native code: those with a binary wheel somewhere.
  const native = new Set(packages.filter((p) => p.hasBinaryWheels).map((p) => p.name));
  const results: ImageCompatibility[] = pairs.map(({ image, arch, target }) => {
    const { packages, counts } = perTarget.get(target.key)!;
    const allFromWheels = packages.length === counts.wheel + counts.pure;
    const excluded = projectExcludes(deps, target);
    // A package with no binary wheel anywhere (sdist only, usually pure Python) builds with pip
    // alone; only packages with native code need the compiler that only full images have.
    const installable =
      !excluded &&
      counts.unavailable === 0 &&
      (image.hasCompiler || packages.every((p) => p.verdict !== 'sdist-build' || !native.has(p.name)));
    const result: ImageCompatibility = {
      image,
      arch,
      counts: { ...counts },
      packages,
      allFromWheels,
      installable,
    };
    if (excluded) result.excludedByProject = excluded;
    return result;
  });

  return {
    date: options.date,
    source: { file: deps.source.file, kind: deps.source.kind },
    archs,
    images: results,
    packages,
    diagnostics,
    incomplete,
  };
}

/** Why the project's own requires-python rules out the target's Python, or undefined when it does not. */
function projectExcludes(deps: DependencySet, target: Target): string | undefined {
  const spec = deps.requiresPython;
  if (!spec) return undefined;
  const allowed = requiresPythonAllows(spec, target.wheel, { pythonFullVersion: target.pythonVersion });
  if (allowed !== false) return undefined;
  return `the project requires Python '${deps.source.requiresPythonAsWritten ?? spec}' (${deps.source.file}), which excludes CPython ${target.pythonVersion}`;
}

function newestRelease(source: Extract<FileSource, { kind: 'range' }>): PackageFiles | undefined {
  let best: Release | undefined;
  for (const r of source.releases)
    if (!r.yanked && (!best || safeCompare(r.version, best.version) > 0)) best = r;
  return best ? packageFiles(source.name, best.version, best.files) : undefined;
}

/** The verdict of one dependency on one target (memoised by the caller per target). */
function judgeEntry(entry: Entry, target: Target, chosen: Map<Entry, PackageFiles>): PackageVerdict {
  const { dep, source } = entry;
  if (source.kind === 'none') {
    const v: PackageVerdict = { name: dep.name, verdict: source.verdict, reason: source.reason };
    const version = dep.version ?? source.version;
    if (version !== undefined) v.version = version;
    return v;
  }
  let pkg: PackageFiles;
  let whole: PackageFiles | undefined;
  if (source.kind === 'fixed') {
    const reused = entry.byPython?.get(target.pythonVersion);
    if (reused) return reused;
    whole = source.pkg;
    entry.byMachine ??= new Map();
    const machine = target.wheel.machine;
    let cut = entry.byMachine.get(machine);
    if (!cut) {
      cut = filesForMachine(source.pkg, machine);
      entry.byMachine.set(machine, cut);
    }
    if (cut.version !== undefined) {
      const { major, minor } = target.wheel.python;
      const key = `${major}.${minor}|${machine}`;
      entry.byPythonMachine ??= new Map();
      let forPython = entry.byPythonMachine.get(key);
      if (!forPython) {
        forPython = filesForPython(cut, supportedTags(target.wheel));
        entry.byPythonMachine.set(key, forPython);
      }
      cut = forPython;
    }
    pkg = cut;
  } else {
    const release = pickRelease(source, target.wheel, target.pythonVersion);
    if (!release) {
      return {
        name: dep.name,
        verdict: 'unavailable',
        reason: `no release of ${dep.name} matching '${source.specifier || '*'}' supports CPython ${target.pythonVersion}`,
      };
    }
    pkg = packageFiles(dep.name, release.version, release.files);
    if (!chosen.has(entry)) chosen.set(entry, pkg);
  }
  const opts = { pythonFullVersion: target.pythonVersion };
  let j = judgePackage(pkg, target.wheel, opts);
  if (whole && whole !== pkg && j.verdict !== 'wheel' && j.verdict !== 'pure') {
    j = judgePackage(whole, target.wheel, opts);
  }
  const v: PackageVerdict = { name: dep.name, verdict: j.verdict, reason: j.reason };
  if (pkg.version !== undefined) v.version = pkg.version;
  if (j.file !== undefined) v.file = j.file;
  if (entry.byPython && v.verdict === 'pure') {
    // The same pure wheel wins on every libc and machine: say so without naming one target.
    v.reason = `${label(dep, pkg.version)} installs the pure-Python wheel ${j.file ?? ''} on CPython ${target.pythonVersion}`;
    entry.byPython.set(target.pythonVersion, v);
  }
  return v;
}
