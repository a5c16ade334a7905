/**
 * Dependency facts for the PB2xx rules of `pybase check`: the project's dependencies read from its
 * lock file, judged lazily (and once) against each image the project's references name. Rules are
 * synchronous, so everything here is: the files of dependencies the lock does not name come from
 * index pages looked up beforehand (`lookups`, see `runCheck`), or stay unknown.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import type { Catalog } from '../catalog/catalog.js';
import type { CompatibilityReport, ImageCandidate } from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import { type DependencySet, dependencyReadErrors, normalizePackageName } from '../model/dependencies.js';
import { type Diagnostic, isPybaseError } from '../model/diagnostic.js';
import { type Arch, normalizeArch, wheelMachine } from '../model/platform.js';
import type { ProjectLookup } from '../sources/package-index.js';
import { formatLibc, wheelLibcNeeds } from '../wheels/index.js';
import { candidateOf, frozenCandidate } from './candidates.js';
import { analyzeDependenciesOffline, defaultArchs } from './engine.js';
import { type ProjectDependencyOptions, tryReadProjectDependencies } from './project.js';

/** The facts of one image as the references name it: the candidate and its report. */
export interface ImageDependencyFacts {
  candidate: ImageCandidate;
  /** False when the architectures could not be read (a tag no longer published). */
  architecturesKnown: boolean;
  report: CompatibilityReport;
}

export interface DependencyFacts {
  kind: 'pybase-dependency-facts';
  root: string;
  deps: DependencySet;
  /** Architectures the project is built for (configuration `archs`, default amd64 and arm64v8). */
  archs: Arch[];
  /** PEP 503 names of packages or vendor SDKs the configuration declares glibc-only. */
  glibcOnly: string[];
  /** The facts of the image a tag names at the date, or undefined when pybase cannot tell which image it is. */
  image(tag: string, date: IsoDate): ImageDependencyFacts | undefined;
  /**
   * {@link image} for several tags, the ones not judged yet judged together in one run of the
   * engine (images sharing a Python and a libc share their verdicts; each package is prepared once),
   * which is several times faster than one run per tag. The package summaries of such a report
   * (`report.packages`) are over every image judged with it.
   */
  images(tags: readonly string[], date: IsoDate): (ImageDependencyFacts | undefined)[];
  /**
   * The glibc a package's manylinux wheels need for the candidate's Python on `arch`, when it has
   * such wheels and no libc-independent one (`2.28`).
   */
  glibcNeeded(name: string, candidate: ImageCandidate, arch: Arch): string | undefined;
  /**
   * The text of every RUN instruction of one stage of a Dockerfile (relative to the root), joined; of
   * a Dockerfile written in that file when `embedded` gives it (a compose `dockerfile_inline`).
   */
  stageRunText(
    file: string,
    stageIndex: number,
    embedded?: { key: string; text: string },
  ): string | undefined;
}

export interface DependencyFactsOptions extends ProjectDependencyOptions {
  catalog: Catalog;
  /** Architecture names as written in the configuration; unknown ones are ignored. */
  archs?: readonly string[];
  glibcOnly?: readonly string[];
  /**
   * Index pages of the dependencies whose files the lock does not name, looked up beforehand
   * (`lookUpDependencies`). Without them those dependencies are `unknown`.
   */
  lookups?: ReadonlyMap<string, ProjectLookup>;
  /** Without `lookups`: true (the default) when pybase is offline, false when no index was given. */
  offline?: boolean;
}

/** The facts a rule context carries, or undefined when the context has none. */
export function dependencyFactsOf(value: unknown): DependencyFacts | undefined {
  return typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'pybase-dependency-facts'
    ? (value as DependencyFacts)
    : undefined;
}

/**
 * Read the project's dependencies (offline) and return the facts the PB2xx rules read, or
 * undefined when the project has no dependency file or it cannot be read.
 */
