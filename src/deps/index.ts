/**
 * The dependency engine: candidate images from the catalog, and per image and architecture the
 * verdict of every locked dependency (wheel, pure, sdist-build, unavailable, unknown).
 */
export { type CandidateOptions, candidateImages, candidateOf, compareDotted } from './candidates.js';
export { type AnalyzeOptions, analyzeDependencies, defaultArchs } from './engine.js';
