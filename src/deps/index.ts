/**
 * The dependency engine: candidate images from the catalog, and per image and architecture the
 * verdict of every locked dependency (wheel, pure, sdist-build, unavailable, unknown).
 */
export type {
  CompatibilityReport,
  ImageCandidate,
  ImageCompatibility,
  PackageSummary,
  PackageVerdict,
} from '../model/compat.js';
export { verdicts } from '../model/compat.js';
export {
  type CandidateList,
  type CandidateOptions,
  candidateImages,
  candidateList,
  candidateOf,
  checkArchitectures,
  frozenCandidate,
  withUnknownArchitectures,
} from './candidates.js';
export {
  type AnalyzeOptions,
  type AnalyzeSyncOptions,
  analyzeDependencies,
  analyzeDependenciesOffline,
  defaultArchs,
  dependenciesToLookUp,
  lookUpDependencies,
} from './engine.js';
export {
  dependencyFilesLookedFor,
  locateProjectDependencies,
  type ProjectDependencyOptions,
  readProjectDependencies,
  tryReadProjectDependencies,
} from './project.js';
export {
  analysisKey,
  analyzeDependencyFile,
  type DependencyAnalysis,
  type DependencyAnalysisRequest,
} from './result-cache.js';