export function loadDependencyFacts(
  root: string,
  options: DependencyFactsOptions,
): DependencyFacts | undefined {
  return readDependencyFacts(root, options).facts;
}

export interface ReadDependencyFacts {
  /** Undefined when the project has no dependency file, or it cannot be read at all. */
  facts?: DependencyFacts;
  /**
   * Why the dependencies are missing or incomplete: the file cannot be read or parsed, or reading it
   * met errors (an include cycle, a lock missing entries). Their files are as found under `root`.
   */
  problems: Diagnostic[];
}

/** {@link loadDependencyFacts}, with the errors met on the way instead of silence. */
export function readDependencyFacts(root: string, options: DependencyFactsOptions): ReadDependencyFacts {
  const read = readDependencySet(root, options);
  if (!read.deps) return { problems: read.problems };
  return { facts: createDependencyFacts(root, read.deps, options), problems: read.problems };
}

/**
 * The project's dependencies as the PB2xx rules read them (the file `pybase deps` would read), with
 * the errors met on the way: a file that cannot be read at all, or errors that leave it incomplete.
 */
export function readDependencySet(
  root: string,
  options: ProjectDependencyOptions = {},
): { deps?: DependencySet; problems: Diagnostic[] } {
  let deps: DependencySet | undefined;
  try {
    deps = tryReadProjectDependencies(root, options);
  } catch (error) {
    if (isPybaseError(error)) return { problems: [error.diagnostic] };
    throw error;
  }
  if (!deps) return { problems: [] };
  return { deps, problems: dependencyReadErrors(deps.diagnostics) };
}

export function createDependencyFacts(
  root: string,
  deps: DependencySet,
  options: DependencyFactsOptions,
): DependencyFacts {
  const { catalog } = options;
  const archs: Arch[] = [];
  for (const a of options.archs ?? []) {
    const arch = normalizeArch(a);
    if (arch && arch !== 'windows-amd64' && !archs.includes(arch)) archs.push(arch);
  }
  if (archs.length === 0) archs.push(...defaultArchs);
  const glibcOnly = [...new Set((options.glibcOnly ?? []).map(normalizePackageName))];
  const images = new Map<string, ImageDependencyFacts | null>();
  const byName = new Map(deps.dependencies.map((d) => [d.name, d]));
  const stages = new Map<string, string[] | null>();

  const judgeAll = (tags: readonly string[], date: IsoDate): (ImageDependencyFacts | undefined)[] => {
    const pending: { key: string; candidate: ImageCandidate; architecturesKnown: boolean }[] = [];
    for (const tag of tags) {
      const key = `${tag}\u0000${date}`;
      if (images.has(key) || pending.some((p) => p.key === key)) continue;
      const resolved = catalog.resolve(tag, date);
      let candidate = resolved ? candidateOf(catalog, resolved.fullTag, date) : undefined;
      let architecturesKnown = candidate !== undefined && (resolved?.architectures?.length ?? 0) > 0;
      if (!candidate) {
        candidate = frozenCandidate(catalog, tag, date);
        architecturesKnown = false;
      }
      if (candidate) pending.push({ key, candidate, architecturesKnown });
      else images.set(key, null);
    }
    if (pending.length > 0) {
      // Judge every requested architecture, whether or not the tag is published for it; tags naming
      // the same image (`3.14-slim-trixie`, `3.14.7-slim-trixie`) are judged once.
      const judged = new Map<string, ImageCandidate>();
      for (const p of pending) {
        if (!judged.has(p.candidate.tag))
          judged.set(p.candidate.tag, { ...p.candidate, architectures: [...archs] });
      }
      const report = analyzeDependenciesOffline({
        deps,
        images: [...judged.values()],
        archs,
        date,
        ...(options.lookups ? { lookups: options.lookups } : {}),
        ...(options.offline !== undefined ? { offline: options.offline } : {}),
      });
      for (const p of pending) {
        const own = judged.get(p.candidate.tag);
        const mine =
          judged.size === 1 ? report : { ...report, images: report.images.filter((i) => i.image === own) };
        images.set(p.key, { candidate: p.candidate, architecturesKnown: p.architecturesKnown, report: mine });
      }
    }
    return tags.map((tag) => images.get(`${tag}\u0000${date}`) ?? undefined);
  };

  return {
    kind: 'pybase-dependency-facts',
    root,
    deps,
    archs,
    glibcOnly,
    image(tag, date) {
      return judgeAll([tag], date)[0];
    },
    images: judgeAll,
    glibcNeeded(name, candidate, arch) {
      const dep = byName.get(normalizePackageName(name));
      const machine = wheelMachine(arch);
      if (!dep?.files || dep.files.length === 0 || !machine) return undefined;
      const [major, minor, patch] = candidate.pythonVersion.split('.').map((x) => Number.parseInt(x, 10));
      if (major === undefined || minor === undefined) return undefined;
      const python: { major: number; minor: number; patch?: number } = { major, minor };
      if (patch !== undefined && !Number.isNaN(patch)) python.patch = patch;
      const pkg = { name: dep.name, files: dep.files, ...(dep.version ? { version: dep.version } : {}) };
      const needs = wheelLibcNeeds(pkg, python, machine, { pythonFullVersion: candidate.pythonVersion });
      if (needs.anyLibc || !needs.glibc) return undefined;
      return formatLibc(needs.glibc);
    },
    stageRunText(file, stageIndex, embedded) {
      const key = embedded ? `${file}#${embedded.key}` : file;
      let runs = stages.get(key);
      if (runs === undefined) {
        runs = null;
        try {
          runs = runTextByStage(embedded?.text ?? readFileSync(path.resolve(root, file), 'utf8'));
        } catch {
          runs = null;
        }
        stages.set(key, runs);
      }
      return runs?.[stageIndex];
    },
  };
}

