/**
 * Recommendation for a project directory: its references (extractProject), its dependencies (the
 * most precise lock, or the file named), their verdicts on every candidate (the dependency engine),
 * then `recommend`.
 */
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import type { InputFile } from '../deps/cache-files.js';
import { type CandidateList, candidateList, defaultArchs } from '../deps/candidates.js';
import { analysisKey, analyzeDependencyFile, readDependencyFile } from '../deps/result-cache.js';
import { type ExtractOptions, extractProject } from '../files/extract.js';
import { findDependencySource } from '../files/lockfiles/locate.js';
import type { DigestResolver } from '../fix/types.js';
import type { CompatibilityReport, ImageCandidate } from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import type { DependencySet } from '../model/dependencies.js';
import { isPybaseError } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import type { Extraction } from '../model/project.js';
import type { RecommendStage } from '../model/stage.js';
import type { IndexClient } from '../sources/package-index.js';
import { decisionDir, decisionKey, readDecisions, writeDecisions } from './decision-cache.js';
import { finishRecommendation } from './finish.js';
import type { PolicyInput } from './policy.js';
import { type PythonConstraint, projectPythonConstraints } from './python-constraints.js';
import type { RecommendInput } from './recommend.js';
import type { RecommendResult, VulnerabilityReport } from './types.js';

export interface RecommendProjectOptions {
  catalog: Catalog;
  date: IsoDate;
  stages?: readonly RecommendStage[];
  /** Default: the dependency engine's (amd64 and arm64). */
  archs?: readonly Arch[];
  policy?: PolicyInput;
  vulnerabilities?: readonly VulnerabilityReport[];
  /** A dependency file to read instead of the most precise one found (relative to the root). */
  deps?: string;
  offline?: boolean;
  index?: IndexClient;
  resolveDigest?: DigestResolver;
  extract?: ExtractOptions;
  /**
   * Called with the candidate images before any dependency is judged (when a stored analysis
   * answers, once it is read); it may throw to refuse the request (architectures that cannot be
   * judged at the date: `checkArchitectures`).
   */
  checkCandidates?: (candidates: readonly ImageCandidate[]) => void;
  /**
   * Where dependency analyses are kept between runs (`<cache dir>/deps`, see
   * {@link analyzeDependencyFile}); undefined: computed every time.
   */
  cacheDir?: string;
}

/** What a recommendation for a project directory is computed from (see {@link readProjectInputs}). */
export interface ProjectInputs {
  extraction: Extraction;
  candidates: ImageCandidate[];
  archs: Arch[];
  /** Absent when the project has no dependency file. */
  compatibility?: CompatibilityReport;
  requiresPython?: string;
  /** Present when the dependency analysis is in the result cache (see `DependencyAnalysis.stored`). */
  stored?: { key: string; inputs: readonly InputFile[] };
}

function archsOf(options: { archs?: readonly Arch[] | undefined }): Arch[] {
  return options.archs && options.archs.length > 0 ? [...options.archs] : [...defaultArchs];
}

function listOf(options: Pick<RecommendProjectOptions, 'catalog' | 'date' | 'policy'>): CandidateList {
  return candidateList(options.catalog, options.date, {
    includePrerelease: options.policy?.prereleases === true,
  });
}

/**
 * The project's references, its candidate images, and the verdicts of its dependencies on them: the
 * costly part of a recommendation, so that several policies can be decided on one reading (init
 * decides again with a shorter support window when the stage's policy leaves nothing).
 */
export async function readProjectInputs(
  root: string,
  options: Omit<RecommendProjectOptions, 'stages' | 'vulnerabilities' | 'resolveDigest'> & {
    /** The project's extraction when already made (else read here). */
    extraction?: Extraction;
    /** The dependency file's bytes when already read (else read here). */
    dependencyBytes?: Buffer;
  },
): Promise<ProjectInputs> {
  const { date } = options;
  const archs = archsOf(options);
  const extraction = options.extraction ?? (await extractProject(root, options.extract ?? {}));
  const listed = listOf(options);
  const published: CandidateList = {
    key: listed.key,
    list: () => {
      const candidates = listed.list();
      options.checkCandidates?.(candidates);
      return candidates;
    },
  };
  const found = findDependencySource(root, options.deps !== undefined ? { deps: options.deps } : {});
  // The candidates come with the dependency analysis: a stored one holds them, uncomputed here.
  let candidates: readonly ImageCandidate[] | undefined;
  let compatibility: CompatibilityReport | undefined;
  let requiresPython: string | undefined;
  let stored: ProjectInputs['stored'];
  if (found) {
    const index = options.index;
    const analysis = await analyzeDependencyFile({
      file: found.file,
      kind: found.kind,
      images: published,
      archs,
      date,
      offline: options.offline === true || index === undefined,
      ...(index ? { index: async () => index } : {}),
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
      ...(options.dependencyBytes ? { bytes: options.dependencyBytes } : {}),
    });
    candidates = analysis.images;
    if (analysis.fromCache) options.checkCandidates?.(candidates);
    compatibility = analysis.report;
    requiresPython = analysis.requiresPython;
    stored = analysis.stored;
    // Paths in the result are relative to the project root, like the references' files: output
    // must not depend on where the project was checked out.
    if (compatibility.source) {
      compatibility = {
        ...compatibility,
        source: { ...compatibility.source, file: projectPath(root, compatibility.source.file) },
      };
    }
  }
  return {
    extraction,
    candidates: [...(candidates ?? published.list())],
    archs,
    ...(compatibility ? { compatibility } : {}),
    ...(requiresPython ? { requiresPython } : {}),
    ...(stored ? { stored } : {}),
  };
}