/** RUN instruction text per build stage (index = the stage's position among FROM lines). */
export function runTextByStage(text: string): string[] {
  const out: string[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') out.push('');
    else if (keyword === 'RUN' && out.length > 0) {
      out[out.length - 1] = `${out[out.length - 1]}\n${instruction.getArgumentsContent() ?? ''}`;
    }
  }
  return out;
}

const aptCompiler =
  /\bapt(?:-get)?\b[^\n;&|]*\binstall\b[^\n;&|]*(?:\s|^)(?:gcc|g\+\+|clang|build-essential|gcc-\d+)(?=\s|$|[;&|])/;
const apkCompiler = /\bapk\b[^\n;&|]*\badd\b[^\n;&|]*(?:\s|^)(?:build-base|gcc|g\+\+|clang)(?=\s|$|[;&|])/;

/** True when RUN text installs a C compiler with apt or apk. */
export function installsCompiler(runText: string): boolean {
  return aptCompiler.test(runText) || apkCompiler.test(runText);
}

/** A python reference the PB2xx rules judge, with the dependency facts of its image. */
export interface JudgedImageReference<R> {
  pr: R;
  facts: ImageDependencyFacts;
}

/**
 * Pair each python reference with the dependency facts of the image it names (references without
 * a readable tag, or naming an image pybase cannot place, are left out).
 */
export function referencesWithFacts<
  R extends { image: { python?: unknown; tag?: string }; status?: { state: string } },
>(all: readonly R[], facts: DependencyFacts, date: IsoDate): JudgedImageReference<R>[] {
  const out: JudgedImageReference<R>[] = [];
  for (const pr of all) {
    if (!pr.image.python || pr.status?.state === 'unknown') continue;
    const image = facts.image(pr.image.tag ?? 'latest', date);
    if (image) out.push({ pr, facts: image });
  }
  return out;
}

/** `a, b, c and 4 more` */
export function nameList(names: readonly string[], max = 6): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