/** The {@link recommend} input for prepared project inputs and the options of one run. */
export function recommendInputOf(
  inputs: ProjectInputs,
  options: Pick<
    RecommendProjectOptions,
    'catalog' | 'date' | 'stages' | 'policy' | 'vulnerabilities' | 'resolveDigest'
  >,
): RecommendInput {
  return {
    catalog: options.catalog,
    date: options.date,
    candidates: inputs.candidates,
    ...(inputs.compatibility ? { compatibility: inputs.compatibility } : {}),
    ...(inputs.requiresPython ? { requiresPython: inputs.requiresPython } : {}),
    extraction: inputs.extraction,
    archs: inputs.archs,
    ...(options.stages ? { stages: options.stages } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.vulnerabilities ? { vulnerabilities: options.vulnerabilities } : {}),
    ...(options.resolveDigest ? { resolveDigest: options.resolveDigest } : {}),
    diagnostics: inputs.extraction.diagnostics,
  };
}

/**
 * The recommendation for a project directory. With a cache directory, the decisions are kept
 * beside the dependency analysis (see `decision-cache.ts`): a run whose inputs are all unchanged
 * only finishes them, without loading the decision code or reading the analysis.
 */
export async function recommendProject(
  root: string,
  options: RecommendProjectOptions,
): Promise<RecommendResult> {
  const extraction = await extractProject(root, options.extract ?? {});
  const keyOf = (analysis: string) =>
    decisionKey({
      analysis,
      root,
      extraction,
      stages: options.stages,
      policy: options.policy,
      vulnerabilities: options.vulnerabilities,
    });
  const dir = options.cacheDir !== undefined ? decisionDir(options.cacheDir) : undefined;
  const found =
    dir !== undefined
      ? findDependencySource(root, options.deps !== undefined ? { deps: options.deps } : {})
      : undefined;
  // Read once: for the key here and, on a miss, for the analysis.
  const bytes = dir !== undefined && found ? readDependencyFile(found.file) : undefined;
  if (dir !== undefined && found && bytes) {
    const analysis = analysisKey(
      {
        file: found.file,
        kind: found.kind,
        images: listOf(options),
        archs: archsOf(options),
        date: options.date,
        offline: options.offline === true || options.index === undefined,
      },
      bytes,
    );
    const decided = readDecisions(dir, keyOf(analysis));
    if (decided) {
      return finishRecommendation(
        {
          catalog: options.catalog,
          date: options.date,
          archs: archsOf(options),
          extraction,
          ...(options.policy ? { policy: options.policy } : {}),
          ...(options.resolveDigest ? { resolveDigest: options.resolveDigest } : {}),
          diagnostics: extraction.diagnostics,
        },
        decided,
      );
    }
  }
  const inputs = await readProjectInputs(root, {
    ...options,
    extraction,
    ...(bytes ? { dependencyBytes: bytes } : {}),
  });
  const input = recommendInputOf(inputs, options);
  // Loaded here: decisions read from the cache are finished without the decision code.
  const { decideRecommendations } = await import('./recommend.js');
  const decided = decideRecommendations(input);
  if (dir !== undefined && inputs.stored)
    writeDecisions(dir, keyOf(inputs.stored.key), inputs.stored.inputs, decided);
  return finishRecommendation(input, decided);
}

/**
 * The project's own Python constraints (see {@link projectPythonConstraints}): its version
 * statements and the requires-python of its dependency file, the file named relative to the root.
 * A dependency file that cannot be read only leaves its constraint out.
 */
export async function readProjectPythonConstraints(
  root: string,
  options: { extract?: ExtractOptions; deps?: string } = {},
): Promise<PythonConstraint[]> {
  const extraction = await extractProject(root, options.extract ?? {});
  // Loaded here: a recommendation served from the result cache must not load the lock readers.
  const { tryReadProjectDependencies } = await import('../deps/project.js');
  let deps: DependencySet | undefined;
  try {
    deps = tryReadProjectDependencies(root, options.deps !== undefined ? { deps: options.deps } : {});
  } catch (error) {
    if (!isPybaseError(error)) throw error;
  }
  return projectPythonConstraints(
    extraction,
    deps?.requiresPython,
    deps ? projectPath(root, deps.source.file) : undefined,
  );
}

/**
 * `file` (absolute, or relative to the working directory like `root`) relative to `root` with '/'
 * separators when it lies inside the root; else as given.
 */
export function projectPath(root: string, file: string): string {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return file;
  return rel.split(path.sep).join('/');
}
